// What the bundles' staleness checks look at (scripts/build.mjs sourceInputs): our sources one by one, a
// dependency through npm's node_modules/.package-lock.json (rewritten at every install), no generated module.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error scripts/build.mjs is plain JavaScript without types
import { sourceInputs } from '../../scripts/build.mjs';

const root = join(import.meta.dirname, '..', '..');

describe('bundle inputs for the staleness checks', () => {
  it('lists sources as they are, dependencies as the install record, and drops the generated zod module', () => {
    const inputs = {
      'src/main/web/main.ts': {},
      'node_modules/ws/lib/websocket.js': {},
      'node_modules/zod/v4/core/schemas.js': {},
      'zod-english-only:/somewhere/node_modules/zod/v4/locales/english-only.js': {},
    };
    const lock = join('node_modules', '.package-lock.json');
    const listed = sourceInputs({ inputs }) as string[];
    expect(existsSync(join(root, lock))).toBe(true);
    expect(listed).toEqual(['src/main/web/main.ts', lock]);
  });

  it('keeps a dependency file itself where there is no install record', () => {
    const listed = sourceInputs({ inputs: { 'test/fixtures/none/node_modules/x/index.js': {} } }) as string[];
    expect(listed).toEqual(['test/fixtures/none/node_modules/x/index.js']);
  });
});

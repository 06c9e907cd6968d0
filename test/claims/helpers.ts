import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Visit, type VisitInput } from '../../src/claims/visit.ts';

export const examplesDir = join(import.meta.dirname, '../../docs/examples');

export function loadExample(name: string): Visit {
  return Visit.parse(JSON.parse(readFileSync(join(examplesDir, name), 'utf8')));
}

export function exampleNames(): string[] {
  return readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
}

/** A visit with the given overrides on top of docs/examples/portal.json. */
export function visitWith(over: Partial<VisitInput>): Visit {
  const base = JSON.parse(readFileSync(join(examplesDir, 'portal.json'), 'utf8')) as VisitInput;
  return Visit.parse({ ...base, ...over });
}

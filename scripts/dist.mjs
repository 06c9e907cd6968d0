#!/usr/bin/env node
// `npm run dist [-- <electron-builder args, e.g. --linux deb>]`: builds the renderer, the Electron bundles and
// the CLI, merges the code-signing options from the environment (scripts/signing.mjs) into electron-builder.yml,
// checks the result like `npm run dist:check`, then runs electron-builder on it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron, buildRenderer } from './build.mjs';
import { checkConfig } from './dist-check.mjs';
import { withSigning } from './signing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const { config: base, problems } = await checkConfig(join(root, 'electron-builder.yml'));
const { config, signing } = withSigning(base, process.env);
const all = [...problems, ...signing.problems];
if (all.length > 0) {
  console.error(`dist: not building:\n${all.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`dist: code signing: ${signing.mode === 'none' ? 'none (unsigned build)' : signing.mode}`);
await buildRenderer();
await buildElectron();
mkdirSync(join(root, '.tmp'), { recursive: true });
const merged = join(root, '.tmp', 'electron-builder.dist.json');
writeFileSync(merged, JSON.stringify(config, null, 2));
const cli = require.resolve('electron-builder/cli.js');
const r = spawnSync(process.execPath, [cli, '--config', merged, '--publish', 'never', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

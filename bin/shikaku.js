#!/usr/bin/env node
// The `shikaku` command. Runs the built bundle (dist/cli/shikaku.cjs: `npm run build:cli`, or any Electron
// build) when it is up to date with every file it was built from; otherwise the TypeScript sources through
// tsx's loader, so a fresh checkout needs no build step and an edited source is never shadowed by an old build.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = new URL('../dist/cli/shikaku.cjs', import.meta.url);

function bundleIsCurrent() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL('../dist/cli/inputs.json', import.meta.url), 'utf8'));
    return Array.isArray(inputs) && inputs.every((p) => statSync(root + p).mtimeMs <= built);
  } catch {
    return false;
  }
}

let main;
if (bundleIsCurrent()) {
  ({ main } = createRequire(import.meta.url)(fileURLToPath(bundle)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// Builds the app: the renderer (vite.config.ts → dist/renderer) and, with --electron (or when called for
// `npm run dist`), the Electron main process, preload and core process bundles:
//   dist/electron/main.mjs     ESM, Electron main
//   dist/electron/preload.cjs  CommonJS (sandboxed preloads cannot be ES modules)
//   dist/core/process.cjs      CommonJS, run by utilityProcess.fork
// Dependencies stay external (they ship in the app's node_modules; native ones are unpacked from asar).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
// Bare package specifiers stay external; relative and absolute paths (POSIX or Windows drive) are bundled.
const isExternal = (id) =>
  id === 'electron' ||
  builtins.has(id) ||
  (/^(@[\w.-]+\/)?[\w.-]+(\/.*)?$/.test(id) && !id.startsWith('.') && !/^[a-z]:/i.test(id));

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/renderer is missing or older than a renderer source / the shared CSP / vite config. */
export function rendererIsStale() {
  const index = join(dist, 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtime(join(root, 'src', 'renderer')),
    statSync(join(root, 'src', 'main', 'host', 'csp.ts')).mtimeMs,
    statSync(join(root, 'src', 'main', 'contract.ts')).mtimeMs,
    statSync(join(root, 'vite.config.ts')).mtimeMs,
  );
  return sources > built;
}

export async function buildRenderer() {
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

async function bundle(entry, outDir, fileName, format) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: join(root, entry),
      outDir: join(dist, outDir),
      emptyOutDir: false,
      target: 'node22',
      minify: false,
      sourcemap: false,
      rollupOptions: {
        external: isExternal,
        output: { format, entryFileNames: fileName },
      },
    },
  });
}

export async function buildElectron() {
  await bundle('src/main/electron/main.ts', 'electron', 'main.mjs', 'es');
  await bundle('src/main/electron/preload.ts', 'electron', 'preload.cjs', 'cjs');
  await bundle('src/main/core/process.ts', 'core', 'process.cjs', 'cjs');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (!args.includes('--if-stale') || rendererIsStale()) await buildRenderer();
  if (args.includes('--electron')) await buildElectron();
}

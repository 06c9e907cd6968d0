#!/usr/bin/env node
// Builds the app: the renderer (vite.config.ts → dist/renderer) and, with --electron (or when called for
// `npm run dist`), the Electron main process, preload and core process bundles, and the CLI:
//   dist/electron/main.mjs      ESM, Electron main
//   dist/electron/preload.cjs   CommonJS (sandboxed preloads cannot be ES modules)
//   dist/core/process.cjs       CommonJS, run by utilityProcess.fork (esbuild: the same build as dist/web/core.cjs);
//                               it loads the core's code, core-body.cjs beside it, with V8's code cache (boot.ts)
//   dist/cli/shikaku.cjs        CommonJS, the `shikaku` command in one file (esbuild; --cli builds only this)
//   dist/web/host.mjs, dist/web/core.cjs  ESM web host and CommonJS core for `npm start` without Electron (esbuild,
//                               pure-JS dependencies inside, like the CLI; --web builds only these): nothing is
//                               transpiled when the app starts
//   dist/{core,cli,web}/pcsc-worker.cjs  the PC/SC worker process, next to the code that forks it
//   dist/{core,cli,web}/terminal-parse-worker.cjs  the answer parse worker thread, next to the code that starts it
// Dependencies of the Electron main and preload bundles stay external (they ship in the app's node_modules; native
// ones are unpacked from asar). The core and CLI bundles carry their pure-JS dependencies inside (but iconv-lite),
// so they start without resolving dozens of node_modules files.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// vite and esbuild load only when something is built: `npm start` imports this file for its staleness checks.
const build = async (config) => (await import('vite')).build(config);
const esbuild = async (options) => (await import('esbuild')).build(options);

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

/** Native modules (and Electron) are never bundled: they load from node_modules (app.asar.unpacked). */
export const NATIVE_MODULES = ['better-sqlite3', 'smartcard', 'node-hid', 'electron'];
export const CLI_BUNDLE = join(dist, 'cli', 'shikaku.cjs');
/** The files the CLI bundle was built from (bin/shikaku.js falls back to the sources when one is newer). */
export const CLI_INPUTS = join(dist, 'cli', 'inputs.json');

/** CommonJS has no import.meta: the sources' import.meta.url / dirname become the bundle file's own. */
const importMetaShim = {
  define: { 'import.meta.url': '__shikakuUrl', 'import.meta.dirname': '__dirname' },
  banner: { js: "const __shikakuUrl=require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * zod's namespace (`z`) carries every locale's error messages (~260 KB of the minified bundles, parsed and
 * compiled at every start); the app configures none and uses zod's default, English (which zod itself sets up
 * from locales/en.js). In the esbuild bundles `z.locales` holds that one locale only.
 */
const ZOD_ENGLISH_ONLY = 'zod-english-only';
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, '..', 'locales', 'english-only.js'), namespace: ZOD_ENGLISH_ONLY }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: ZOD_ENGLISH_ONLY }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The files a bundle was built from, relative to the root, for the staleness checks (the plugin's generated module
 * is none). A dependency's files stand for themselves only where npm's node_modules/.package-lock.json is missing:
 * npm rewrites it at every install, so its one stat replaces hundreds under node_modules (`npm start` checks at
 * every start).
 */
export function sourceInputs(metafile) {
  const out = new Set();
  for (const p of Object.keys(metafile.inputs)) {
    if (p.startsWith(`${ZOD_ENGLISH_ONLY}:`)) continue;
    const file = relative(root, join(root, p));
    const modules = /^(.*?node_modules)[\\/]/.exec(file)?.[1];
    const lock = modules === undefined ? undefined : join(modules, '.package-lock.json');
    out.add(lock !== undefined && existsSync(join(root, lock)) ? lock : file);
  }
  return [...out];
}

/**
 * esbuild in memory, then each output written beside its place and renamed over it: a `shikaku` started
 * while a test or `npm run build` rebuilds never reads half a file.
 */
async function esbuildAtomic(options) {
  const result = await esbuild({ ...options, write: false });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  return result;
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** A worker bundle (CommonJS, one file) next to the code that starts it, which looks for it next to itself. */
function buildWorker(entry, outDir, fileName, external) {
  return esbuildAtomic({
    entryPoints: [join(root, entry)],
    outfile: join(dist, outDir, fileName),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external,
    ...importMetaShim,
    metafile: true,
    logLevel: 'warning',
  });
}

/** The PC/SC worker process (forked by src/hardware/pcsc/real.ts). */
const buildPcscWorker = (outDir) =>
  buildWorker('src/hardware/pcsc/worker.ts', outDir, 'pcsc-worker.cjs', NATIVE_MODULES);

/** The answer parse worker thread (started by src/hardware/terminal/parse-pool.ts); iconv-lite stays external. */
const buildParseWorker = (outDir) =>
  buildWorker('src/hardware/terminal/parse-worker.ts', outDir, 'terminal-parse-worker.cjs', [
    ...NATIVE_MODULES,
    'iconv-lite',
  ]);

export async function buildCli() {
  const result = await esbuildAtomic({
    entryPoints: [join(root, 'src/main/cli/bundle.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    // iconv-lite loads its encoding tables on demand from node_modules; bundled, every table is parsed at start.
    external: [...NATIVE_MODULES, 'iconv-lite'],
    plugins: [zodEnglishOnly],
    ...importMetaShim,
    metafile: true,
    logLevel: 'warning',
  });
  await buildPcscWorker('cli');
  const parse = await buildParseWorker('cli');
  const inputs = new Set([...sourceInputs(result.metafile), ...sourceInputs(parse.metafile)]);
  writeAtomic(CLI_INPUTS, JSON.stringify([...inputs]));
}

export const WEB_HOST_BUNDLE = join(dist, 'web', 'host.mjs');
export const WEB_CORE_BUNDLE = join(dist, 'web', 'core.cjs');
/** The core's code, beside the file that loads it (WEB_CORE_BUNDLE, dist/core/process.cjs). */
export const CORE_BODY = 'core-body.cjs';
const WEB_INPUTS = join(dist, 'web', 'inputs.json');

/** True when a web bundle is missing or one of the files it was built from changed since. */
export function webHostIsStale() {
  try {
    const built = Math.min(
      ...[WEB_HOST_BUNDLE, WEB_CORE_BUNDLE, join(dist, 'web', CORE_BODY)].map((f) => statSync(f).mtimeMs),
    );
    const inputs = JSON.parse(readFileSync(WEB_INPUTS, 'utf8'));
    return !Array.isArray(inputs) || inputs.some((p) => statSync(join(root, p)).mtimeMs > built);
  } catch {
    return true;
  }
}

/** esbuild options of the bundles that carry their pure-JS dependencies inside: the web host, the core. */
const selfContained = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  external: [...NATIVE_MODULES, 'iconv-lite'],
  plugins: [zodEnglishOnly],
  metafile: true,
  logLevel: 'warning',
};

/**
 * The core process: its code in one CommonJS file (core-body.cjs) and `outfile`, the small file a host starts,
 * which loads it with V8's code cache (src/main/core/boot.ts). The same build for the web host and Electron's
 * utilityProcess. Returns the body's build (its inputs include the boot's few).
 */
async function buildCore(outfile) {
  const body = await esbuildAtomic({
    ...selfContained,
    entryPoints: [join(root, 'src/main/core/process.ts')],
    outfile: join(dirname(outfile), CORE_BODY),
    format: 'cjs',
    ...importMetaShim,
  });
  const boot = await esbuildAtomic({
    ...selfContained,
    entryPoints: [join(root, 'src/main/core/boot.ts')],
    outfile,
    format: 'cjs',
  });
  return { metafile: { inputs: { ...body.metafile.inputs, ...boot.metafile.inputs } } };
}

/** The web host and its core, each in one file: started by `npm start` where Electron is not installed. */
export async function buildWebHost() {
  const core = await buildCore(WEB_CORE_BUNDLE);
  const host = await esbuildAtomic({
    ...selfContained,
    entryPoints: [join(root, 'src/main/web/main.ts')],
    outfile: WEB_HOST_BUNDLE,
    format: 'esm',
    // Bundled CommonJS dependencies (ws) call require(): give the ES module one.
    banner: {
      js: "import{createRequire as __shikakuRequire}from'node:module';const require=__shikakuRequire(import.meta.url);",
    },
  });
  await buildPcscWorker('web');
  const parse = await buildParseWorker('web');
  const inputs = new Set([core, host, parse].flatMap((r) => sourceInputs(r.metafile)));
  writeAtomic(WEB_INPUTS, JSON.stringify([...inputs]));
}

export async function buildElectron() {
  await bundle('src/main/electron/main.ts', 'electron', 'main.mjs', 'es');
  await bundle('src/main/electron/preload.ts', 'electron', 'preload.cjs', 'cjs');
  await buildCore(join(dist, 'core', 'process.cjs'));
  await buildPcscWorker('core');
  await buildParseWorker('core');
  await buildCli();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--cli')) await buildCli();
  else if (args.includes('--web')) await buildWebHost();
  else {
    if (!args.includes('--if-stale') || rendererIsStale()) await buildRenderer();
    if (args.includes('--electron')) await buildElectron();
  }
}

// The built core's first file (dist/core/process.cjs, dist/web/core.cjs): loads the core's bundle, core-body.cjs
// beside it, with V8's code cache. Compiling the ~0.9 MB bundle is a third of the core's start; with the cache V8
// deserializes the code compiled by an earlier start instead (its own checks reject a cache made by another V8,
// other flags or another source). The cache lives in the user's own cache folder, SHIKAKU_CACHE_DIR (the host's
// choice, store/paths.ts defaultCacheDir), not in the data folder every account of the PC may write; named after
// the bundle's hash, V8's version and the CPU; a file whose own checksum fails (cut by a power cut) is ignored and
// made again. A start without an accepted cache writes one a little after the core said 'ready' (the code
// compiled by then is in it), never during the start itself. Without SHIKAKU_CACHE_DIR the code is compiled.
// Electron's utilityProcess and Node's fork run this file the same way. The bundle must not use a dynamic
// import() (a script from a code cache cannot serve one): the build test checks it.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { CODE_CACHE_HOOK, CORE_ENV, type CodeCacheHook, type CodeCacheState } from './protocol.ts';

const BODY = join(__dirname, 'core-body.cjs');
/** After 'ready', when the cache is written (the first screen is up by then). */
const WRITE_DELAY_MS = 2000;

const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

/** The cache file: sha256 of the rest, then V8's cached data. */
function readCache(file: string): Buffer | undefined {
  try {
    const raw = readFileSync(file);
    const data = raw.subarray(32);
    return raw.length > 32 && sha256(data).equals(raw.subarray(0, 32)) ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, file: string, data: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, Buffer.concat([sha256(data), data]));
  renameSync(temp, file);
  // Caches of earlier bundles or V8 versions are of no use any more.
  for (const name of readdirSync(dir)) {
    if (name.startsWith('core-') && join(dir, name) !== file) rmSync(join(dir, name), { force: true });
  }
}

const source = readFileSync(BODY, 'utf8');
const cacheDir = process.env[CORE_ENV.cacheDir] || undefined;
const cacheFile = cacheDir
  ? join(cacheDir, `core-${sha256(source).toString('hex').slice(0, 16)}-${process.versions.v8}-${process.arch}.v8`)
  : undefined;
const cachedData = cacheFile ? readCache(cacheFile) : undefined;
const script = new Script(Module.wrap(source), { filename: BODY, ...(cachedData ? { cachedData } : {}) });
const state: CodeCacheState =
  cacheDir === undefined ? 'off' : cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';

// The core calls this once it has said 'ready' (runtime.ts), and logs the state.
const hook: CodeCacheHook = {
  state,
  ready: () => {
    if (cacheDir === undefined || cacheFile === undefined || state === 'used') return;
    setTimeout(() => {
      try {
        writeCache(cacheDir, cacheFile, script.createCachedData());
      } catch (err) {
        process.stderr.write(`core: code cache not written: ${String(err)}\n`);
      }
    }, WRITE_DELAY_MS).unref();
  },
};
(globalThis as Record<symbol, unknown>)[CODE_CACHE_HOOK] = hook;

const body = new Module(BODY, module);
body.filename = BODY;
body.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(BODY));
const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
wrapper.call(body.exports, body.exports, Module.createRequire(BODY), body, BODY, dirname(BODY));

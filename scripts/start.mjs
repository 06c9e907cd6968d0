#!/usr/bin/env node
// `npm start [-- --demo]`: builds the renderer if needed, then runs the app in Electron where its binary is
// installed; otherwise says so in one line and serves the same app on the loopback web host.
// SHIKAKU_DATA_DIR sets the data folder; --demo uses <data>/demo and shows 「訓練モード」.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  WEB_CORE_BUNDLE,
  WEB_HOST_BUNDLE,
  buildElectron,
  buildRenderer,
  buildWebHost,
  rendererIsStale,
  webHostIsStale,
} from './build.mjs';

const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

/**
 * Path of the Electron binary, or undefined where it is not installed (npm ci here skips its download). Read
 * from the package's path.txt, not by require('electron'): that tries to download a missing binary first,
 * which costs seconds (and fails) at every start on a machine without one.
 */
function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const name = readFileSync(join(dir, 'path.txt'), 'utf8');
    const path = process.env.ELECTRON_OVERRIDE_DIST_PATH
      ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name || 'electron')
      : join(dir, 'dist', name);
    return name && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

if (rendererIsStale()) {
  console.log('Building the renderer…');
  await buildRenderer();
}

const electron = electronBinary();
if (electron !== undefined) {
  await buildElectron();
  const child = spawn(electron, ['dist/electron/main.mjs', ...args], { stdio: 'inherit' });
  // Ctrl-C reaches Electron too (same process group); it stops its core before quitting.
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(
    'Electron binary not installed (node_modules/electron/dist missing): serving the app on the loopback web host instead.',
  );
  // The host and its core run from their bundles (built once, again only when a source changed): nothing is
  // transpiled at start, and each process loads one file instead of hundreds of modules.
  if (webHostIsStale()) {
    console.log('Building the web host…');
    await buildWebHost();
  }
  const root = join(import.meta.dirname, '..');
  const { runWebHost } = await import(WEB_HOST_BUNDLE);
  await runWebHost(args, process.env, {
    coreEntry: WEB_CORE_BUNDLE,
    rendererDir: join(root, 'dist', 'renderer'),
    version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
  });
}

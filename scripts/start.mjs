#!/usr/bin/env node
// `npm start [-- --demo]`: builds the renderer if needed, then runs the app in Electron where its binary is
// installed; otherwise says so in one line and serves the same app on the loopback web host.
// SHIKAKU_DATA_DIR sets the data folder; --demo uses <data>/demo and shows 「訓練モード」.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildElectron, buildRenderer, rendererIsStale } from './build.mjs';

const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** Path of the Electron binary, or undefined where it is not installed (npm ci here skips its download). */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
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
  const { register } = await import('tsx/esm/api');
  register();
  const { runWebHost } = await import('../src/main/web/main.ts');
  await runWebHost(args);
}

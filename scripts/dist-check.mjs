#!/usr/bin/env node
// Validates electron-builder.yml offline: the same loader and JSON-schema validation electron-builder runs
// before a build (app-builder-lib's getConfig + validateConfiguration against its scheme.json), plus the
// project's own packaging requirements. No download, no build. Exit 0 valid, 1 invalid.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configPath = process.argv[2] ?? join(root, 'electron-builder.yml');

/** Project requirements electron-builder's schema cannot express. Returns a list of problems. */
export function projectProblems(config) {
  const problems = [];
  const winTargets = (config.win?.target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
  if (!winTargets.includes('nsis')) problems.push('win.target must include nsis');
  if (config.nsis?.perMachine !== true)
    problems.push('nsis.perMachine must be true (installed for every user of the PC)');
  if (config.nsis?.oneClick !== false)
    problems.push('nsis.oneClick must be false (per-machine installs need the assisted installer)');
  if (!(config.nsis?.installerLanguages ?? []).includes('ja_JP'))
    problems.push('nsis.installerLanguages must include ja_JP');
  const linuxTargets = (config.linux?.target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
  for (const t of ['AppImage', 'deb']) if (!linuxTargets.includes(t)) problems.push(`linux.target must include ${t}`);
  const unpack = [config.asarUnpack ?? []].flat();
  for (const m of ['better-sqlite3', 'smartcard', 'node-hid']) {
    if (!unpack.some((p) => p.includes(`node_modules/${m}`)))
      problems.push(`asarUnpack must include node_modules/${m}`);
  }
  if (config.asar === false) problems.push('asar must not be disabled');
  if (typeof config.extraMetadata?.main !== 'string')
    problems.push('extraMetadata.main must name the bundled Electron main');
  const fuses = config.electronFuses ?? {};
  if (fuses.runAsNode !== false) problems.push('electronFuses.runAsNode must be false');
  if (fuses.enableNodeOptionsEnvironmentVariable !== false)
    problems.push('electronFuses.enableNodeOptionsEnvironmentVariable must be false');
  if (fuses.enableNodeCliInspectArguments !== false)
    problems.push('electronFuses.enableNodeCliInspectArguments must be false');
  return problems;
}

export async function checkConfig(path) {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { Lazy } = require('lazy-val');
  const config = await getConfig(root, path, null, new Lazy(() => Promise.resolve(pkg)));
  await validateConfiguration(config, { isEnabled: false, add() {} });
  return { config, problems: projectProblems(config) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(configPath)) {
    console.error(`dist:check: ${configPath} not found`);
    process.exit(1);
  }
  try {
    const { problems } = await checkConfig(configPath);
    if (problems.length > 0) {
      console.error(`dist:check: ${configPath} is valid for electron-builder but not for this project:`);
      for (const p of problems) console.error(`  - ${p}`);
      process.exit(1);
    }
    console.log(`dist:check: ${configPath} is valid (electron-builder schema and project requirements).`);
  } catch (err) {
    console.error(`dist:check: ${configPath} is invalid:\n${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

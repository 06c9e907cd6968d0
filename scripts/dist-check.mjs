#!/usr/bin/env node
// Validates the packaging offline: electron-builder.yml through the same loader and JSON-schema validation
// electron-builder runs before a build (app-builder-lib's getConfig + validateConfiguration against its
// scheme.json), the project's own requirements for an installed clinic PC, package.json's dependencies, and
// the code-signing options each supported environment would add. No download, no build. Exit 0 valid, 1 not.
// Usage: node scripts/dist-check.mjs [electron-builder config] [--package <package.json>]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSigning } from './signing.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const APP_ID = 'jp.shikaku-fallback.app';
export const EXECUTABLE = 'shikaku-fallback';
/** Debian packages the app needs besides Electron's own: PC/SC (card reader) and libusb (UPS over HID). */
export const OUR_DEB_DEPENDS = ['libpcsclite1', 'pcscd', 'libusb-1.0-0'];
/** Never runtime dependencies of the packaged app: the renderer's libraries are bundled, tsx is development. */
export const NOT_RUNTIME = ['react', 'react-dom', 'zustand', 'tsx', 'vite', 'ws', 'electron', 'typescript'];
export const MIN_ELECTRON_MAJOR = 43;

const japanese = (v) => typeof v === 'string' && /[\u3040-\u30ff\u4e00-\u9fff]/.test(v);
const targetsOf = (platform) => [platform?.target ?? []].flat().map((t) => (typeof t === 'string' ? t : t.target));

/** electron-builder's own default deb `depends` (a custom list replaces it, so ours must repeat it). */
export function electronBuilderDebDefaults() {
  const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js');
  return FpmTarget.prototype.getDefaultDepends.call(null, 'deb');
}

/** Project requirements electron-builder's schema cannot express. Returns a list of problems. */
export function projectProblems(config, projectDir = root) {
  const problems = [];
  const resources = resolve(projectDir, config.directories?.buildResources ?? 'build');
  const fileIn = (p) => [join(resources, p), resolve(projectDir, p)].find((f) => existsSync(f));

  // Names: appId unchanged (Windows keys the install and the data on it), Japanese names for people.
  if (config.appId !== APP_ID) problems.push(`appId must stay ${APP_ID}`);
  if (!japanese(config.productName)) problems.push('productName must be the Japanese product name');
  if (config.executableName !== EXECUTABLE)
    problems.push(`executableName must be ${EXECUTABLE} (the shikaku.cmd / shikaku scripts call it by name)`);

  // Windows installer: per machine, assisted, Japanese, Japanese shortcut and uninstall entry, data folder.
  if (!targetsOf(config.win).includes('nsis')) problems.push('win.target must include nsis');
  if (config.nsis?.perMachine !== true)
    problems.push('nsis.perMachine must be true (installed for every user of the PC)');
  if (config.nsis?.oneClick !== false)
    problems.push('nsis.oneClick must be false (per-machine installs need the assisted installer)');
  if (!(config.nsis?.installerLanguages ?? []).includes('ja_JP'))
    problems.push('nsis.installerLanguages must include ja_JP');
  if (!japanese(config.nsis?.shortcutName)) problems.push('nsis.shortcutName must be the Japanese product name');
  if (!japanese(config.nsis?.uninstallDisplayName))
    problems.push('nsis.uninstallDisplayName must be the Japanese product name');
  const include = config.nsis?.include ? fileIn(config.nsis.include) : undefined;
  if (include === undefined) problems.push('nsis.include must name the include script that creates the data folder');
  else if (!/ProgramData/.test(readFileSync(include, 'utf8')) || !/icacls/.test(readFileSync(include, 'utf8')))
    problems.push('nsis.include must create %ProgramData%\\shikaku-fallback writable by every account (icacls)');
  if (config.nsis?.deleteAppDataOnUninstall === true)
    problems.push('nsis.deleteAppDataOnUninstall must not be true (the journal is kept)');

  // Icons, made from resources/icon.svg by scripts/icons.mjs.
  const winIcon = config.win?.icon ? fileIn(config.win.icon) : undefined;
  if (winIcon === undefined || !winIcon.endsWith('.ico')) problems.push('win.icon must name an existing .ico file');
  const linuxIcons = config.linux?.icon ? fileIn(config.linux.icon) : undefined;
  if (linuxIcons === undefined || !statSync(linuxIcons).isDirectory() || !existsSync(join(linuxIcons, '256x256.png')))
    problems.push('linux.icon must name an icon folder with 256x256.png');

  // Linux: AppImage and deb; the deb depends on what Electron needs to start plus ours.
  const linuxTargets = targetsOf(config.linux);
  for (const t of ['AppImage', 'deb']) if (!linuxTargets.includes(t)) problems.push(`linux.target must include ${t}`);
  const depends = config.deb?.depends ?? null;
  if (depends !== null) {
    const missing = [...electronBuilderDebDefaults(), ...OUR_DEB_DEPENDS].filter((d) => !depends.includes(d));
    if (missing.length > 0) problems.push(`deb.depends misses ${missing.join(', ')}`);
  } else problems.push(`deb.depends must list electron-builder's defaults and ${OUR_DEB_DEPENDS.join(', ')}`);

  // What goes into the app: the bundles, the CLI, no native sources; native modules unpacked.
  // getConfig normalises `files` to [{ filter: [...] }]; a hand-written config may list plain patterns.
  const files = [config.files ?? []]
    .flat()
    .flatMap((f) => (typeof f === 'string' ? [f] : [f?.filter ?? []].flat()))
    .filter((f) => typeof f === 'string');
  for (const f of ['dist/renderer/**', 'dist/electron/**', 'dist/core/**', 'dist/cli/**'])
    if (!files.includes(f)) problems.push(`files must include ${f}`);
  // Matched the way electron-builder matches `files` (its own minimatch).
  const { minimatch } = createRequire(require.resolve('app-builder-lib/package.json'))('minimatch');
  const excluded = (path) => files.some((f) => f.startsWith('!') && minimatch(path, f.slice(1), { dot: true }));
  for (const path of ['deps/sqlite3/sqlite3.c', 'src/better_sqlite3.cpp', 'build/Release/obj.target/x.o'])
    if (!excluded(`node_modules/better-sqlite3/${path}`))
      problems.push(`files must exclude node_modules/better-sqlite3/${path} (sources are not shipped)`);
  const unpack = [config.asarUnpack ?? []].flat();
  for (const m of ['better-sqlite3', 'smartcard', 'node-hid']) {
    if (!unpack.some((p) => p.includes(`node_modules/${m}`)))
      problems.push(`asarUnpack must include node_modules/${m}`);
  }
  if (config.asar === false) problems.push('asar must not be disabled');
  if (typeof config.extraMetadata?.main !== 'string')
    problems.push('extraMetadata.main must name the bundled Electron main');

  // The CLI on a clinic PC: shikaku.cmd (Windows) and shikaku (Linux) next to the executable.
  const extra = (platform, to) =>
    [config[platform]?.extraFiles ?? []].flat().find((e) => typeof e === 'object' && e.to === to);
  for (const [platform, to] of [
    ['win', 'shikaku.cmd'],
    ['linux', 'shikaku'],
  ]) {
    const e = extra(platform, to);
    if (e === undefined || !existsSync(resolve(projectDir, e.from)))
      problems.push(`${platform}.extraFiles must install ${to} next to the executable`);
  }

  // Signing: native modules signed too; forceCodeSigning only comes from a configured certificate.
  if (!(config.win?.signExts ?? []).includes('.node')) problems.push("win.signExts must include '.node'");
  if (config.forceCodeSigning === true)
    problems.push('forceCodeSigning must not be set in the file: scripts/dist.mjs sets it when signing is configured');

  // Fuses (security checklist 19). runAsNode stays on: the PC/SC worker fork and the CLI scripts need it.
  const fuses = config.electronFuses ?? {};
  if (fuses.runAsNode !== true)
    problems.push('electronFuses.runAsNode must be true (the PC/SC worker and shikaku.cmd run Electron as Node)');
  if (fuses.enableNodeOptionsEnvironmentVariable !== false)
    problems.push('electronFuses.enableNodeOptionsEnvironmentVariable must be false');
  if (fuses.enableNodeCliInspectArguments !== false)
    problems.push('electronFuses.enableNodeCliInspectArguments must be false');
  if (fuses.onlyLoadAppFromAsar !== true) problems.push('electronFuses.onlyLoadAppFromAsar must be true');
  if (fuses.enableEmbeddedAsarIntegrityValidation !== true)
    problems.push('electronFuses.enableEmbeddedAsarIntegrityValidation must be true');
  return problems;
}

/** package.json: a supported Electron pinned exactly; runtime dependencies only what main, core and CLI load. */
export function packageProblems(pkg) {
  const problems = [];
  const electron = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  if (typeof electron !== 'string' || !/^\d+\.\d+\.\d+$/.test(electron))
    problems.push('electron must be pinned to an exact version in devDependencies');
  else if (Number(electron.split('.')[0]) < MIN_ELECTRON_MAJOR)
    problems.push(`electron ${electron} is out of support (major ${MIN_ELECTRON_MAJOR} or later)`);
  for (const name of NOT_RUNTIME)
    if (pkg.dependencies?.[name] !== undefined)
      problems.push(`${name} must not be a runtime dependency (move it to devDependencies)`);
  return problems;
}

/** The environments scripts/signing.mjs supports, with placeholder values (nothing is signed here). */
export const SIGNING_SAMPLES = {
  azure: {
    SHIKAKU_AZURE_SIGN_ENDPOINT: 'https://example.invalid',
    SHIKAKU_AZURE_SIGN_ACCOUNT: 'account',
    SHIKAKU_AZURE_SIGN_PROFILE: 'profile',
    SHIKAKU_SIGN_PUBLISHER: 'Example Clinic Software',
  },
  pfx: { CSC_LINK: '/nonexistent/cert.pfx', CSC_KEY_PASSWORD: 'x' },
  store: { SHIKAKU_SIGN_CERT_SHA1: '0123456789abcdef0123456789abcdef01234567' },
};

/** electron-builder's own loading of a config file (defaults, `extends`, normalised `files`). */
export async function loadConfig(path) {
  const { getConfig } = require('app-builder-lib/out/util/config/config.js');
  const { Lazy } = require('lazy-val');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return getConfig(root, path, null, new Lazy(() => Promise.resolve(pkg)));
}

async function validate(config) {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  await validateConfiguration(config, { isEnabled: false, add() {} });
}

export async function checkConfig(path, packagePath = join(root, 'package.json')) {
  const config = await loadConfig(path);
  await validate(config);
  const problems = [...projectProblems(config), ...packageProblems(JSON.parse(readFileSync(packagePath, 'utf8')))];
  // Each signing environment must give a config electron-builder accepts, with forceCodeSigning on.
  for (const [name, env] of Object.entries(SIGNING_SAMPLES)) {
    const { config: signed, signing } = withSigning(config, env);
    if (signing.problems.length > 0 || signed.forceCodeSigning !== true)
      problems.push(`signing (${name}) does not configure forced code signing`);
    try {
      await validate(signed);
    } catch (err) {
      problems.push(`signing (${name}) gives an invalid config: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { config, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--package');
  const packagePath = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const configPath = args[0] ?? join(root, 'electron-builder.yml');
  if (!existsSync(configPath)) {
    console.error(`dist:check: ${configPath} not found`);
    process.exit(1);
  }
  try {
    const { problems } = await checkConfig(configPath, packagePath);
    if (problems.length > 0) {
      console.error(`dist:check: ${configPath} is valid for electron-builder but not for this project:`);
      for (const p of problems) console.error(`  - ${p}`);
      process.exit(1);
    }
    console.log(`dist:check: ${configPath} is valid (electron-builder schema, project requirements, signing).`);
  } catch (err) {
    console.error(`dist:check: ${configPath} is invalid:\n${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

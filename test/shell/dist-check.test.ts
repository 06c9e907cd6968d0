// `npm run dist:check` (scripts/dist-check.mjs) against broken configs: electron-builder.yml loaded once the
// way electron-builder loads it, then each project requirement taken away in turn must be reported; the
// package.json rules and the signing environments likewise. One run of the script itself on a broken
// package.json (the repository's own config is checked in options-and-dist.test.ts).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  electronBuilderDebDefaults,
  loadConfig,
  packageProblems,
  projectProblems,
  type BuilderConfig,
} from '../../scripts/dist-check.mjs';
import { signingFromEnv, withSigning } from '../../scripts/signing.mjs';
import { tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
const dir = tempDir('shikaku-dist-check-');
let config: BuilderConfig;

beforeAll(async () => {
  config = await loadConfig(join(root, 'electron-builder.yml'));
});
afterAll(() => dir.remove());

/** The problems of the repository's config after `edit` changed a deep copy of it. */
function problemsWith(edit: (c: BuilderConfig) => void): string[] {
  const copy = structuredClone(config);
  edit(copy);
  return projectProblems(copy, root);
}

describe('dist:check project requirements', () => {
  it('the repository config has none', () => {
    expect(projectProblems(config, root)).toEqual([]);
    expect(packageProblems(pkg)).toEqual([]);
  });

  const cases: Array<[string, (c: BuilderConfig) => void, string]> = [
    ['appId changed', (c) => (c.appId = 'com.example.other'), 'appId must stay'],
    ['English product name', (c) => (c.productName = 'shikaku-fallback'), 'productName must be the Japanese'],
    ['executable renamed', (c) => (c.executableName = '資格確認'), 'executableName must be shikaku-fallback'],
    ['English shortcut', (c) => (c.nsis.shortcutName = 'shikaku-fallback'), 'nsis.shortcutName'],
    ['no uninstall name', (c) => delete c.nsis.uninstallDisplayName, 'nsis.uninstallDisplayName'],
    ['per-user install', (c) => (c.nsis.perMachine = false), 'nsis.perMachine must be true'],
    ['no NSIS include', (c) => delete c.nsis.include, 'nsis.include must name'],
    ['NSIS include that does not exist', (c) => (c.nsis.include = 'resources/none.nsh'), 'nsis.include must name'],
    ['no Windows icon', (c) => delete c.win.icon, 'win.icon'],
    ['no Linux icons', (c) => (c.linux.icon = 'nowhere'), 'linux.icon'],
    ['no deb', (c) => (c.linux.target = ['AppImage']), 'linux.target must include deb'],
    [
      'deb depends without electron-builder defaults',
      (c) => (c.deb.depends = ['libpcsclite1', 'pcscd', 'libusb-1.0-0']),
      'deb.depends misses libgtk-3-0',
    ],
    [
      'deb depends without ours',
      (c) => (c.deb.depends = electronBuilderDebDefaults()),
      'deb.depends misses libpcsclite1',
    ],
    ['no deb depends', (c) => delete c.deb.depends, 'deb.depends must list'],
    [
      'CLI bundle not packaged',
      (c) => (c.files[0].filter = c.files[0].filter.filter((f: string) => f !== 'dist/cli/**')),
      'files must include dist/cli/**',
    ],
    [
      'better-sqlite3 sources shipped',
      (c) => (c.files[0].filter = c.files[0].filter.filter((f: string) => !f.includes('{deps,src'))),
      'node_modules/better-sqlite3/deps/',
    ],
    ['no shikaku.cmd', (c) => delete c.win.extraFiles, 'win.extraFiles must install shikaku.cmd'],
    [
      'no Linux shikaku script',
      (c) => (c.linux.extraFiles = [{ from: 'resources/cli/none', to: 'shikaku' }]),
      'linux.extraFiles',
    ],
    ['.node files not signed', (c) => (c.win.signExts = []), "win.signExts must include '.node'"],
    ['forced signing in the file', (c) => (c.forceCodeSigning = true), 'forceCodeSigning must not be set in the file'],
    ['runAsNode fuse off', (c) => (c.electronFuses.runAsNode = false), 'electronFuses.runAsNode must be true'],
    [
      'NODE_OPTIONS fuse on',
      (c) => (c.electronFuses.enableNodeOptionsEnvironmentVariable = true),
      'enableNodeOptionsEnvironmentVariable',
    ],
    [
      'native module packed in asar',
      (c) => (c.asarUnpack = ['**/*.node']),
      'asarUnpack must include node_modules/better-sqlite3',
    ],
  ];
  for (const [name, edit, message] of cases) {
    it(`rejects: ${name}`, () => {
      expect(problemsWith(edit).join('\n')).toContain(message);
    });
  }
});

describe('dist:check package.json rules', () => {
  const withPkg = (edit: (p: Record<string, Record<string, string>>) => void) => {
    const copy = structuredClone(pkg);
    edit(copy);
    return packageProblems(copy).join('\n');
  };
  it('rejects an Electron out of support, or not pinned', () => {
    expect(withPkg((p) => (p.devDependencies!.electron = '41.7.1'))).toContain('out of support');
    expect(withPkg((p) => (p.devDependencies!.electron = '^45.6.1'))).toContain('pinned to an exact version');
  });
  it('rejects renderer libraries and tsx as runtime dependencies', () => {
    for (const name of ['react', 'react-dom', 'zustand', 'tsx']) {
      expect(withPkg((p) => (p.dependencies![name] = '1.0.0'))).toContain(`${name} must not be a runtime dependency`);
    }
  });
  it('the script itself fails on such a package.json', async () => {
    const bad = join(dir.path, 'package.json');
    writeFileSync(bad, JSON.stringify({ ...pkg, dependencies: { ...pkg.dependencies, tsx: '4.0.0' } }));
    const r = await promisify(execFile)(
      process.execPath,
      [join(root, 'scripts/dist-check.mjs'), join(root, 'electron-builder.yml'), '--package', bad],
      { cwd: root },
    ).then(
      () => ({ code: 0, out: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('tsx must not be a runtime dependency');
  });
});

describe('code signing from the environment', () => {
  it('none configured: unsigned build, no forced signing', () => {
    expect(signingFromEnv({}).mode).toBe('none');
    expect(withSigning(config, {}).config.forceCodeSigning).toBe(false);
  });
  it('a .pfx (CSC_LINK) or a store certificate: signtool, forced', () => {
    const pfx = withSigning(config, { CSC_LINK: 'C:\\cert.pfx' });
    expect(pfx.signing.mode).toBe('signtool');
    expect(pfx.config.forceCodeSigning).toBe(true);
    expect(pfx.config.win.signExts).toContain('.node');
    const store = withSigning(config, { SHIKAKU_SIGN_CERT_SHA1: 'ab'.repeat(20) });
    expect(store.config.win.signtoolOptions.certificateSha1).toBe('ab'.repeat(20));
  });
  it('Azure Trusted Signing: all four settings, or a clear problem naming the missing ones', () => {
    const env = {
      SHIKAKU_AZURE_SIGN_ENDPOINT: 'https://example.invalid',
      SHIKAKU_AZURE_SIGN_ACCOUNT: 'acc',
      SHIKAKU_AZURE_SIGN_PROFILE: 'prof',
      SHIKAKU_SIGN_PUBLISHER: 'Clinic Software',
    };
    const azure = withSigning(config, env);
    expect(azure.config.win.azureSignOptions).toEqual({
      endpoint: env.SHIKAKU_AZURE_SIGN_ENDPOINT,
      codeSigningAccountName: 'acc',
      certificateProfileName: 'prof',
      publisherName: 'Clinic Software',
    });
    expect(azure.config.forceCodeSigning).toBe(true);
    const partial = signingFromEnv({ ...env, SHIKAKU_AZURE_SIGN_PROFILE: '' });
    expect(partial.problems.join('\n')).toContain('SHIKAKU_AZURE_SIGN_PROFILE');
  });
});

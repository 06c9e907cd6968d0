// The clinic server's password in the installed app (src/main/electron/secrets.ts): kept only encrypted, in one
// file of the data folder, written once the core has taken it, handed to the next core start in its environment and
// taken out of it by the core. safeStorage is the one thing replaced (Electron is not installed here): an AES-GCM box
// with a key of its own, so "encrypted" is real; the files are real.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../src/main/contract.ts';
import { SERVER_PASSWORD_ENV, takeServerPassword } from '../../src/main/core/server/client.ts';
import {
  readServerPassword,
  SERVER_SECRET_FILE,
  setServerPassword,
  type SecretBox,
} from '../../src/main/electron/secrets.ts';

function aesBox(available = true): SecretBox {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(b) {
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const PASSWORD = 'うけつけ-Secret#2026';
const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'secrets-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const accepted = async (): Promise<CallResult> => ({ ok: true, value: { saved: true } });

describe('the server password in the installed app', () => {
  it('is stored encrypted once the core took it, and the next core start gets it', async () => {
    const dir = dataDir();
    const box = aesBox();
    const env: NodeJS.ProcessEnv = {};
    const forwarded: unknown[] = [];
    const r = await setServerPassword(
      { password: PASSWORD, staff: 'admin' },
      async (input) => (forwarded.push(input), accepted()),
      { dataDir: dir, box, env },
    );
    expect(r).toEqual({ ok: true, value: { saved: true } });
    expect(forwarded).toEqual([{ password: PASSWORD, staff: 'admin' }]);
    const bytes = readFileSync(path.join(dir, SERVER_SECRET_FILE));
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(bytes.includes(Buffer.from('Secret'))).toBe(false);
    expect(env[SERVER_PASSWORD_ENV]).toBe(PASSWORD);
    // A new session of the app: decrypted from the file.
    expect(readServerPassword(dir, box)).toBe(PASSWORD);
  });

  it('a refused request changes nothing stored', async () => {
    const dir = dataDir();
    const box = aesBox();
    const env: NodeJS.ProcessEnv = {};
    await setServerPassword({ password: PASSWORD, staff: 'admin' }, accepted, { dataDir: dir, box, env });
    const before = readFileSync(path.join(dir, SERVER_SECRET_FILE));
    const refused: CallResult = { ok: false, error: { code: 'STAFF_UNKNOWN', message: '担当者が見つかりません。' } };
    const r = await setServerPassword({ password: 'other', staff: 'nobody' }, async () => refused, {
      dataDir: dir,
      box,
      env,
    });
    expect(r).toBe(refused);
    expect(readFileSync(path.join(dir, SERVER_SECRET_FILE))).toEqual(before);
    expect(env[SERVER_PASSWORD_ENV]).toBe(PASSWORD);
  });

  it('removing it deletes the file and the hand-over', async () => {
    const dir = dataDir();
    const box = aesBox();
    const env: NodeJS.ProcessEnv = {};
    await setServerPassword({ password: PASSWORD, staff: 'admin' }, accepted, { dataDir: dir, box, env });
    await setServerPassword({ password: null, staff: 'admin' }, accepted, { dataDir: dir, box, env });
    expect(existsSync(path.join(dir, SERVER_SECRET_FILE))).toBe(false);
    expect(env[SERVER_PASSWORD_ENV]).toBeUndefined();
    expect(readServerPassword(dir, box)).toBeNull();
  });

  it('without a keystore nothing is written: the password lasts for the session only', async () => {
    const dir = dataDir();
    const env: NodeJS.ProcessEnv = {};
    const lines: string[] = [];
    await setServerPassword({ password: PASSWORD, staff: 'admin' }, accepted, {
      dataDir: dir,
      box: aesBox(false),
      env,
      log: (l) => lines.push(l),
    });
    expect(existsSync(path.join(dir, SERVER_SECRET_FILE))).toBe(false);
    expect(env[SERVER_PASSWORD_ENV]).toBe(PASSWORD);
    expect(lines.join('\n')).toContain('session only');
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('a file the keystore cannot open (another user, a copied profile) is no password, and says so without it', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, SERVER_SECRET_FILE), aesBox().encryptString(PASSWORD));
    const lines: string[] = [];
    expect(readServerPassword(dir, aesBox(), (l) => lines.push(l))).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(PASSWORD);
  });

  it('the core takes the password out of its environment once', () => {
    const env: NodeJS.ProcessEnv = { [SERVER_PASSWORD_ENV]: PASSWORD, OTHER: 'x' };
    expect(takeServerPassword(env)).toBe(PASSWORD);
    expect(env).toEqual({ OTHER: 'x' });
    expect(takeServerPassword(env)).toBeNull();
  });
});

// The clinic server's password in the installed app (docs/clinic-server.md): kept encrypted by the OS keystore
// (Electron safeStorage: DPAPI on Windows, the Keychain on macOS, libsecret on Linux) in one file beside the journal,
// never in the settings table or a log. The core runs in a utility process, where safeStorage does not exist: the main
// process answers 'server.password' by forwarding it to the core (which keeps it in memory and audits the change)
// and, once the core has taken it, writes (or removes) the encrypted file; each time the core starts, the main
// process decrypts the file and hands the password over in the core's environment (SERVER_PASSWORD_ENV), which the
// core reads once and deletes. Anyone who can read that process's environment runs as the same Windows user and
// could ask DPAPI to decrypt the file as well: the environment adds no exposure the keystore does not already have.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CallResult } from '../contract.ts';
import { SERVER_PASSWORD_ENV } from '../core/server/client.ts';
import { writeFileDurable } from '../core/store/durable.ts';

export const SERVER_PASSWORD_REQUEST = 'server.password';
/** The encrypted password's file in the data folder. */
export const SERVER_SECRET_FILE = 'server-password.bin';

/** The part of Electron's safeStorage used here (injected: tests run without Electron). */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** The stored password, or null (none stored, no keystore, or a file the keystore cannot decrypt any more). */
export function readServerPassword(dataDir: string, box: SecretBox, log?: (line: string) => void): string | null {
  const file = path.join(dataDir, SERVER_SECRET_FILE);
  if (!existsSync(file)) return null;
  try {
    if (!box.isEncryptionAvailable()) {
      log?.('server password: the OS keystore is not available; the password must be typed again');
      return null;
    }
    return box.decryptString(readFileSync(file));
  } catch (err) {
    // Another Windows user, a restored profile: the keystore no longer opens it. Staff type it again.
    log?.(`server password: cannot decrypt the stored password (${(err as Error).name})`);
    return null;
  }
}

/**
 * 'server.password' in the installed app: the core takes it first (refusals, the audit entry); only then is the
 * encrypted copy written (or removed for null), so a refused request leaves the stored password as it was. When the
 * keystore is not available the core's answer stands and the password lasts until the core stops.
 */
export async function setServerPassword(
  input: unknown,
  forward: (input: unknown) => Promise<CallResult>,
  deps: { dataDir: string; box: SecretBox; env: NodeJS.ProcessEnv; log?: (line: string) => void },
): Promise<CallResult> {
  const answer = await forward(input);
  if (!answer.ok) return answer;
  const password = (input as { password: string | null }).password;
  const file = path.join(deps.dataDir, SERVER_SECRET_FILE);
  // The next start of the core (a crash, 「再起動」) gets the password from the environment the spawner reuses.
  if (password === null) delete deps.env[SERVER_PASSWORD_ENV];
  else deps.env[SERVER_PASSWORD_ENV] = password;
  try {
    if (password === null) rmSync(file, { force: true });
    else if (deps.box.isEncryptionAvailable()) writeFileDurable(file, deps.box.encryptString(password));
    else deps.log?.('server password: the OS keystore is not available; kept for this session only');
  } catch (err) {
    deps.log?.(`server password: cannot store the encrypted password (${(err as Error).message})`);
  }
  return answer;
}

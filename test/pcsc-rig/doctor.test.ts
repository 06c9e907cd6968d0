// `shikaku doctor --json` as the administrator runs it (a real child process), against the real rig: pcscd +
// vpcd with a virtual card, and a terminal share folder served by the simulator.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/hardware/health/index.ts';
import { TerminalSimulator } from '../../src/hardware/terminal/index.ts';
import type { VpcdCardLink } from '../support/vcard/vpcd.ts';
import { bin } from '../cli/run.ts';
import { PcscdRig, READER, cardIn, newPort, pcscdPids, virtualCard, waitForSnapshot, workerPids } from './helpers.ts';

const rig = new PcscdRig();
let card: VpcdCardLink | undefined;
let sim: TerminalSimulator | undefined;
const share = mkdtempSync(join(tmpdir(), 'shikaku-doctor-'));

/** Runs the CLI without blocking this process: the virtual card answers APDUs from here. */
function doctor(): Promise<{ code: number; report: DoctorReport }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [bin, 'doctor', '--terminal-dir', share, '--json'],
      { timeout: 60_000, encoding: 'utf8' },
      (err, stdout) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        try {
          resolve({ code, report: JSON.parse(stdout) as DoctorReport });
        } catch (e) {
          reject(new Error(`doctor printed no JSON (exit ${code}): ${stdout} ${(e as Error).message}`));
        }
      },
    );
  });
}

const device = (r: DoctorReport, key: string) => r.devices.find((d) => d.key === key)!;

beforeAll(async () => {
  await rig.start();
  sim = await TerminalSimulator.start({ dir: share });
  card = virtualCard({ notAfter: new Date(Date.now() + 2 * 365 * 86_400_000) });
  await card.insert();
  const watcher = newPort();
  await watcher.start();
  try {
    await waitForSnapshot(watcher, 'card in', cardIn);
  } finally {
    await watcher.stop();
  }
});

afterAll(async () => {
  await card?.remove();
  await sim?.stop();
  await rig.stop();
  rmSync(share, { recursive: true, force: true });
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

describe('shikaku doctor on the rig', () => {
  it('names the reader and the card, and finds the terminal share', async () => {
    const { report } = await doctor();
    const reader = device(report, 'reader');
    expect(reader.status).toBe('ok');
    expect(reader.facts.readers).toContain(READER);
    const cardDevice = device(report, 'card');
    expect(cardDevice.status).toBe('ok');
    expect(cardDevice.facts).toMatchObject({ reader: READER, status: 'ok' });
    expect(device(report, 'terminal').facts).toMatchObject({ shareDir: share, req: true, res: true, face: true });
    expect(report.causes.map((c) => c.code)).not.toContain('pcsc_service_down');
  });

  it('names the PC/SC service as the fault once pcscd is stopped', async () => {
    await card?.remove();
    card = undefined;
    await rig.stop();
    const { code, report } = await doctor();
    expect(code).toBe(1);
    expect(report.mode).toBe('outage');
    const causes = report.causes.map((c) => c.code);
    expect(causes).toContain('pcsc_service_down');
    expect(device(report, 'reader')).toMatchObject({ status: 'fault' });
    expect(device(report, 'reader').facts).toMatchObject({ service: 'unavailable', lastError: 'SCARD_E_NO_SERVICE' });
  });
});

// face/: face-reader results appear as files; the client emits them as parsed events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FileTerminalClient, type FaceEvent } from '../../src/hardware/terminal/client.ts';
import { TerminalSimulator } from '../../src/hardware/terminal/simulator.ts';
import { FIXTURES, makeShare, tempDir, until } from './helpers.ts';

const FIXTURE_FACE = 'OQSsiquc01res_face_131234567880000000000000001_20250301093000.xml';

let share: { dir: string; cleanup: () => void };
const closers: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  share = tempDir();
  await makeShare(share.dir);
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  share.cleanup();
});

function subscribe(c: FileTerminalClient): FaceEvent[] {
  const events: FaceEvent[] = [];
  closers.push(c.onFace((e) => events.push(e)));
  return events;
}

function client(opts: Partial<ConstructorParameters<typeof FileTerminalClient>[0]> = {}) {
  const c = new FileTerminalClient({ dir: share.dir, pollMs: 50, settleMs: 20, stableReads: 3, ...opts });
  closers.push(() => c.close());
  return c;
}

describe('face folder', () => {
  it('emits a parsed event for a face-reader file written by the simulator', async () => {
    const sim = await TerminalSimulator.start({ dir: share.dir, pollMs: 50, medicalInstitutionCode: '1312345678' });
    closers.push(() => sim.stop());
    const c = client();
    const events = subscribe(c);
    await c.faceReady(); // files from now on are new
    const name = await sim.writeFace({
      person: {
        insurerNumber: '01130017',
        symbol: '12345',
        number: '067',
        branch: '00',
        name: '渡邊　一郎',
        birthDate: '1970-03-15',
        sex: 'male',
        copayPercent: 30,
      },
      at: new Date(2025, 2, 1, 9, 30, 0),
    });
    await until(() => events.length === 1);
    const e = events[0]!;
    expect(e.type).toBe('face');
    if (e.type !== 'face') return;
    expect(e.file).toBe(name);
    expect(e.timestamp).toBe('20250301093000');
    expect(e.id).toMatch(/^1312345678\d{17}$/);
    expect(e.answer.header.referenceClassification).toBe('1');
    expect(e.finding).toMatchObject({
      validity: 'valid',
      name: '渡邊　一郎',
      sex: 'male',
      copayPercent: 30,
      insurance: { number: '067' },
    });
  });

  it('ignores files present before watching, unless asked; parses the hand-written fixture', async () => {
    copyFileSync(path.join(FIXTURES, FIXTURE_FACE), path.join(share.dir, 'face', FIXTURE_FACE));
    const sim = await TerminalSimulator.start({ dir: share.dir, pollMs: 50 });
    closers.push(() => sim.stop());
    const c1 = client();
    const c2 = client({ faceIncludeExisting: true });
    const fresh = subscribe(c1);
    const all = subscribe(c2);
    await Promise.all([c1.faceReady(), c2.faceReady()]);
    await until(() => all.length === 1);
    const e = all[0]!;
    expect(e).toMatchObject({
      type: 'face',
      file: FIXTURE_FACE,
      id: '131234567880000000000000001',
      timestamp: '20250301093000',
      at: '2025-03-01T09:30:00+09:00',
    });
    if (e.type === 'face') expect(e.answer.body.results[0]!.name).toBe('渡邊　一郎');
    // a new file reaches both; the old one never reaches the first
    await sim.writeFace({
      person: {
        insurerNumber: '39131015',
        number: '00098765',
        name: '佐藤　花子',
        birthDate: '1940-07-10',
        sex: 'female',
        copayPercent: 10,
      },
    });
    await until(() => fresh.length === 1 && all.length === 2);
    expect(fresh[0]).toMatchObject({ type: 'face', finding: { name: '佐藤　花子', copayPercent: 10 } });
  });

  it('ignores names that are not face results; reports an unreadable face file as face_error', async () => {
    const c = client();
    const events = subscribe(c);
    await c.faceReady();
    writeFileSync(path.join(share.dir, 'face', 'notes.txt'), 'x');
    writeFileSync(path.join(share.dir, 'face', 'OQSsiquc01res_face_123_2025.xml'), 'x'); // timestamp too short
    writeFileSync(
      path.join(share.dir, 'face', 'OQSsiquc01res_face_999_20250301100000.xml'),
      '<?xml version="1.0"?><XmlMsg><MessageHeader>',
    );
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({
      type: 'face_error',
      file: 'OQSsiquc01res_face_999_20250301100000.xml',
      error: { code: 'TERMINAL_MALFORMED_ANSWER' },
    });
  });

  it('unsubscribing the last listener stops watching', async () => {
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const baseline = process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
    const c = client();
    const off = c.onFace(() => undefined);
    await until(() => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length > baseline);
    off();
    await until(() => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length === baseline);
  });
});

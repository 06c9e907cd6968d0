// TLS to the clinic server (a real PostgreSQL with ssl = on and a self-signed certificate, as a clinic's server
// has): 「接続テスト」 shows the certificate's fingerprint; with that fingerprint pinned the PC connects and syncs; a
// server showing another certificate is refused before authentication (the server's log has no authorization
// for the attempt) with SERVER_TLS_CERT_CHANGED, and the PC stays on its own journal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/main/core/server/client.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { makeVisit, removeDir, unwrap } from '../store/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { openPc, serverSettings, type TestPc } from './helpers.ts';

let pgs: TestPostgres;
const pcs: TestPc[] = [];

beforeAll(async () => {
  pgs = await startPostgres({ tls: true });
}, 60_000);

afterAll(async () => {
  for (const p of pcs) {
    await p.close();
    removeDir(p.dir);
  }
  pgs?.destroy();
});

const authorized = () => (pgs.log().match(/connection authorized/g) ?? []).length;

describe('TLS with a pinned certificate', () => {
  it('接続テスト shows the fingerprint; pinned, the PC syncs; another certificate is refused before the password', async () => {
    const pc = await openPc(pgs, '受付1');
    pcs.push(pc);
    const tls = { ...serverSettings(pgs, '受付1'), tls: true };
    const send = testDispatcher(testCoreDeps(pc.store, pc.dir));
    const tested = (await send('server.test', { settings: tls, password: pgs.password })) as {
      value: { ok: boolean; fingerprint: string; message: string };
    };
    expect(tested.value).toMatchObject({ ok: true, fingerprint: pgs.fingerprint });
    expect(tested.value.message).toContain(pgs.fingerprint!);

    // Pinned (typed with spaces and in lower case, as someone copies it): connected.
    const pinned = { ...tls, tlsFingerprint: pgs.fingerprint!.toLowerCase().replace(/:/g, ' ') };
    unwrap(pc.store.setSetting('server', pinned, SYSTEM_ACTOR));
    unwrap(pc.store.saveVisit(makeVisit(1)));
    expect(await pc.sync.syncOnce()).toMatchObject({ mode: 'connected', pushedSeq: expect.any(Number) });

    // Another certificate (the fingerprint of an impostor): refused during the handshake, no login attempted.
    const before = authorized();
    const impostor = { ...tls, tlsFingerprint: 'AB'.repeat(32) };
    unwrap(pc.store.setSetting('server', impostor, SYSTEM_ACTOR));
    const s = await pc.sync.syncOnce();
    expect(s).toMatchObject({ mode: 'local', code: 'SERVER_TLS_CERT_CHANGED', text: 'このPCのデータのみ' });
    expect(s.message).toContain('証明書');
    await expect(connect({ ...impostor, tlsFingerprint: 'AB'.repeat(32) }, pgs.password)).rejects.toMatchObject({
      code: 'SERVER_TLS_CERT_CHANGED',
    });
    expect(authorized()).toBe(before);
    // The PC goes on with its own journal.
    expect(unwrap(pc.store.saveVisit(makeVisit(2))).created).toBe(true);
  }, 60_000);

  it('a fingerprint that is not 64 hex digits is refused by the setting', () => {
    const pc = pcs[0]!;
    const r = pc.store.setSetting(
      'server',
      { ...serverSettings(pgs, '受付1'), tls: true, tlsFingerprint: 'AB:CD' },
      SYSTEM_ACTOR,
    );
    expect(r.ok).toBe(false);
  });
});

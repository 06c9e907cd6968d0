// Push: a PC's journal to the clinic server, in sequence order from the server's head (docs/clinic-server.md).
// One PostgreSQL transaction per batch, serialised clinic-wide by an advisory lock (so the server's revision order
// is its commit order and a pull never skips a row): the PC's head is checked (the batch must continue the chain
// the server holds: same sequence, same prev_hash), the audit entries are inserted, the rows upserted by key (a row
// that did not change keeps its revision), and the head moves. A batch cut off (server stopped, PC killed) rolls
// back whole; the next push starts again from the head, so nothing is lost or doubled.
import type { ClientBase } from 'pg';
import { entryHash, GENESIS_HASH } from '../store/audit.ts';
import type { Feed, FeedEntry } from '../store/feed.ts';
import type { Store } from '../store/index.ts';
import { ServerError } from './messages.ts';
import { LOCK_PUSH } from './schema.ts';

export async function serverHead(c: ClientBase, pc: string): Promise<{ seq: number; hash: string }> {
  const r = await c.query<{ head_seq: string; head_hash: string }>(
    'SELECT head_seq, head_hash FROM pcs WHERE pc = $1',
    [pc],
  );
  const row = r.rows[0];
  return row ? { seq: Number(row.head_seq), hash: row.head_hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Sends one batch; returns the server's new head for this PC. */
export async function pushBatch(c: ClientBase, pc: string, feed: Feed): Promise<number> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_PUSH]);
    await c.query('INSERT INTO pcs (pc) VALUES ($1) ON CONFLICT (pc) DO NOTHING', [pc]);
    const h = (
      await c.query<{ head_seq: string; head_hash: string }>(
        'SELECT head_seq, head_hash FROM pcs WHERE pc = $1 FOR UPDATE',
        [pc],
      )
    ).rows[0]!;
    const head = Number(h.head_seq);
    const entries = feed.entries.filter((e) => e.seq > head);
    if (entries.length === 0) {
      await c.query('COMMIT');
      return head;
    }
    const first = entries[0]!;
    if (first.seq !== head + 1 || first.prev_hash !== h.head_hash)
      throw new ServerError('SERVER_PC_NAME_TAKEN', `server head ${head}, journal entry ${first.seq}`);
    await c.query(
      `INSERT INTO audit_log (pc, seq, at, actor, action, entity, entity_id, detail, prev_hash, hash)
       SELECT $1, x.seq, x.at, x.actor, x.action, x.entity, x.entity_id, x.detail, x.prev_hash, x.hash
         FROM jsonb_to_recordset($2::jsonb) AS x(seq BIGINT, at TEXT, actor TEXT, action TEXT, entity TEXT,
              entity_id TEXT, detail TEXT, prev_hash TEXT, hash TEXT)`,
      [pc, JSON.stringify(entries)],
    );
    if (feed.records.length)
      await c.query(
        `INSERT INTO records (tbl, key, pc, row, rev, server_at)
         SELECT e.j->>'tbl', e.j->>'key', $1, e.j->'row', nextval('record_rev'), clock_timestamp()
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(j, n)
          ORDER BY e.n
         ON CONFLICT (tbl, key) DO UPDATE SET row = excluded.row, pc = excluded.pc, rev = excluded.rev,
              server_at = excluded.server_at
          WHERE records.row IS DISTINCT FROM excluded.row`,
        [pc, JSON.stringify(feed.records)],
      );
    const last = entries[entries.length - 1]!;
    await c.query('UPDATE pcs SET head_seq = $2, head_hash = $3, last_push_at = clock_timestamp() WHERE pc = $1', [
      pc,
      last.seq,
      last.hash,
    ]);
    await c.query('COMMIT');
    return last.seq;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Pushes everything the server does not hold yet; closes the covered outbox jobs after each batch. */
export async function pushAll(
  c: ClientBase,
  store: Store,
  pc: string,
  batch = 500,
): Promise<{ pushed: number; head: number }> {
  let pushed = 0;
  let { seq: head, hash } = await serverHead(c, pc);
  for (;;) {
    // From the entry at the server's head: it must be this journal's (same hash), else another journal pushed
    // under this PC name.
    const f = store.serverFeed(Math.max(0, head - 1), batch + 1);
    if (!f.ok) throw new ServerError('SERVER_ERROR', f.error.code);
    const atHead = head > 0 ? f.value.entries[0] : undefined;
    if (head > 0 && (atHead?.seq !== head || atHead.hash !== hash))
      throw new ServerError('SERVER_PC_NAME_TAKEN', `server head ${head}, journal ${f.value.lastSeq}`);
    const entries = f.value.entries.filter((e) => e.seq > head);
    if (entries.length > 0) {
      const next = await pushBatch(c, pc, { ...f.value, entries });
      pushed += next - head;
      head = next;
      hash = entries[entries.length - 1]!.hash;
    }
    store.pushedThrough(head);
    if (entries.length < batch) return { pushed, head };
  }
}

export type ChainVerdict = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number };

/** Verifies a PC's audit chain as the server holds it (sequence, links, hashes: store/audit.ts's rule). */
export async function verifyServerChain(c: ClientBase, pc: string): Promise<ChainVerdict> {
  const r = await c.query<FeedEntry & { seq: string }>('SELECT * FROM audit_log WHERE pc = $1 ORDER BY seq', [pc]);
  let prev = GENESIS_HASH;
  let n = 0;
  for (const row of r.rows) {
    n++;
    const seq = Number(row.seq);
    const h = entryHash(prev, {
      seq,
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    });
    if (seq !== n || row.prev_hash !== prev || h !== row.hash) return { ok: false, entries: n, brokenAt: seq };
    prev = row.hash;
  }
  return { ok: true, entries: n };
}

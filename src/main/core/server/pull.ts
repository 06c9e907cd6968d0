// Pull: the clinic's consolidated rows from the server into this PC's mirror (a second journal file), in revision
// order from the mirror's cursor, each batch applied with its cursor in one SQLite transaction (store/feed.ts).
// The screens read the mirror while the server is reachable (patients, 事後確認 queue, the month's visits and export).
import type { ClientBase } from 'pg';
import type { FeedTable, PulledRecord } from '../store/feed.ts';
import type { Store } from '../store/index.ts';
import { ServerError } from './messages.ts';

export async function pullAll(c: ClientBase, mirror: Store, batch = 2000): Promise<{ pulled: number; cursor: number }> {
  const start = mirror.pullCursor();
  if (!start.ok) throw new ServerError('SERVER_ERROR', start.error.code);
  let cursor = start.value;
  let pulled = 0;
  for (;;) {
    const r = await c.query<{ tbl: FeedTable; key: string; row: Record<string, unknown>; rev: string; ms: string }>(
      `SELECT tbl, key, row, rev, (extract(epoch FROM server_at) * 1000)::bigint AS ms
         FROM records WHERE rev > $1 ORDER BY rev LIMIT $2`,
      [cursor, batch],
    );
    if (r.rows.length === 0) return { pulled, cursor };
    const records: PulledRecord[] = r.rows.map((x) => ({ tbl: x.tbl, key: x.key, row: x.row, serverMs: Number(x.ms) }));
    cursor = Number(r.rows[r.rows.length - 1]!.rev);
    const a = mirror.applyPulled(records, cursor);
    if (!a.ok) throw new ServerError('SERVER_ERROR', a.error.code);
    pulled += records.length;
    if (r.rows.length < batch) return { pulled, cursor };
  }
}

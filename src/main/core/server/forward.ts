// Reviews (事後確認) across PCs (docs/clinic-server.md "Reviews on any PC"). Each visit has one writer, the PC whose
// journal holds it. A review made on another PC is checked there (the same rules, over the clinic mirror), handed
// over through the server (forwarded_reviews), and recorded by the owning PC at its next sync round — in the
// server's order, so of two reviews of one visit the later one wins — under a key made of the hand-over's id (a
// redelivery after a crash records nothing twice). The owning PC pushes the result like any other write; every PC
// sees it at its next pull. The row keeps the outcome (recorded, or refused with the code) for the help desk.
import type { ClientBase } from 'pg';
import type { ReviewInput } from '../../concepts.ts';
import type { Store } from '../store/index.ts';
import { ServerError } from './messages.ts';

/** The PC whose journal holds a visit, as the server knows it (null: the server has not got the visit). */
export async function ownerOf(c: ClientBase, visitId: string): Promise<string | null> {
  const r = await c.query<{ pc: string }>(`SELECT pc FROM records WHERE tbl = 'visits' AND key = $1`, [visitId]);
  return r.rows[0]?.pc ?? null;
}

export interface Forwarded {
  /** The server's id of the hand-over. */
  id: number;
  ownerPc: string;
}

/** Hands a checked review over to the PC that holds the visit. */
export async function forwardReview(
  c: ClientBase,
  o: { fromPc: string; staffName: string; input: ReviewInput },
): Promise<Forwarded> {
  const owner = await ownerOf(c, o.input.visitId);
  if (!owner) throw new ServerError('SERVER_ERROR', `visit ${o.input.visitId} is not on the server`);
  const r = await c.query<{ id: string }>(
    `INSERT INTO forwarded_reviews (owner_pc, from_pc, visit_id, input) VALUES ($1, $2, $3, $4) RETURNING id`,
    [owner, o.fromPc, o.input.visitId, JSON.stringify({ ...o.input, staffName: o.staffName })],
  );
  return { id: Number(r.rows[0]!.id), ownerPc: owner };
}

/** The owning PC's side: records the reviews handed over to it, oldest first; how many were recorded. */
export async function applyForwardedReviews(c: ClientBase, store: Store, pc: string): Promise<number> {
  const r = await c.query<{ id: string; from_pc: string; input: ReviewInput & { staffName?: string } }>(
    `SELECT id, from_pc, input FROM forwarded_reviews WHERE owner_pc = $1 AND applied_at IS NULL ORDER BY id`,
    [pc],
  );
  let recorded = 0;
  for (const row of r.rows) {
    const { staffName, ...input } = row.input;
    const done = store.applyForwardedReview(input, {
      pc: row.from_pc,
      staff: input.staff,
      staffName: staffName ?? input.staff,
      serverId: Number(row.id),
    });
    // A journal that cannot write now (read-only, disk full) tries again next round; a refusal is kept.
    if (!done.ok && done.error.code.startsWith('STORE_')) continue;
    const outcome = done.ok
      ? { recorded: true, key: done.value?.reconciliation.key ?? null }
      : { recorded: false, code: done.error.code };
    await c.query('UPDATE forwarded_reviews SET applied_at = clock_timestamp(), outcome = $2 WHERE id = $1', [
      row.id,
      JSON.stringify(outcome),
    ]);
    if (done.ok) recorded++;
  }
  return recorded;
}

// What a PC does to records another PC holds (docs/clinic-server.md "Reviews on any PC"). Each visit has one writer,
// the PC whose journal holds it. A review made on another PC is checked there (the same rules, over the clinic
// mirror), and 返戻 re-claimed by a month export made there are marked; both are handed over through the server
// (forwarded_actions) and recorded by the owning PC at its next sync round — in the server's order, so of two
// reviews of one visit the later one wins — a review under a key made of the hand-over's id (a redelivery after a
// crash records nothing twice; marking a re-claim is idempotent). The owning PC pushes the result like any other
// write; every PC sees it at its next pull. The row keeps the outcome (recorded, or refused with the code).
import type { ClientBase } from 'pg';
import type { ReviewInput } from '../../concepts.ts';
import { SYSTEM_ACTOR, type Store } from '../store/index.ts';
import { ServerError } from './messages.ts';

/** The PC whose journal holds a visit, as the server knows it (null: the server has not got the visit). */
async function ownerOf(c: ClientBase, visitId: string): Promise<string | null> {
  const r = await c.query<{ pc: string }>(`SELECT pc FROM records WHERE tbl = 'visits' AND key = $1`, [visitId]);
  return r.rows[0]?.pc ?? null;
}

export interface Forwarded {
  /** The server's id of the hand-over. */
  id: number;
  ownerPc: string;
}

type ForwardedInput =
  | { kind: 'review'; input: ReviewInput & { staffName: string } }
  | { kind: 'reclaimed'; input: { returnIds: string[]; month: string } };

async function forward(c: ClientBase, fromPc: string, visitId: string, a: ForwardedInput): Promise<Forwarded> {
  const owner = await ownerOf(c, visitId);
  if (!owner) throw new ServerError('SERVER_ERROR', `visit ${visitId} is not on the server`);
  const r = await c.query<{ id: string }>(
    `INSERT INTO forwarded_actions (owner_pc, from_pc, kind, visit_id, input) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [owner, fromPc, a.kind, visitId, JSON.stringify(a.input)],
  );
  return { id: Number(r.rows[0]!.id), ownerPc: owner };
}

/** Hands a checked review over to the PC that holds the visit. */
export function forwardReview(
  c: ClientBase,
  o: { fromPc: string; staffName: string; input: ReviewInput },
): Promise<Forwarded> {
  return forward(c, o.fromPc, o.input.visitId, { kind: 'review', input: { ...o.input, staffName: o.staffName } });
}

/** Hands 返戻 re-claimed by a month export over to the PCs that hold them (one hand-over per visit). */
export async function forwardReclaimed(
  c: ClientBase,
  o: { fromPc: string; month: string; returns: { id: string; visitId: string }[] },
): Promise<Forwarded[]> {
  const byVisit = new Map<string, string[]>();
  for (const r of o.returns) byVisit.set(r.visitId, [...(byVisit.get(r.visitId) ?? []), r.id]);
  const out: Forwarded[] = [];
  for (const [visitId, returnIds] of byVisit)
    out.push(await forward(c, o.fromPc, visitId, { kind: 'reclaimed', input: { returnIds, month: o.month } }));
  return out;
}

type Outcome = { recorded: true; key: string | null } | { recorded: false; code: string } | null;

function apply(store: Store, row: { id: string; from_pc: string; kind: string; input: unknown }): Outcome {
  if (row.kind === 'reclaimed') {
    const { returnIds } = row.input as { returnIds: string[] };
    const done = store.markReturnsReclaimed(returnIds, SYSTEM_ACTOR);
    if (!done.ok) return done.error.code.startsWith('STORE_') ? null : { recorded: false, code: done.error.code };
    return { recorded: true, key: null };
  }
  const { staffName, ...input } = row.input as ReviewInput & { staffName?: string };
  const done = store.applyForwardedReview(input, {
    pc: row.from_pc,
    staff: input.staff,
    staffName: staffName ?? input.staff,
    serverId: Number(row.id),
  });
  // A journal that cannot write now (read-only, disk full) tries again next round; a refusal is kept.
  if (!done.ok) return done.error.code.startsWith('STORE_') ? null : { recorded: false, code: done.error.code };
  return { recorded: true, key: done.value?.reconciliation.key ?? null };
}

/** The owning PC's side: records what was handed over to it, oldest first; how many were recorded. */
export async function applyForwarded(c: ClientBase, store: Store, pc: string): Promise<number> {
  const r = await c.query<{ id: string; from_pc: string; kind: string; input: unknown }>(
    `SELECT id, from_pc, kind, input FROM forwarded_actions WHERE owner_pc = $1 AND applied_at IS NULL ORDER BY id`,
    [pc],
  );
  let recorded = 0;
  for (const row of r.rows) {
    const outcome = apply(store, row);
    if (outcome === null) continue;
    await c.query('UPDATE forwarded_actions SET applied_at = clock_timestamp(), outcome = $2 WHERE id = $1', [
      row.id,
      JSON.stringify(outcome),
    ]);
    if (outcome.recorded) recorded++;
  }
  return recorded;
}

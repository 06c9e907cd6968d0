// Staff: who acts. Records name a staff id from the staff list (the 'staff' setting); the system actor stands for
// what the app does by itself. Functions over the list and the connection.
import type Database from 'better-sqlite3';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { SYSTEM_ACTOR, type StaffMember } from './settings.ts';

/** The active staff member with this id, else with this name (NFKC, trimmed). */
export function resolve(list: readonly StaffMember[], who: string): Result<StaffMember> {
  const key = typeof who === 'string' ? who.normalize('NFKC').trim() : '';
  const hit =
    list.find((s) => s.active && s.id === key) ?? list.find((s) => s.active && s.name.normalize('NFKC').trim() === key);
  return hit ? ok(hit) : fail('UNKNOWN_STAFF', `staff "${key}" is not in the staff list`);
}

/** Staff id for an id or a name in the list; the system actor passes as itself. */
export function resolveActor(list: readonly StaffMember[], who: string): Result<string> {
  if (who === SYSTEM_ACTOR) return ok(SYSTEM_ACTOR);
  const s = resolve(list, who);
  return s.ok ? ok(s.value.id) : s;
}

/**
 * Staff ids that records refer to (visits, reconciliations, returns, incidents): such an id can be deactivated or
 * renamed, never removed from the staff list.
 */
export function idsInUse(db: Database.Database): string[] {
  return prep(
    db,
    'SELECT staff FROM visits UNION SELECT staff FROM reconciliations UNION SELECT staff FROM returns UNION SELECT staff FROM incidents',
  )
    .pluck()
    .all() as string[];
}

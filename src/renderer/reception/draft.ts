// The reception draft, kept by the core ('drafts.save' / 'drafts.get' / 'drafts.clear'): who is at the desk, the
// patient form and the wizard, sent shortly after every change, so a reload (F5), a crashed renderer or a closed
// window loses nothing. On return the draft is offered back (「入力途中の受付があります」); a draft whose visit is
// already in the journal (a save in flight when the page went away) shows that outcome instead.
import { call } from '../api.ts';
import { useReception, type ReceptionState } from './model.ts';

/** What the draft keeps (never the saved screen, never the staff list: both come from the core). */
export type DraftSnapshot = Pick<ReceptionState, 'staff' | 'patient' | 'past' | 'editing' | 'wizard' | 'wizardOpen'>;

export function snapshotOf(s: ReceptionState): DraftSnapshot {
  return {
    staff: s.staff,
    patient: s.patient,
    past: s.past,
    editing: s.editing,
    wizard: s.wizard,
    wizardOpen: s.wizardOpen,
  };
}

/** A draft worth offering back: a patient typed or picked, or a wizard begun (the 担当者 alone is restored quietly). */
export function hasWork(d: DraftSnapshot): boolean {
  return d.wizard !== null || d.editing || Object.values(d.patient).some((v) => v !== '');
}

/** The stored draft as a snapshot, or null when it is not one of ours (an older shape is dropped, not guessed). */
export function asSnapshot(raw: Record<string, unknown> | null): DraftSnapshot | null {
  if (raw === null) return null;
  const r = raw as Partial<DraftSnapshot>;
  if (typeof r.staff !== 'string' || typeof r.patient !== 'object' || r.patient === null) return null;
  if (r.wizard !== null && (typeof r.wizard !== 'object' || typeof r.wizard?.id !== 'string')) return null;
  return {
    staff: r.staff,
    patient: r.patient,
    past: r.past ?? null,
    editing: r.editing === true,
    wizard: r.wizard ?? null,
    wizardOpen: r.wizardOpen === true,
  };
}

const DELAY_MS = 150;
let timer: ReturnType<typeof setTimeout> | undefined;
let sending = false;
let again = false;
let paused = true;

async function send(): Promise<void> {
  if (sending) {
    again = true;
    return;
  }
  sending = true;
  try {
    await call('drafts.save', { draft: { ...snapshotOf(useReception.getState()) } });
  } catch (err) {
    // Not kept this time (core restarting, a 個人番号 typed in a field): the next change tries again.
    console.warn('drafts.save failed', err);
  } finally {
    sending = false;
    if (again) {
      again = false;
      void send();
    }
  }
}

/** Sends the draft now (e.g. before a save is sent, so an interrupted save is found on return). */
export function flushDraft(): Promise<void> {
  clearTimeout(timer);
  return send();
}

/**
 * Keeps the core's draft in step with the reception state. Paused until `resumeDraftSync` (after the stored
 * draft has been read, so the empty start never overwrites it). Returns the unsubscribe.
 */
export function startDraftSync(): () => void {
  const off = useReception.subscribe((s, prev) => {
    if (paused) return;
    const a = snapshotOf(s);
    const b = snapshotOf(prev);
    if ((Object.keys(a) as (keyof DraftSnapshot)[]).every((k) => a[k] === b[k])) return;
    clearTimeout(timer);
    timer = setTimeout(() => void send(), DELAY_MS);
  });
  return () => {
    off();
    clearTimeout(timer);
    paused = true;
  };
}

export function resumeDraftSync(): void {
  paused = false;
}

export type DraftOutcome =
  | { kind: 'none' }
  /** Unsaved work to offer back. */
  | { kind: 'offer'; draft: DraftSnapshot; savedAt: string }
  /** The visit of the draft reached the journal (the save was in flight when the page went away). */
  | { kind: 'saved'; draft: DraftSnapshot; receptionNo: string };

/** Reads the stored draft: restores the 担当者 at once, and says what to offer. */
export async function loadDraft(): Promise<DraftOutcome> {
  const stored = await call('drafts.get', {});
  const draft = asSnapshot(stored.draft);
  if (!draft) return { kind: 'none' };
  if (draft.staff !== '' && useReception.getState().staff === '') useReception.setState({ staff: draft.staff });
  if (draft.wizard) {
    const { receptionNo } = await call('visits.receptionNo', { id: draft.wizard.id });
    if (receptionNo !== '') return { kind: 'saved', draft, receptionNo };
  }
  return hasWork(draft) ? { kind: 'offer', draft, savedAt: stored.savedAt ?? '' } : { kind: 'none' };
}

// 事前確認 (docs/precheck.md): the 設定 panel's status and 「今すぐ事前確認」, the bookings CSV import, and the lookup
// the reception wizard makes for the patient on screen.
import { ContractError } from '../../contract.ts';
import { importBookingsCsv, previewBookings, type BookingColumns } from '../precheck/bookings.ts';
import { precheckMessages } from '../precheck/messages.ts';
import { currentNumbers, type PrecheckAnswer, type Store } from '../store/index.ts';
import { storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type PrecheckRequest =
  'precheck.status' | 'precheck.run' | 'precheck.lookup' | 'precheck.bookingsPreview' | 'precheck.bookingsImport';

function settingsOf(store: Store): { freshHours: number } & Record<string, unknown> {
  return unwrap(store.getSetting('precheck')) as { freshHours: number } & Record<string, unknown>;
}

/** An answer as reception sees it: fresh within the setting's hours (by the fetcher's clock). */
export function answerView(a: PrecheckAnswer, now: number, freshHours: number) {
  const cur = a.usable ? currentNumbers(a.finding) : null;
  return {
    fetchedAt: a.fetchedAt,
    fresh: now - a.fetchedAt <= freshHours * 3_600_000,
    usable: a.usable,
    changed: a.changed,
    validity: a.validity,
    current: cur
      ? { insurerNumber: cur.insurerNumber, symbol: cur.symbol, number: cur.number, branch: cur.branch }
      : null,
    asked: a.query,
    copayPercent: a.finding?.copayPercent ?? null,
    sha256: a.sha256,
    rowId: a.rowId,
  };
}

const bytesOf = (data: string) => Buffer.from(data, 'base64');

export function precheckHandlers(deps: CoreDeps): Handlers<PrecheckRequest> {
  const now = () => deps.precheck?.clock() ?? Date.now();
  return {
    'precheck.status': () => {
      const store = storeOf(deps);
      return {
        settings: settingsOf(store),
        runs: unwrap(store.listPrecheckRuns({ limit: 5 })),
        running: deps.precheck?.running ?? false,
        kept: unwrap(store.countPrecheckAnswers()),
        terminal: deps.precheck?.hasTerminal ?? false,
      };
    },
    'precheck.run': () => {
      const f = deps.precheck;
      if (!f || !f.hasTerminal) return { started: false, message: precheckMessages.NO_TERMINAL };
      const p = f.start('manual');
      if (!p) return { started: false, message: precheckMessages.RUN_BUSY };
      p.catch((err: unknown) => process.stderr.write(`core: precheck: ${String(err)}\n`));
      return { started: true, message: '' };
    },
    'precheck.lookup': (q) => {
      const store = storeOf(deps);
      const a = unwrap(store.latestPrecheckAnswer(q));
      return { answer: a ? answerView(a, now(), settingsOf(store).freshHours) : null };
    },
    'precheck.bookingsPreview': ({ data, encoding, columns }) =>
      previewBookings(storeOf(deps), bytesOf(data), {
        ...(encoding ? { encoding } : {}),
        ...(columns ? { columns: columns as BookingColumns } : {}),
      }),
    'precheck.bookingsImport': ({ data, encoding, columns, staff }) => {
      const store = storeOf(deps);
      if (!store.resolveStaff(staff).ok) throw new ContractError('UNKNOWN_STAFF', precheckMessages.STAFF_REQUIRED);
      const r = importBookingsCsv(store, bytesOf(data), {
        ...(encoding ? { encoding } : {}),
        ...(columns ? { columns: columns as BookingColumns } : {}),
        actor: staff,
      });
      if (!r.ok) throw new ContractError(r.error.code, r.error.message);
      return { imported: r.imported, preview: r.preview };
    },
  };
}

// Month-end (「今月の請求データを作成」): what blocks a month, and its files built, written into a folder (Electron)
// or returned to download (web host), audited. The files come from core/reconcile/month-files.ts, the same
// function `shikaku export --all` calls. The folder is chosen in the renderer (files.ts pickFolder).
import type { RequestOutput } from '../../contract.ts';
import { claimSettingsOf } from '../reconcile/claim.ts';
import { formatUkeReport } from '../../../claims/uke-check.ts';
import { checkUkeMonth } from '../reconcile/export.ts';
import { checkMonthFiles, exportMonthFiles, type MonthFileInfo, type MonthFiles } from '../reconcile/month-files.ts';
import { ContractError } from '../../contract.ts';
import { classify } from '../server/client.ts';
import { serverMessages } from '../server/messages.ts';
import { reconcileMessages } from '../reconcile/messages.ts';
import { clinicStoreOf, storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type ClaimsRequest = 'claims.monthCheck' | 'claims.exportMonth' | 'claims.checkUke';

type View = RequestOutput<'claims.exportMonth'>;

function view(r: MonthFiles<MonthFileInfo>, written: string[]): View {
  const base = { month: r.month, blockers: [], files: [] };
  switch (r.status) {
    case 'empty':
      return { ...base, status: 'empty', counts: null };
    case 'blocked':
    case 'unencodable':
      return { ...base, status: r.status, counts: r.counts, blockers: r.blockers };
    case 'ready':
      return {
        ...base,
        status: 'ready',
        counts: r.counts,
        files: r.files.map((f, i) => ({
          name: f.name,
          encoding: f.encoding,
          sha256: f.sha256,
          size: f.size,
          visits: f.visits,
          path: written[i] ?? '',
          base64: f.bytes ? Buffer.from(f.bytes).toString('base64') : '',
        })),
      };
  }
}

export function claimsHandlers(deps: CoreDeps): Handlers<ClaimsRequest> {
  const progress = (month: string) => (p: { done: number; total: number }) =>
    deps.emit('claims.exportProgress', { month, ...p });
  // With a clinic server the month is the clinic's (the mirror: every PC's visits) while the server is reachable;
  // the claim rules, the audit and the re-claim marks are this PC's (docs/clinic-server.md "Month export").
  return {
    'claims.monthCheck': async ({ month, encoding }) => {
      const own = storeOf(deps);
      const r = unwrap(
        await checkMonthFiles(clinicStoreOf(deps), {
          month,
          settings: claimSettingsOf(own),
          encoding,
          onProgress: progress(month),
        }),
      );
      const v = view(r, []);
      // The check shows which files would be made (names only).
      if (r.status === 'ready') v.files = v.files.map((f) => ({ ...f, sha256: '' }));
      return v;
    },
    'claims.exportMonth': async ({ month, encoding, staff, dir }) => {
      const own = storeOf(deps);
      const source = clinicStoreOf(deps);
      const actor = unwrap(own.resolveStaff(staff)).id;
      const r = unwrap(
        await exportMonthFiles(source, {
          month,
          settings: claimSettingsOf(own),
          encoding,
          actor,
          journal: own,
          ...(dir !== undefined ? { dir } : {}),
          onProgress: progress(month),
        }),
      );
      // 返戻 of other PCs' visits re-claimed here: marked by the PCs that hold them (server/forward.ts).
      if (r.status === 'ready' && source !== own && deps.clinic) {
        const foreign = r.reclaims.filter((x) => !own.getVisit(x.visitId).ok);
        if (foreign.length > 0)
          await deps.clinic.forwardReclaimed(month, foreign).catch((e: unknown) => {
            const err = classify(e);
            throw new ContractError(
              err.code,
              `${reconcileMessages.EXPORT_RECLAIM_NOT_FORWARDED} ${serverMessages[err.code]}`,
            );
          });
      }
      return view(r, r.written);
    },
    'claims.checkUke': ({ month, data }) => {
      const own = storeOf(deps);
      const report = unwrap(
        checkUkeMonth(clinicStoreOf(deps), month, claimSettingsOf(own), Buffer.from(data, 'base64')),
      );
      return { ...report, text: formatUkeReport(report).trimEnd() };
    },
  };
}

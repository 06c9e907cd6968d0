// The month export from the journal: each visit of the month with the decision of its latest reconciliation
// (decideClaim recomputed from the recorded terminal finding, so the file carries the full HO/SN/CO values), or
// decideClaim on the visit as stored when it has none yet; plus the re-claims of returns (返戻) assigned to the
// month. A staff review (Store.reviewVisit) is the latest reconciliation: its basis and numbers are claimed. The
// claim per visit is claim.ts's claimFor (shared with the 事後確認 screens).
// Void visits and 訓練モード visits (`drill`) are left out. The file itself is src/claims' buildMonthExport (deterministic, refusing).
import type { TextEncoding } from '../../../claims/export.ts';
import {
  buildMonthExport,
  type ExportFormat,
  type ExportItem,
  type MonthExport,
} from '../../../claims/month-export.ts';
import type { Result as ClaimResult } from '../../../claims/result.ts';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { checkUke, type UkeCheckReport } from '../../../claims/uke-check.ts';
import { decodeUke } from '../../../claims/uke-read.ts';
import type { Visit } from '../../../claims/visit.ts';
import { fail, ok, type ClaimReturn, type Result, type Store } from '../store/index.ts';
import { claimFor, claimFrom } from './claim.ts';
import { parseReconciliationDetail } from './detail.ts';

function itemFor(store: Store, visit: Visit, settings: ClaimSettings): Result<ExportItem> {
  const decision = claimFor(store, visit, settings);
  return decision.ok ? ok({ visit, decision: decision.value }) : decision;
}

/** Every item of a month's export, in no particular order (buildMonthExport sorts). */
export function collectExportItems(
  store: Store,
  month: string,
  settings: ClaimSettings,
): Result<{ items: ExportItem[]; reclaims: ClaimReturn[] }> {
  const pageSize = 1000;
  const items: ExportItem[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = store.listVisits({
      month,
      status: ['pending', 'needs_review', 'reconciled', 'claimed', 'returned'],
      limit: pageSize,
      // Each visit and its latest reconciliation come with the page (one statement), not two reads per visit.
      withDetail: true,
      ...(cursor ? { cursor } : {}),
    });
    if (!page.ok) return page;
    for (const s of page.value.items) {
      let item: Result<ExportItem>;
      if (s.visit !== undefined && s.latest !== undefined) {
        if (s.visit.drill) continue;
        item = ok({
          visit: s.visit,
          decision: claimFrom(s.visit, settings, parseReconciliationDetail(s.latest?.detail)),
        });
      } else {
        const v = store.getVisit(s.id);
        if (!v.ok) return v;
        if (v.value.visit.drill) continue;
        item = itemFor(store, v.value.visit, settings);
      }
      if (!item.ok) return item;
      items.push(item.value);
      seen.add(s.id);
    }
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor);

  const returns = store.listReturns({ reclaimMonth: month });
  if (!returns.ok) return returns;
  const reclaims: ClaimReturn[] = [];
  for (const r of returns.value) {
    if (seen.has(r.visitId)) continue;
    const v = store.getVisit(r.visitId);
    if (!v.ok) return v;
    if (v.value.status === 'void' || v.value.visit.drill) continue;
    const item = itemFor(store, v.value.visit, settings);
    if (!item.ok) return item;
    items.push({ ...item.value, reclaimOf: { returnId: r.id, originalMonth: r.claimMonth } });
    seen.add(r.visitId);
    reclaims.push(r);
  }
  return ok({ items, reclaims });
}

export function exportMonth(
  store: Store,
  month: string,
  format: ExportFormat,
  settings: ClaimSettings,
  encoding: TextEncoding,
): Result<{ file: ClaimResult<MonthExport>; reclaims: ClaimReturn[] }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return fail('INVALID_INPUT', `month ${month}`);
  const c = collectExportItems(store, month, settings);
  if (!c.ok) return c;
  return ok({ file: buildMonthExport(c.value.items, month, format, settings, encoding), reclaims: c.value.reclaims });
}

/**
 * 請求前点検: the month's UKE file the レセコン wrote (its bytes, Shift_JIS) against the journal's decisions for the
 * outage visits (claims/uke-check.ts). Read only: writes nothing, audits nothing. The CLI's `export --check-uke`
 * and the month-end screen's 'claims.checkUke' both call this.
 */
export function checkUkeMonth(
  store: Store,
  month: string,
  settings: ClaimSettings,
  bytes: Uint8Array,
): Result<UkeCheckReport> {
  const c = collectExportItems(store, month, settings);
  if (!c.ok) return c;
  return ok(checkUke(decodeUke(bytes), c.value.items, month));
}

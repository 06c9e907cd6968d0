// レセコン入力票 (issue #12), printed: per patient, sorted by カルテ番号, exactly what staff enter in the レセコン for
// each outage visit of a 診療年月 — 請求区分, 保険者番号, 記号・番号・枝番 (or the fill), 本人/家族, 負担割合 and each
// 摘要 line — with a box to tick once entered. The rows are the core's 'print.inputSheet' answer, the same rows as
// the CSV (`shikaku export --format input-sheet`). One table: its header repeats on every page, and a patient's
// block (one <tbody>) never breaks across pages (print.css). A month the export refuses lists why instead.
import { useEffect, useState } from 'react';
import type { InputSheetView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { strings } from '../strings.ts';
import { usePrintContext } from './context.ts';
import { toWareki } from '../../claims/dates.ts';
import { formatDate, formatDateTime, formatMonthWareki } from './format.ts';
import { Row } from './Row.tsx';

const s = strings.inputSheet;
type SheetRow = InputSheetView['rows'][number];
type Problem = InputSheetView['problems'][number];

/** Consecutive rows of one patient (same カルテ番号; without one, same 氏名・カナ・生年月日). */
function patientBlocks(rows: SheetRow[]): SheetRow[][] {
  const key = (r: SheetRow) => (r.patientId !== '' ? `id:${r.patientId}` : `p:${r.name}|${r.nameKana}|${r.birthDate}`);
  const blocks: SheetRow[][] = [];
  for (const r of rows) {
    const last = blocks[blocks.length - 1];
    if (last !== undefined && key(last[0]!) === key(r)) last.push(r);
    else blocks.push([r]);
  }
  return blocks;
}

/** '2026-11-20' → '11月20日' (the month is in the title). */
function dayOfMonth(iso: string): string {
  return formatDate(iso).replace(/^\d+年/, '');
}

function Numbers({ row }: { row: SheetRow }) {
  return (
    <>
      <div>
        {s.symbol} {row.symbol !== '' ? row.symbol : s.none}
      </div>
      <div>
        {s.number} {row.number}
      </div>
      <div>
        {s.branch} {row.branch !== '' ? row.branch : s.none}
      </div>
    </>
  );
}

/** The columns, in order (each a label of strings.inputSheet and a width in print.css: col-<name>). */
const HEADS = [
  'patientId',
  'patient',
  'serviceDate',
  'relationship',
  'basis',
  'insurerNumber',
  'numbers',
  'copay',
  'done',
] as const;
const COLUMNS = HEADS.length;

function Block({ rows }: { rows: SheetRow[] }) {
  const first = rows[0]!;
  return (
    <tbody className="patient-block" data-patient={first.patientId || first.name}>
      {rows.map((r, i) => (
        <VisitRows key={r.visitId} row={r} head={i === 0 ? rows.length * 2 : 0} />
      ))}
    </tbody>
  );
}

/** Two table rows per visit: the values, then its 摘要 lines. `head` > 0: the block's first visit (patient cells). */
function VisitRows({ row: r, head }: { row: SheetRow; head: number }) {
  return (
    <>
      <tr className="visit" data-visit={r.visitId}>
        {head > 0 && (
          <>
            <td rowSpan={head} className="patient-id">
              {r.patientId !== '' ? r.patientId : <span className="small">{s.noPatientId}</span>}
            </td>
            <td rowSpan={head}>
              <div className="patient-name">{r.name}</div>
              {r.nameKana !== '' && <div className="small">{r.nameKana}</div>}
              <div className="small">{toWareki(r.birthDate)}</div>
            </td>
          </>
        )}
        <td className="nowrap">{dayOfMonth(r.serviceDate)}</td>
        <td>{r.relationship !== '' ? r.relationship : <span className="small">{s.relationshipUnknown}</span>}</td>
        <td className="nowrap">{r.basisLabel}</td>
        <td className="nowrap">{r.insurerNumber}</td>
        <td>
          <Numbers row={r} />
        </td>
        <td className="nowrap">{r.copay}</td>
        <td className="tick">□</td>
      </tr>
      <tr className="remarks">
        <td colSpan={COLUMNS - 2}>
          <span className="remarks-label">{s.remarks}</span>
          {r.remarks.length === 0 ? (
            <span className="small">{s.remarksNone}</span>
          ) : (
            <ol>
              {r.remarks.map((line, n) => (
                <li key={n}>{line}</li>
              ))}
            </ol>
          )}
          {r.reclaimOf !== '' && <div className="small">{s.reclaim(r.reclaimOf)}</div>}
        </td>
      </tr>
    </>
  );
}

function Problems({ problems }: { problems: Problem[] }) {
  return (
    <>
      <p role="alert">{s.refused}</p>
      <table className="tabular">
        <thead>
          <tr>
            <th scope="col" className="col-visit">
              {s.problemVisit}
            </th>
            <th scope="col">{s.problemReason}</th>
          </tr>
        </thead>
        <tbody>
          {problems.map((p, n) => (
            <tr key={n} data-visit={p.visitId}>
              <td>
                {p.patientId !== '' && <div>{p.patientId}</div>}
                <div>{p.name}</div>
                {p.serviceDate !== '' && <div className="small">{formatDate(p.serviceDate)}</div>}
              </td>
              <td>{p.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function InputSheet({ month }: { month: string }) {
  const { clinic } = usePrintContext();
  const [sheet, setSheet] = useState<InputSheetView | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setSheet(undefined);
    setError('');
    call('print.inputSheet', { month }).then(
      (r) => live && setSheet(r),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [month]);

  if (error !== '')
    return (
      <p role="alert">
        {strings.printing.loadFailed} {error}
      </p>
    );
  if (sheet === undefined) return <p role="status">{strings.printing.loading}</p>;
  const monthLabel = s.month(formatMonthWareki(month), month);
  const blocks = patientBlocks(sheet.rows);
  return (
    <article className="sheet input-sheet" data-testid="sheet-input-sheet" data-ready="true">
      <h1>{s.title}</h1>
      <p className="right">{monthLabel}</p>
      <table>
        <tbody>
          <Row label={strings.printing.clinicName}>{clinic.name}</Row>
          <Row label={strings.printing.institutionCode}>{clinic.institutionCode}</Row>
          {sheet.problems.length === 0 && <Row label={s.title}>{s.count(blocks.length, sheet.rows.length)}</Row>}
        </tbody>
      </table>
      {sheet.problems.length > 0 ? (
        <Problems problems={sheet.problems} />
      ) : sheet.rows.length === 0 ? (
        <p>{s.empty}</p>
      ) : (
        <>
          <p className="small">{s.lead}</p>
          <table className="tabular input-sheet-table">
            {/* The widths: with a fixed layout the first row (one spanning cell) would otherwise share them equally. */}
            <colgroup>
              {HEADS.map((h) => (
                <col key={h} className={`col-${h}`} />
              ))}
            </colgroup>
            <thead>
              <tr>
                <th colSpan={COLUMNS} className="running">
                  {s.running(monthLabel, clinic.name)}
                </th>
              </tr>
              <tr>
                {HEADS.map((h) => (
                  <th key={h} scope="col">
                    {s[h]}
                  </th>
                ))}
              </tr>
            </thead>
            {blocks.map((b) => (
              <Block key={b[0]!.visitId} rows={b} />
            ))}
          </table>
        </>
      )}
      <p className="small">{s.footer}</p>
      <p className="small right">{strings.printing.printedAt(formatDateTime(new Date().toISOString()))}</p>
    </article>
  );
}

// The incident report, for writing the 利用報告書 to the オンライン資格確認等コールセンター: over a period, each
// システム障害時モード activation (start, end, the call centre's reference number, who called, who recorded it)
// and each device or line outage, with the visits taken under each counted by how the insurance was checked.
import { useEffect, useState } from 'react';
import type { RequestOutput } from '../../main/contract.ts';
import type { EvidenceKind } from '../../claims/visit.ts';
import { call } from '../api.ts';
import { EVIDENCE_ORDER } from '../reception/model.ts';
import { strings } from '../strings.ts';
import { usePrintContext } from './context.ts';
import { formatDateTime, formatDateTimeShort } from './format.ts';
import { Row } from './Row.tsx';

const s = strings.incidentReport;
type Report = RequestOutput<'incidents.report'>;
type ReportIncident = Report['incidents'][number];

/** The wizard's order, システム障害時モード first (the visits this report is mostly about). */
const evidenceOrder: EvidenceKind[] = ['emergency_mode', ...EVIDENCE_ORDER.filter((k) => k !== 'emergency_mode')];

const total = (i: ReportIncident): number => Object.values(i.visits).reduce((a, b) => a + b, 0);

function Breakdown({ visits }: { visits: Record<string, number> }) {
  const kinds = [
    ...evidenceOrder.filter((k) => visits[k] !== undefined),
    ...Object.keys(visits).filter((k) => !(evidenceOrder as string[]).includes(k)),
  ];
  if (kinds.length === 0) return <>{strings.printing.none}</>;
  return (
    <>
      {kinds.map((k) => (
        <div key={k}>
          {(strings.evidence as Record<string, string>)[k] ?? k}：{s.count(visits[k] ?? 0)}
        </div>
      ))}
    </>
  );
}

/** The first two columns of both tables: the number and the period. */
function PeriodHeads() {
  return (
    <>
      <th scope="col" className="col-no">
        {s.no}
      </th>
      <th scope="col" className="col-time">
        {s.startedAt}
        <br />
        {s.endedAt}
      </th>
    </>
  );
}

function PeriodCells({ n, incident: i }: { n: number; incident: ReportIncident }) {
  return (
    <>
      <td className="num">{n + 1}</td>
      <td className="nowrap">
        {formatDateTimeShort(i.startedAt)}
        <br />〜 {i.endedAt === null ? s.ongoing : formatDateTimeShort(i.endedAt)}
      </td>
    </>
  );
}

function EmergencyTable({ items }: { items: ReportIncident[] }) {
  const { staffName } = usePrintContext();
  if (items.length === 0) return <p>{s.none}</p>;
  return (
    <table className="tabular">
      <thead>
        <tr>
          <PeriodHeads />
          <th scope="col" className="col-ref">
            {s.reference}
          </th>
          <th scope="col">{s.calledBy}</th>
          <th scope="col">{s.staff}</th>
          <th scope="col" className="col-count">
            {s.visits}
          </th>
          <th scope="col" className="col-wide">
            {s.byEvidence}
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((i, n) => (
          <tr key={i.id} data-incident={i.id}>
            <PeriodCells n={n} incident={i} />
            <td>{i.referenceNumber}</td>
            <td>{i.calledBy}</td>
            <td>{staffName(i.staff)}</td>
            <td className="num">{s.count(total(i))}</td>
            <td>
              <Breakdown visits={i.visits} />
              {i.note !== '' && (
                <div className="small">
                  {s.note}：{i.note}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OutageTable({ items }: { items: ReportIncident[] }) {
  if (items.length === 0) return <p>{s.none}</p>;
  return (
    <table className="tabular">
      <thead>
        <tr>
          <PeriodHeads />
          <th scope="col">{s.cause}</th>
          <th scope="col" className="col-count">
            {s.visits}
          </th>
          <th scope="col" className="col-wide">
            {s.byEvidence}
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((i, n) => (
          <tr key={i.id} data-incident={i.id}>
            <PeriodCells n={n} incident={i} />
            <td>{s.outageCauses[i.cause] ?? i.cause}</td>
            <td className="num">{s.count(total(i))}</td>
            <td>
              <Breakdown visits={i.visits} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function IncidentReportSheet({ from, to }: { from: string; to: string }) {
  const [report, setReport] = useState<Report | undefined>();
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setReport(undefined);
    setError('');
    call('incidents.report', { from, to }).then(
      (r) => live && setReport(r),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [from, to]);

  if (error !== '')
    return (
      <p role="alert">
        {strings.printing.loadFailed} {error}
      </p>
    );
  if (report === undefined) return <p role="status">{strings.printing.loading}</p>;
  const emergency = report.incidents.filter((i) => i.kind === 'emergency_mode');
  const outages = report.incidents.filter((i) => i.kind === 'outage');
  const sum = (list: ReportIncident[]): number => list.reduce((a, i) => a + total(i), 0);
  return (
    <article className="sheet" data-testid="sheet-incident-report" data-ready="true">
      <h1>{s.title}</h1>
      <p className="right small">{s.subtitle}</p>
      <table>
        <tbody>
          <Row label={strings.printing.clinicName}>{report.clinic.name}</Row>
          <Row label={strings.printing.institutionCode}>{report.clinic.institutionCode}</Row>
          <Row label={s.period}>
            {formatDateTime(report.from)} 〜 {formatDateTime(report.to)}
          </Row>
        </tbody>
      </table>

      <h2>{s.emergencyTitle}</h2>
      <EmergencyTable items={emergency} />

      <h2>{s.outageTitle}</h2>
      <OutageTable items={outages} />

      <section>
        <h2>{s.totalTitle}</h2>
        <p>{s.totalEmergency(emergency.length, sum(emergency))}</p>
        <p>{s.totalOutage(outages.length, sum(outages))}</p>
      </section>
      <p className="small">{s.footer}</p>
      <p className="small right">{strings.printing.printedAt(formatDateTime(new Date().toISOString()))}</p>
    </article>
  );
}

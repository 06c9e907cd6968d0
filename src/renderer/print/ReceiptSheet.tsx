// 受付控え: a receipt-style summary of one saved visit (patient, date, cause, identity, evidence, 負担割合, staff,
// 受付番号), for the clinic's paper file or to hand to the patient.
import type { Visit } from '../../claims/visit.ts';
import { strings } from '../strings.ts';
import { usePrintContext } from './context.ts';
import { formatDate, formatDateTime, formatDateWareki, formatPhone } from './format.ts';
import { Row } from './Row.tsx';

const s = strings.receiptSheet;

export function ReceiptSheet({ visit, receptionNo }: { visit: Visit; receptionNo: string }) {
  const { clinic, staffName, incidentReference } = usePrintContext();
  const p = visit.patient;
  const e = visit.evidence;
  const numbers = e.insurance ?? (e.kind === 'verbal' ? visit.pastInsurance : undefined);
  const copaySource = strings.printing.copaySource[visit.copay.source];
  return (
    <article className="sheet" data-testid="sheet-receipt">
      <h1>{s.title}</h1>
      <p className="right">
        {clinic.name}
        {clinic.institutionCode !== '' && `（${strings.printing.institutionCode} ${clinic.institutionCode}）`}
      </p>
      <p>{s.subtitle}</p>
      <table>
        <tbody>
          <Row label={s.visitId}>{receptionNo}</Row>
          <Row label={s.receivedAt}>{formatDateTime(visit.receivedAt)}</Row>
          <Row label={s.serviceDate}>{formatDate(visit.serviceDate)}</Row>
          <Row label={s.patient}>
            {p.name}
            {p.nameKana !== '' && `（${p.nameKana}）`}&ensp;{strings.printing.sex[p.sex]}
            {p.patientId !== '' && (
              <>
                <br />
                {s.patientId} {p.patientId}
              </>
            )}
          </Row>
          <Row label={s.birthDate}>{formatDateWareki(p.birthDate)}</Row>
          {p.phone !== '' && <Row label={s.phone}>{formatPhone(p.phone)}</Row>}
          <Row label={s.cause}>{strings.causes[visit.cause]}</Row>
          <Row label={s.identity}>
            {strings.identity[visit.identity.method]}
            {visit.identity.confirmedBy !== '' && `（${s.confirmedBy(staffName(visit.identity.confirmedBy))}）`}
          </Row>
          <Row label={s.evidence}>
            {strings.evidence[e.kind]}
            {numbers !== undefined && (
              <>
                <br />
                {strings.summaryNumbers(numbers)}
              </>
            )}
            {e.incidentRef !== undefined && e.incidentRef !== '' && (
              <>
                <br />
                {s.incident(incidentReference(e.incidentRef))}
              </>
            )}
          </Row>
          <Row label={s.copay}>
            {strings.copayPercent(visit.copay.percent)}（{copaySource}
            {visit.copay.reason !== '' && `：${visit.copay.reason}`}）
          </Row>
          <Row label={s.staff}>{staffName(visit.staff)}</Row>
          {visit.note !== '' && <Row label={s.note}>{visit.note}</Row>}
        </tbody>
      </table>
      <p>{s.footer}</p>
    </article>
  );
}

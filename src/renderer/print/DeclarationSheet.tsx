// 被保険者資格申立書, laid out after the official form: 申立日, the person (氏名・フリガナ・生年月日・性別・住所・
// 電話), the insurance as far as the patient knows it (種類, 保険者名, 本人・家族, 被保険者氏名, 勤務先, 記号・番号,
// 資格取得日), the signature line, and the clinic's box (医療機関名・コード, 受診日, 受付番号). Pre-filled from the
// visit's declaration, else from the patient; what is unknown stays a blank line to fill in by hand.
import { DECLARED_TYPES } from '../../claims/declaration.ts';
import type { Visit } from '../../claims/visit.ts';
import { strings } from '../strings.ts';
import { usePrintContext } from './context.ts';
import { formatDateWareki, formatPhone } from './format.ts';
import { Row } from './Row.tsx';

const s = strings.declSheet;

function Value({ text }: { text: string | undefined }) {
  return text !== undefined && text !== '' ? <>{text}</> : <span className="blank">&nbsp;</span>;
}

function Check({ on, label }: { on: boolean; label: string }) {
  return <span className={on ? 'ps-check on' : 'ps-check'}>{label}</span>;
}

/** `visit` null: the blank form (every item a line to fill in by hand, the clinic's box filled in). */
export function DeclarationSheet({ visit, receptionNo }: { visit: Visit | null; receptionNo: string }) {
  const { clinic } = usePrintContext();
  const d = visit?.evidence.declaration;
  const p: Partial<Visit['patient']> = visit?.patient ?? {};
  const sex = d?.sex ?? p.sex;
  const known = d?.knownNumbers;
  const numbers =
    known === undefined
      ? ''
      : [
          known.insurerNumber ? `${strings.insurerNumber} ${known.insurerNumber}` : '',
          known.symbol ? `${strings.symbol} ${known.symbol}` : '',
          known.number ? `${strings.number} ${known.number}` : '',
          known.branch ? `${strings.branch} ${known.branch}` : '',
        ]
          .filter((x) => x !== '')
          .join('\u3000');
  const postal = d?.postalCode || p.postalCode || '';
  const birth = d?.birthDate || p.birthDate;
  return (
    <article className="sheet serif" data-testid="sheet-declaration">
      <h1>{s.title}</h1>
      <p className="right">
        {s.declaredOn}&ensp;
        <Value text={d?.declaredOn ? formatDateWareki(d.declaredOn) : undefined} />
      </p>
      <p>{s.lead}</p>

      <section>
        <h2>{s.patientTitle}</h2>
        <table>
          <tbody>
            <Row label={s.kana}>
              <Value text={d?.nameKana || p.nameKana} />
            </Row>
            <Row label={s.name}>
              <Value text={d?.name || p.name} />
            </Row>
            <Row label={s.birthDate}>
              <Value text={birth ? formatDateWareki(birth) : undefined} />
            </Row>
            <Row label={s.sex} className="choices">
              <Check on={sex === 'male'} label={strings.printing.sex.male} />
              <Check on={sex === 'female'} label={strings.printing.sex.female} />
            </Row>
            <Row label={s.address}>
              {postal !== '' && (
                <>
                  {s.postal}
                  {postal}&ensp;
                </>
              )}
              <Value text={d?.address || p.address} />
            </Row>
            <Row label={s.phone}>
              <Value text={formatPhone(d?.phone || p.phone || '')} />
            </Row>
          </tbody>
        </table>
      </section>

      <section>
        <h2>{s.insuranceTitle}</h2>
        <table>
          <tbody>
            <Row label={s.insuranceType} className="choices">
              {DECLARED_TYPES.map((t) => (
                <Check key={t} on={d?.insuranceType === t} label={strings.insuranceTypes[t]} />
              ))}
            </Row>
            <Row label={s.insurerName}>
              <Value text={d?.insurerName} />
            </Row>
            <Row label={s.relationship} className="choices">
              <Check on={d?.relationship === 'self'} label={strings.declSelf} />
              <Check on={d?.relationship === 'family'} label={strings.declFamily} />
            </Row>
            <Row label={s.insuredPerson}>
              <Value text={d?.relationship === 'self' ? d.name : d?.insuredPersonName} />
            </Row>
            <Row label={s.employer}>
              <Value text={d?.employerName} />
            </Row>
            <Row label={s.employerAddress}>
              <Value text={d?.employerAddress} />
            </Row>
            <Row
              label={
                <>
                  {s.numbers}
                  <br />
                  <span className="small">{s.numbersHint}</span>
                </>
              }
            >
              <Value text={numbers} />
            </Row>
            <Row label={s.acquiredOn}>
              <Value text={d?.acquiredOn ? formatDateWareki(d.acquiredOn) : undefined} />
            </Row>
          </tbody>
        </table>
      </section>

      <section>
        <h2>{s.signatureTitle}</h2>
        <table className="signature">
          <tbody>
            <Row label={s.signature} />
            <Row label={s.signedBy}>
              <Value text={d?.signedBy} />
            </Row>
          </tbody>
        </table>
      </section>

      <section>
        <h2>{s.clinicTitle}</h2>
        <table>
          <tbody>
            <Row label={strings.printing.clinicName}>
              <Value text={clinic.name} />
            </Row>
            <Row label={strings.printing.institutionCode}>
              <Value text={clinic.institutionCode} />
            </Row>
            <Row label={s.serviceDate}>
              <Value text={visit ? formatDateWareki(visit.serviceDate) : undefined} />
            </Row>
            <Row label={s.visitId}>
              <Value text={receptionNo} />
            </Row>
          </tbody>
        </table>
      </section>
      <p className="small">{s.note}</p>
    </article>
  );
}

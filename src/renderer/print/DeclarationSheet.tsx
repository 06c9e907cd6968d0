// 被保険者資格申立書, laid out after the official form: 申立日, the person (氏名・フリガナ・生年月日・性別・住所・
// 電話), the insurance as far as the patient knows it (種類, 保険者名, 本人・家族, 被保険者氏名, 勤務先, 記号・番号,
// 資格取得日), the signature line, and the clinic's box (医療機関名・コード, 受診日, 受付番号). Pre-filled from the
// visit's declaration, else from the patient; what is unknown stays a blank line to fill in by hand.
import type { DeclaredInsuranceType, Visit } from '../../claims/visit.ts';
import { strings } from '../strings.ts';
import { usePrintContext } from './context.ts';
import { formatDateWareki } from './format.ts';

const s = strings.declSheet;
const typeOrder: DeclaredInsuranceType[] = ['kyokai', 'kumiai', 'kyosai', 'seamen', 'kokuho', 'kouki', 'unknown'];

function Value({ text }: { text: string | undefined }) {
  return text !== undefined && text !== '' ? <>{text}</> : <span className="blank">&nbsp;</span>;
}

function Check({ on, label }: { on: boolean; label: string }) {
  return <span className={on ? 'ps-check on' : 'ps-check'}>{label}</span>;
}

export function DeclarationSheet({ visit }: { visit: Visit }) {
  const { clinic } = usePrintContext();
  const d = visit.evidence.declaration;
  const p = visit.patient;
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
  const postal = d?.postalCode || p.postalCode;
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
            <tr>
              <th scope="row">{s.kana}</th>
              <td>
                <Value text={d?.nameKana || p.nameKana} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.name}</th>
              <td>
                <Value text={d?.name || p.name} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.birthDate}</th>
              <td>
                <Value text={formatDateWareki(d?.birthDate || p.birthDate)} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.sex}</th>
              <td className="choices">
                <Check on={sex === 'male'} label={strings.printing.sex.male} />
                <Check on={sex === 'female'} label={strings.printing.sex.female} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.address}</th>
              <td>
                {postal !== '' && (
                  <>
                    {s.postal}
                    {postal}&ensp;
                  </>
                )}
                <Value text={d?.address || p.address} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.phone}</th>
              <td>
                <Value text={d?.phone || p.phone} />
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section>
        <h2>{s.insuranceTitle}</h2>
        <table>
          <tbody>
            <tr>
              <th scope="row">{s.insuranceType}</th>
              <td className="choices">
                {typeOrder.map((t) => (
                  <Check key={t} on={d?.insuranceType === t} label={strings.insuranceTypes[t]} />
                ))}
              </td>
            </tr>
            <tr>
              <th scope="row">{s.insurerName}</th>
              <td>
                <Value text={d?.insurerName} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.relationship}</th>
              <td className="choices">
                <Check on={d?.relationship === 'self'} label={strings.declSelf} />
                <Check on={d?.relationship === 'family'} label={strings.declFamily} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.insuredPerson}</th>
              <td>
                <Value text={d?.relationship === 'self' ? d.name : d?.insuredPersonName} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.employer}</th>
              <td>
                <Value text={d?.employerName} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.employerAddress}</th>
              <td>
                <Value text={d?.employerAddress} />
              </td>
            </tr>
            <tr>
              <th scope="row">
                {s.numbers}
                <br />
                <span className="small">{s.numbersHint}</span>
              </th>
              <td>
                <Value text={numbers} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.acquiredOn}</th>
              <td>
                <Value text={d?.acquiredOn ? formatDateWareki(d.acquiredOn) : undefined} />
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section>
        <h2>{s.signatureTitle}</h2>
        <table className="signature">
          <tbody>
            <tr>
              <th scope="row">{s.signature}</th>
              <td />
            </tr>
            <tr>
              <th scope="row">{s.signedBy}</th>
              <td>
                <Value text={d?.signedBy} />
              </td>
            </tr>
          </tbody>
        </table>
      </section>

      <section>
        <h2>{s.clinicTitle}</h2>
        <table>
          <tbody>
            <tr>
              <th scope="row">{strings.printing.clinicName}</th>
              <td>
                <Value text={clinic.name} />
              </td>
            </tr>
            <tr>
              <th scope="row">{strings.printing.institutionCode}</th>
              <td>
                <Value text={clinic.institutionCode} />
              </td>
            </tr>
            <tr>
              <th scope="row">{s.serviceDate}</th>
              <td>{formatDateWareki(visit.serviceDate)}</td>
            </tr>
            <tr>
              <th scope="row">{s.visitId}</th>
              <td>{visit.id}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <p className="small">{s.note}</p>
    </article>
  );
}

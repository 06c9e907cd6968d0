// One visit of the 事後確認 queue: what was taken at reception, the terminal's answer (with the answer files archived
// for it: Evidence.tsx), the proposed decision with its reasons, the claim as it will be exported, and the staff
// review forms (visits.review). A side panel over the screen (always in view at 1366×768, scrolling inside);
// Esc closes. Times are shown as 12月7日 14:01; the answer files (names, SHA-256) are under 「詳細」 (Evidence.tsx).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { RequestInput, VisitDetailView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { formatDate, formatMonthDay, formatMonthDayTime } from '../print/format.ts';
import { ErrorTiming, numberErrors, NumbersFields, RadioGroup, TextField } from '../reception/fields.tsx';
import type { ClaimBasis } from '../../main/concepts.ts';
import { strings } from '../strings.ts';
import { Evidence } from './Evidence.tsx';
import { StaffSelect } from './StaffSelect.tsx';

const s = strings.queue;
/** The store's SYSTEM_ACTOR: the reconciler's own decisions (shown as 「自動（事後確認）」, never as 'system'). */
const SYSTEM_ACTOR = 'system';
const ACTIONS = ['accept', 'choose_basis', 'edit_numbers', 'manual_lookup'] as const;
type Action = (typeof ACTIONS)[number];
type Basis = ClaimBasis;
const BASES: readonly Basis[] = ['current', 'past', 'unknown'];
type Numbers = { insurerNumber: string; symbol: string; number: string; branch: string };
const EMPTY: Numbers = { insurerNumber: '', symbol: '', number: '', branch: '' };

function numbersLine(n: Partial<Numbers> | null | undefined): string {
  if (!n?.insurerNumber && !n?.number) return s.noNumbers;
  return s.numbersLine({
    insurerNumber: n.insurerNumber ?? '',
    symbol: n.symbol ?? '',
    number: n.number ?? '',
    branch: n.branch ?? '',
  });
}

function ReviewForm(props: { detail: VisitDetailView; onDone: (message: string) => void }) {
  const d = props.detail;
  // Chosen deliberately: never the reception's 担当者 by default (a decision is recorded under this name).
  const [staff, setStaff] = useState('');
  const [action, setAction] = useState<Action | undefined>(d.decision === null ? undefined : 'accept');
  const [basis, setBasis] = useState<Basis | undefined>(undefined);
  const [found, setFound] = useState<'yes' | 'no' | undefined>(undefined);
  const [numbers, setNumbers] = useState<Numbers>(EMPTY);
  const [reason, setReason] = useState('');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const formRef = useRef<HTMLFormElement>(null);

  const needsNumbers = action === 'edit_numbers' || (action === 'manual_lookup' && found === 'yes');
  const reasonRequired = action === 'choose_basis' || action === 'edit_numbers';
  // A ③ claim needs 住所 and 連絡先 in its 摘要: where the visit has none, the review asks for them.
  const towardsUnknown =
    (action === 'accept' && (d.decision === 'unknown' || (d.decision === 'none' && d.proposal.basis === 'unknown'))) ||
    (action === 'choose_basis' && basis === 'unknown') ||
    (action === 'manual_lookup' && found === 'no');
  const askAddress = towardsUnknown && d.unknownContact.address.trim() === '';
  const askPhone = towardsUnknown && d.unknownContact.phone.trim() === '';
  const errors = {
    staff: staff === '' ? s.staffRequired : undefined,
    action: action === undefined ? s.actionRequired : undefined,
    basis: action === 'choose_basis' && basis === undefined ? s.basisRequired : undefined,
    found: action === 'manual_lookup' && found === undefined ? s.manualFoundRequired : undefined,
    reason: reasonRequired && reason.trim() === '' ? s.reasonRequired : undefined,
    numbers: needsNumbers && Object.keys(numberErrors(numbers)).length > 0,
    address: askAddress && address.trim() === '' ? s.contactRequired : undefined,
    phone: askPhone && phone.trim() === '' ? s.contactRequired : undefined,
  };
  const candidate =
    action === 'choose_basis' && (basis === 'current' || basis === 'past') ? d.candidates[basis] : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    setFailure('');
    if (Object.values(errors).some(Boolean) || action === undefined) {
      // The first field at fault takes the focus; its reason is beside it.
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"] input, [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    const contact = {
      ...(askAddress ? { address: address.trim() } : {}),
      ...(askPhone ? { phone: phone.trim() } : {}),
    };
    const base = {
      visitId: d.visit.id,
      staff,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(askAddress || askPhone ? { contact } : {}),
    };
    let input: RequestInput<'visits.review'>;
    if (action === 'accept') input = { ...base, action };
    else if (action === 'choose_basis') input = { ...base, action, basis: basis! };
    else if (action === 'edit_numbers') input = { ...base, action, numbers };
    else input = { ...base, action, found: found === 'yes', ...(found === 'yes' ? { numbers } : {}) };
    setBusy(true);
    call('visits.review', input).then(
      (r) => {
        setBusy(false);
        const label = r.decision === 'none' ? s.decisionNone : s.basis[r.decision];
        props.onDone(r.forwardedTo ? s.forwarded(label, r.forwardedTo) : s.done(label));
      },
      (err: unknown) => {
        setBusy(false);
        setFailure((err as Error).message);
      },
    );
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="review-title" data-testid="review-form">
      <h4 id="review-title">{s.reviewTitle}</h4>
      <ErrorTiming tried={tried}>
        <StaffSelect
          label={s.staff}
          value={staff}
          placeholder={s.staffChoose}
          onChange={setStaff}
          error={errors.staff}
          testId="review-staff"
        />
        <RadioGroup
          legend={s.action}
          name="review-action"
          options={ACTIONS.filter((a) => a !== 'accept' || d.decision !== null)}
          labelOf={(a) => s.actions[a]}
          value={action}
          onChange={(a) => {
            setAction(a);
            setTried(false);
          }}
          error={errors.action}
          required
          testId="review-action"
        />
        {action === 'choose_basis' && (
          <RadioGroup
            legend={s.chooseBasis}
            name="review-basis"
            options={BASES}
            labelOf={(b) => s.basis[b]}
            describe={(b) => s.basisExplained[b]}
            value={basis}
            onChange={setBasis}
            error={errors.basis}
            required
            hint={candidate === undefined ? undefined : candidate ? s.candidate(numbersLine(candidate)) : s.noCandidate}
          />
        )}
        {action === 'manual_lookup' && (
          <RadioGroup
            legend={s.manualFound}
            name="review-found"
            options={['yes', 'no'] as const}
            labelOf={(f) => (f === 'yes' ? s.manualFoundYes : s.manualFoundNo)}
            value={found}
            onChange={setFound}
            error={errors.found}
            required
          />
        )}
        {(askAddress || askPhone) && (
          <fieldset data-testid="review-contact">
            <legend>{s.contactTitle}</legend>
            {askAddress && (
              <TextField
                label={s.contactAddress}
                value={address}
                onChange={setAddress}
                error={errors.address}
                required
                wide
                testId="review-address"
              />
            )}
            {askPhone && (
              <TextField
                label={s.contactPhone}
                value={phone}
                onChange={setPhone}
                error={errors.phone}
                required
                inputMode="tel"
                testId="review-phone"
              />
            )}
          </fieldset>
        )}
        {needsNumbers && <NumbersFields value={numbers} onChange={setNumbers} tried={tried} required />}
        {action !== undefined && (
          <TextField
            label={reasonRequired ? s.reason : s.reasonOptional}
            value={reason}
            onChange={setReason}
            error={errors.reason}
            required={reasonRequired}
            wide
            testId="review-reason"
          />
        )}
      </ErrorTiming>
      {failure && (
        <p className="field-error" role="alert">
          {s.failed} {failure}
        </p>
      )}
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? s.submitting : s.submit}
      </button>
    </form>
  );
}

export function QueueDetail(props: { id: string; onClose: () => void; onChanged: () => void }) {
  const [detail, setDetail] = useState<VisitDetailView | undefined>(undefined);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(() => {
    call('visits.get', { id: props.id }).then(
      (d) => {
        setDetail(d);
        setError('');
      },
      (err: unknown) => setError((err as Error).message),
    );
  }, [props.id]);

  useEffect(() => {
    setDetail(undefined);
    setNotice('');
    load();
  }, [load]);

  // Esc closes the panel wherever the focus is (after a review the form is rebuilt under it).
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  // The heading takes the focus when a visit's detail first arrives (not on every reload).
  const shownId = detail?.visit.id;
  useEffect(() => {
    if (shownId) heading.current?.focus();
  }, [shownId]);

  const d = detail;
  const v = d?.visit;
  const f = d?.finding as
    | {
        validity?: string;
        insurance?: Numbers;
        newerInsurance?: Numbers;
        name?: string;
        birthDate?: string;
      }
    | null
    | undefined;
  return (
    <section
      className="card queue-detail queue-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="queue-detail-title"
      data-testid="queue-detail"
    >
      <div className="row queue-drawer-head">
        <h3 id="queue-detail-title" tabIndex={-1} ref={heading}>
          {v ? s.detailTitle(v.patient.name) : s.loadingDetail}
        </h3>
        <button type="button" className="button secondary" onClick={props.onClose}>
          {s.close}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <p role="status" data-testid="review-notice">
        {notice}
      </p>
      {d && v && (
        <>
          <h4>{s.visitTitle}</h4>
          <dl className="summary">
            <dt>{strings.queueCols.date}</dt>
            <dd>{formatMonthDay(v.serviceDate)}</dd>
            <dt>{s.receivedAt}</dt>
            <dd>{formatMonthDayTime(v.receivedAt)}</dd>
            <dt>{strings.patientName}</dt>
            <dd>
              {v.patient.name}
              {v.patient.nameKana && `（${v.patient.nameKana}）`}
            </dd>
            <dt>{s.birth}</dt>
            <dd>{formatDate(v.patient.birthDate)}</dd>
            <dt>{strings.summaryCause}</dt>
            <dd>{strings.causes[v.cause]}</dd>
            <dt>{strings.summaryEvidence}</dt>
            <dd>{strings.evidence[v.evidence.kind]}</dd>
            <dt>{s.numbers}</dt>
            <dd>{numbersLine(v.evidence.insurance ?? v.evidence.declaration?.knownNumbers ?? v.pastInsurance)}</dd>
            <dt>{strings.queueStatus}</dt>
            <dd>{strings.queueStatuses[d.status as keyof typeof strings.queueStatuses] ?? d.status}</dd>
          </dl>

          <h4>{s.answerTitle}</h4>
          {f ? (
            <dl className="summary" data-testid="answer">
              <dt>{strings.queueStatus}</dt>
              <dd>{s.validity[f.validity ?? ''] ?? f.validity}</dd>
              {f.insurance && (
                <>
                  <dt>{s.numbers}</dt>
                  <dd>{numbersLine(f.insurance)}</dd>
                </>
              )}
              {f.newerInsurance && (
                <>
                  <dt>{s.newerNumbers}</dt>
                  <dd>{numbersLine(f.newerInsurance)}</dd>
                </>
              )}
              {f.name && (
                <>
                  <dt>{s.answerName}</dt>
                  <dd>{f.name}</dd>
                </>
              )}
            </dl>
          ) : (
            <p>{s.noAnswer}</p>
          )}
          <Evidence visitId={v.id} reload={d.reconciliations.length} />

          <h4>{s.proposalTitle}</h4>
          <p className="proposal" data-testid="proposal">
            {s.proposal(s.basis[d.proposal.basis])}
          </p>
          {d.proposal.needsDecision.length > 0 && (
            <>
              <p>{s.reasons}</p>
              <ul data-testid="proposal-reasons">
                {d.proposal.needsDecision.map((n) => (
                  <li key={n.code}>{n.message}</li>
                ))}
              </ul>
            </>
          )}

          <h4>{s.claimTitle}</h4>
          <dl className="summary" data-testid="claim">
            <dt>{s.cols.basis}</dt>
            <dd>{d.claim.needsDecision.length > 0 ? s.needsDecision : s.basis[d.claim.basis]}</dd>
            <dt>{s.numbers}</dt>
            <dd>{numbersLine(d.claim.numbers)}</dd>
            <dt>{s.remarks}</dt>
            <dd>{d.claim.remarks.length ? d.claim.remarks.join(' / ') : s.noRemarks}</dd>
            <dt>{s.payerLabel}</dt>
            <dd>{s.payer[d.claim.payer] ?? d.claim.payer}</dd>
            {d.claim.warnings.length > 0 && (
              <>
                <dt>{s.warnings}</dt>
                <dd>
                  <ul>
                    {d.claim.warnings.map((w) => (
                      <li key={w.code}>{w.message}</li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
          </dl>

          {d.job && (
            <>
              <h4>{s.jobTitle}</h4>
              <p data-testid="job">
                {s.jobLine(s.jobStatus[d.job.status] ?? d.job.status, d.job.attempts)}
                {d.job.lastError && (
                  <>
                    <br />
                    {s.lastError}: {d.job.lastError}
                  </>
                )}
              </p>
            </>
          )}

          {d.reconciliations.length > 0 && (
            <>
              <h4>{s.historyTitle}</h4>
              <ul data-testid="history">
                {d.reconciliations.map((r) => (
                  <li key={r.key}>
                    {s.historyItem(
                      formatMonthDayTime(r.at),
                      r.decision === 'none' ? s.decisionNone : s.basis[r.decision],
                      r.staff === SYSTEM_ACTOR ? s.systemActor : r.staff,
                    )}
                    {r.review &&
                      ` ${s.reviewed(s.actions[r.review.action as Action] ?? r.review.action, r.review.reason)}`}
                  </li>
                ))}
              </ul>
            </>
          )}

          {d.status !== 'claimed' && d.status !== 'void' && (
            <ReviewForm
              key={d.reconciliations.length}
              detail={d}
              onDone={(message) => {
                setNotice(message);
                heading.current?.focus();
                load();
                props.onChanged();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

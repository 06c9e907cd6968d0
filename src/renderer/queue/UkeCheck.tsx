// 請求前点検 in the month-end panel: staff choose the UKE file the レセコン wrote for the month; the core compares it
// with the decisions for the outage visits ('claims.checkUke', the same function as `shikaku export --check-uke`)
// and the differences are listed, each with its line in the file. Read only: nothing is written anywhere.
import { useId, useState } from 'react';
import type { RequestOutput } from '../../main/contract.ts';
import { call } from '../api.ts';
import { strings } from '../strings.ts';

const s = strings.monthExport;

/** The file's bytes as base64 (what the request carries). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function UkeCheck(props: { month: string }) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<RequestOutput<'claims.checkUke'> | null>(null);
  const [failure, setFailure] = useState('');

  const check = async (file: File | undefined) => {
    setReport(null);
    setFailure('');
    if (!file) return;
    setBusy(true);
    try {
      setReport(await call('claims.checkUke', { month: props.month, data: await base64Of(file) }));
    } catch (err) {
      setFailure(`${s.ukeFailed} ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const [summary, ...lines] = report ? report.text.split('\n') : [];
  const clean = report !== null && report.findings.length === 0 && report.problems.length === 0;
  return (
    <section className="uke-check" aria-labelledby={`${id}-title`} data-testid="uke-check">
      <h4 id={`${id}-title`}>{s.ukeTitle}</h4>
      <p className="field-hint">{s.ukeHint}</p>
      <div className="field">
        <div className="field-label">
          <label htmlFor={`${id}-file`}>{s.ukeFile}</label>
        </div>
        <input
          id={`${id}-file`}
          type="file"
          accept=".UKE,.uke"
          disabled={busy}
          data-testid="uke-file"
          onChange={(e) => void check(e.target.files?.[0])}
        />
      </div>
      <div role="status" data-testid="uke-status">
        {busy && s.ukeChecking}
        {summary && <p>{summary}</p>}
        {clean && <p>{s.ukeClean}</p>}
      </div>
      {lines.length > 0 && (
        <div role="alert">
          <ul data-testid="uke-findings">
            {lines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {failure !== '' && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}

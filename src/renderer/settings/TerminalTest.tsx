// The terminal folder's 「接続テスト」 (req/res/face present, req writable, res readable, the terminal answering one
// test request: core request 'terminal.test', the same as `shikaku terminal probe --ask`) and, in the installed
// app, 「フォルダを選ぶ」. Used by 設定 → 資格確認端末 and by the first-start screen.
import { useState } from 'react';
import type { TerminalTestView } from '../../main/contract.ts';
import { call, ShikakuError } from '../api.ts';
import { canPickFolder, pickFolder } from '../files.ts';
import { strings } from '../strings.ts';

const t = strings.terminalTest;

function resultLines(r: TerminalTestView): string[] {
  if (r.error !== null) return [r.error];
  const lines = [
    t.folder('req', r.folders.req.exists),
    t.folder('res', r.folders.res.exists),
    t.folder('face', r.folders.face.exists),
  ];
  if (r.folders.req.exists) lines.push(t.reqWritable(r.folders.req.writable));
  if (r.folders.res.exists) lines.push(t.resReadable(r.folders.res.readable));
  if (r.answered === true) lines.push(t.answered(r.answerMs ?? 0));
  if (r.answered === false) lines.push(t.notAnswered(r.answerProblem ?? ''));
  return lines;
}

export function TerminalTest({ dir, onPick }: { dir: string; onPick: (dir: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TerminalTestView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const test = async () => {
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      setResult(await call('terminal.test', { dir, ask: true }));
    } catch (err) {
      setFailure(t.failed(err instanceof ShikakuError ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="terminal-test" data-testid="terminal-test">
      <div className="row">
        <button type="button" className="button" disabled={busy} onClick={() => void test()}>
          {t.test}
        </button>
        {canPickFolder() && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void pickFolder(dir).then((p) => p !== null && onPick(p))}
          >
            {t.pick}
          </button>
        )}
      </div>
      <div role="status" data-testid="terminal-test-result">
        {busy && <p>{t.testing}</p>}
        {failure && <p className="field-error">{failure}</p>}
        {result && (
          <>
            <p className={result.ok ? 'field-ok' : 'field-error'}>{result.ok ? t.ok : t.ng}</p>
            <ul aria-label={t.resultTitle}>
              {resultLines(result).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}

// The archived terminal answers of one visit as the 事後確認 detail panel shows them (visits.evidence,
// visits.evidenceFile): the list (file, sha256, size, when, single or bulk request) and one answer's text, decoded
// as the file declares (Shift_JIS / UTF-8; a zip answer's XML inside). Only answers linked to that visit are
// read: the sha256 alone never opens a blob.
import { unzipAnswer } from '../../../hardware/terminal/parser.ts';
import { decodeXmlBytes } from '../../../hardware/terminal/xml.ts';
import { reconcileMessages as msg } from './messages.ts';
import type { AnswerEvidence, Store } from '../store/index.ts';

export interface EvidenceItemView {
  id: number;
  file: string;
  sha256: string;
  /** Raw size in bytes (as the terminal wrote it). */
  size: number;
  /** When it was archived (ISO). */
  at: string;
  /** single: 資格確認 of this visit alone; bulk: the 一括照会 answer of a batch (holds every person of it). */
  via: 'single' | 'bulk';
  /** 一括照会: this visit's row (ArbitraryIdentifier) in the answer. */
  rowId: string | null;
}

export interface EvidenceTextView {
  file: string;
  sha256: string;
  via: 'single' | 'bulk';
  encoding: 'shift_jis' | 'utf-8';
  /** Set when the file's declaration and its bytes disagree (decoded by the bytes). */
  encodingWarning: string | null;
  /** The answer was a zip: the text is the XML inside. */
  zipped: boolean;
  text: string;
}

type Failure = { ok: false; error: { code: string; message: string; detail?: string } };
type Out<T> = { ok: true; value: T } | Failure;

const viewOf = (e: AnswerEvidence): EvidenceItemView => ({
  id: e.id,
  file: e.file,
  sha256: e.sha256,
  size: e.size,
  at: new Date(e.createdAt).toISOString(),
  via: e.request === 'bulk_fetch' ? 'bulk' : 'single',
  rowId: e.rowId,
});

/** A visit's archived answers, oldest first (NOT_FOUND for an unknown visit). */
export function evidenceList(store: Store, visitId: string): Out<EvidenceItemView[]> {
  const visit = store.getVisit(visitId);
  if (!visit.ok) return visit;
  const list = store.listAnswerEvidence(visitId);
  return list.ok ? { ok: true, value: list.value.map(viewOf) } : list;
}

/** One archived answer of the visit, as text. EVIDENCE_NOT_LINKED when that answer is not the visit's. */
export function evidenceText(store: Store, visitId: string, sha256: string): Out<EvidenceTextView> {
  const list = store.listAnswerEvidence(visitId);
  if (!list.ok) return list;
  const linked = list.value.find((e) => e.sha256 === sha256);
  if (!linked) return { ok: false, error: { code: 'EVIDENCE_NOT_LINKED', message: msg.EVIDENCE_NOT_LINKED } };
  const bytes = store.readAnswerEvidence(sha256);
  if (!bytes.ok) return bytes;
  try {
    const zipped = bytes.value[0] === 0x50 && bytes.value[1] === 0x4b;
    const xml = zipped ? unzipAnswer(bytes.value, linked.file) : bytes.value;
    const decoded = decodeXmlBytes(xml);
    return {
      ok: true,
      value: {
        file: linked.file,
        sha256,
        via: viewOf(linked).via,
        encoding: decoded.encoding,
        encodingWarning: decoded.warning ?? null,
        zipped,
        text: decoded.text,
      },
    };
  } catch (e) {
    return {
      ok: false,
      error: { code: 'EVIDENCE_UNREADABLE', message: msg.EVIDENCE_UNREADABLE, detail: (e as Error).message },
    };
  }
}

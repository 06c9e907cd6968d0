// The single request (資格確認 of one visit), start to end: redelivery check, the request, the answer's checks
// (another patient → set aside; not about the numbers asked → 要確認), the decision and its evidence in one store
// transaction, then the answer leaves res/ and the job completes. Never throws for a terminal or data problem: it
// returns the job's outcome.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { TerminalFinding } from '../../../claims/visit.ts';
import {
  answerBaseName,
  isTerminalError,
  requestFileName,
  type TerminalResult,
} from '../../../hardware/terminal/index.ts';
import { SYSTEM_ACTOR, sha256Of, type OutboxJob } from '../store/index.ts';
import { checkAnswer, decisionRecord, queryInput, queryNumbers, redact, sameFinding, terminalKey } from './decision.ts';
import { parseReconciliationDetail, type AnswerProblem, type ReconciliationDetail } from './detail.ts';
import type { JobHost, JobOutcome } from './host.ts';
import { reconcileMessages as msg } from './messages.ts';

/** An answer for this key is waiting in res/ (left there by a crash between recording and completing). */
async function answerInRes(host: JobHost, key: string): Promise<boolean> {
  const res = host.terminal.dirs?.res;
  if (!res) return false;
  const base = answerBaseName(requestFileName('qualification', key));
  for (const ext of ['.xml', '.zip']) {
    try {
      await fsp.access(path.join(res, base + ext));
      return true;
    } catch {
      // not there
    }
  }
  return false;
}

/** One job by the single request, start to end. */
export async function processSingleJob(host: JobHost, job: OutboxJob): Promise<JobOutcome> {
  const visitId = job.visitId;
  if (!visitId) return host.fail(job, true, 'VISIT_NOT_FOUND', msg.VISIT_NOT_FOUND);
  const stored = host.store.getVisit(visitId);
  if (!stored.ok) {
    return stored.error.code === 'NOT_FOUND'
      ? host.fail(job, true, 'VISIT_NOT_FOUND', msg.VISIT_NOT_FOUND)
      : host.fail(job, false, stored.error.code, stored.error.message);
  }
  const visit = stored.value.visit;
  const key = job.idempotencyKey;
  const tkey = terminalKey(key);
  const q = queryNumbers(visit);

  // Redelivery (a crash after recording, before completing): apply nothing again.
  const existing = host.store.reconciliationByKey(key);
  if (!existing.ok) return host.fail(job, false, existing.error.code, existing.error.message);
  if (existing.value) {
    if (q && (await answerInRes(host, tkey))) {
      try {
        const again = await host.terminal.confirm(queryInput(visit, q.numbers), {
          key: tkey,
          timeoutMs: host.timeoutMs,
        });
        if (!sameFinding(again.finding, parseReconciliationDetail(existing.value.detail).finding)) {
          const keptAs = await host.setAside(again.file, 'duplicate');
          host.summary.ignoredAnswers += 1;
          host.audit('reconcile.answer_ignored', visitId, {
            reason: 'already_reconciled',
            job: key.slice(visitId.length),
            file: redact(again.file, tkey),
            keptAs: redact(keptAs, tkey),
            validity: again.finding?.validity ?? null,
          });
        } else {
          await host.terminal.discardAnswer(tkey);
        }
      } catch {
        // An unreadable leftover: the client has set it aside already.
      }
    }
    if (!host.complete(job)) return { kind: 'lease_lost', visitId };
    return { kind: 'already', visitId };
  }

  let finding: TerminalFinding | undefined;
  let detail: ReconciliationDetail;
  let problems: AnswerProblem[] = [];
  let answer: { file: string; bytes: Uint8Array; request: 'qualification' } | undefined;
  if (!q) {
    detail = { askedTerminal: false, reason: 'no_numbers' };
  } else {
    let result: TerminalResult;
    try {
      result = await host.terminal.confirm(queryInput(visit, q.numbers), { key: tkey, timeoutMs: host.timeoutMs });
    } catch (e) {
      if (!isTerminalError(e)) throw e;
      // The link was closed under the request to be re-opened (or the core stops): not the terminal's failure.
      if (e.code === 'TERMINAL_CLOSED' && host.isStopped) {
        host.release(job);
        return { kind: 'released', visitId };
      }
      if (e.code === 'TERMINAL_MALFORMED_ANSWER' || e.code === 'TERMINAL_KEY_MISMATCH') {
        host.summary.ignoredAnswers += 1;
        host.audit('reconcile.answer_rejected', visitId, {
          job: key.slice(visitId.length),
          code: e.code,
          file: redact(e.details.file, tkey),
          ...(e.details.foundKey !== undefined ? { foundKey: redact(e.details.foundKey, tkey) } : {}),
        });
      }
      return host.fail(job, !e.retryable, e.code, e.message, e.code === 'TERMINAL_TIMEOUT');
    }
    const check = checkAnswer({
      numbers: q.numbers,
      birthDate: visit.patient.birthDate,
      echo: result.answer.body.searchInfo,
      finding: result.finding,
      results: result.answer.body.results,
      fieldProblems: result.answer.fieldProblems,
    });
    if (check.otherPatient.length > 0) {
      const keptAs = await host.setAside(result.file, 'other-patient');
      host.summary.ignoredAnswers += 1;
      host.audit('reconcile.answer_rejected', visitId, {
        job: key.slice(visitId.length),
        code: 'ANSWER_OTHER_PATIENT',
        file: redact(result.file, tkey),
        keptAs: redact(keptAs, tkey),
        fields: check.otherPatient,
      });
      return host.fail(job, false, 'ANSWER_OTHER_PATIENT', msg.ANSWER_OTHER_PATIENT);
    }
    problems = check.problems;
    finding = result.finding ?? undefined;
    answer = { file: result.file, bytes: result.bytes, request: 'qualification' };
    detail = {
      askedTerminal: true,
      querySource: q.source,
      query: {
        insurerNumber: q.numbers.insurerNumber,
        symbol: q.numbers.symbol,
        number: q.numbers.number,
        branch: q.numbers.branch,
      },
      via: 'single',
      answerFile: redact(result.file, tkey),
      answerSha256: sha256Of(result.bytes),
      reused: result.reused,
      validity: result.finding?.validity ?? null,
      validityCode: result.answer.body.qualificationValidity ?? null,
      finding: result.finding ?? null,
    };
  }

  const rec = decisionRecord(visit, host.settings, !!q, finding, detail, problems);
  const r = host.store.recordReconciliationWithEvidence(
    { visitId, key, decision: rec.decision, detail: rec.detail, staff: SYSTEM_ACTOR },
    answer,
  );
  if (!r.ok) {
    const permanent = r.error.code === 'FORBIDDEN_MY_NUMBER' || r.error.code === 'INVALID_INPUT';
    return host.fail(job, permanent, r.error.code, `${msg.RECORD_FAILED} ${r.error.message}`);
  }
  if (q) await host.terminal.discardAnswer(tkey).catch(() => undefined);
  if (!host.complete(job)) return { kind: 'lease_lost', visitId };
  return r.value.created
    ? { kind: 'recorded', visitId, decision: rec.decision, needsDecision: rec.needs }
    : { kind: 'already', visitId };
}

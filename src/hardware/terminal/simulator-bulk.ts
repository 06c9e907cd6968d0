// The simulator's 一括照会 desk: an upload (OQSmuquc01req_) is answered with a ReceptionNumber and kept as a job;
// a fetch (OQSmuquc02req_) is answered 処理中 for the configured number of fetches, then with one
// BulkConfirmUnit per uploaded row, each decided by the same rules and registry as a single 資格確認.
import { zipSync } from 'fflate';
import {
  bulkResultAnswerXml,
  bulkUploadAnswerXml,
  type BulkUnitInput,
  type HeaderInput,
  type SearchEcho,
} from './answers.ts';
import { CharacterCodeIdentifier, ProcessingResultStatus, SegmentOfResult } from './codes.ts';
import { answerBaseName, atomicWrite, type RequestKind, type ShareDirs } from './files.ts';
import type { QualificationSearchInfo } from './model.ts';
import { parseBulkFetchRequest, parseBulkUploadRequest } from './parser.ts';
import type { AnswerKind, AnswerSpec, SimLogEntry } from './scenario.ts';
import { encodeXmlText, type XmlElem } from './xml.ts';

/** What the desk needs of the simulator. */
export interface SimDesk {
  readonly dirs: ShareDirs;
  pickRule(
    kind: RequestKind,
    key: string | undefined,
    s: { insurerNumber?: string; number?: string; symbol?: string },
  ): AnswerSpec;
  /** Take the request out of req/ (as the connector does). */
  consume(name: string): Promise<void>;
  record(entry: Omit<SimLogEntry, 'at'>): void;
  /** Run `fn` after `ms` (tracked, cancelled by stop()). */
  later(ms: number, fn: () => Promise<void>): void;
  /** Validity code and records of a single 資格確認 for an answer kind. */
  outcome(kind: AnswerKind, s: QualificationSearchInfo): { validityCode?: string; records: XmlElem[][] };
  /** Fetches answered 処理中 before the results. */
  processingFetches(): number;
}

interface BulkJob {
  rows: QualificationSearchInfo[];
  fetchesLeft: number;
}

export class BulkDesk {
  private readonly jobs = new Map<string, BulkJob>();
  private receptionSeq = 0;

  constructor(private readonly sim: SimDesk) {}

  /** The rule for a request; a 'never' is logged and left in req/, anything else is taken out of req/. */
  private async take(name: string, kind: 'bulk_upload' | 'bulk_fetch', key: string | undefined) {
    const spec = this.sim.pickRule(kind, key, {});
    const logBase = { requestFile: name, request: kind, ...(key !== undefined ? { key } : {}) };
    if (spec.kind === 'never') {
      this.sim.record({ ...logBase, answer: 'never' });
      return undefined;
    }
    await this.sim.consume(name);
    return { spec, logBase };
  }

  /** Answer now, or after the rule's delay. */
  private async run(spec: AnswerSpec, write: () => Promise<void>): Promise<void> {
    if (spec.delayMs) this.sim.later(spec.delayMs, write);
    else await write();
  }

  async upload(name: string, bytes: Buffer): Promise<void> {
    const req = parseBulkUploadRequest(bytes, name);
    const taken = await this.take(name, 'bulk_upload', req.key);
    if (!taken) return;
    const { spec, logBase } = taken;
    const write = async () => {
      this.receptionSeq += 1;
      const receptionNumber = `R${Date.now()}${String(this.receptionSeq).padStart(4, '0')}`;
      const failed = spec.kind === 'error_segment';
      if (!failed) this.jobs.set(receptionNumber, { rows: req.rows, fetchesLeft: this.sim.processingFetches() });
      const header: HeaderInput = {
        ...(req.key !== undefined ? { key: req.key } : {}),
        medicalInstitutionCode: req.medicalInstitutionCode ?? '',
        at: new Date(),
        characterCodeIdentifier: CharacterCodeIdentifier.shiftJis,
        ...(failed
          ? {
              segmentOfResult: SegmentOfResult.error,
              errorCode: spec.errorCode ?? 'EOQS0001',
              errorMessage: spec.errorMessage ?? '一括照会の受付に失敗しました',
            }
          : {}),
      };
      const file = `${answerBaseName(name)}.xml`;
      await atomicWrite(
        this.sim.dirs.res,
        file,
        encodeXmlText(bulkUploadAnswerXml(header, failed ? undefined : receptionNumber, 'shift_jis'), 'shift_jis'),
      );
      this.sim.record({ ...logBase, answer: 'bulk', answerFile: file });
    };
    await this.run(spec, write);
  }

  async fetch(name: string, bytes: Buffer): Promise<void> {
    const req = parseBulkFetchRequest(bytes, name);
    const taken = await this.take(name, 'bulk_fetch', req.key);
    if (!taken) return;
    const { spec, logBase } = taken;
    const write = async () => {
      const job = req.receptionNumber !== undefined ? this.jobs.get(req.receptionNumber) : undefined;
      const header: HeaderInput = {
        ...(req.key !== undefined ? { key: req.key } : {}),
        medicalInstitutionCode: req.medicalInstitutionCode ?? '',
        at: new Date(),
        characterCodeIdentifier: CharacterCodeIdentifier.shiftJis,
        ...(req.receptionNumber !== undefined ? { receptionNumber: req.receptionNumber } : {}),
      };
      let xml: string;
      if (!job) {
        xml = bulkResultAnswerXml(
          {
            ...header,
            segmentOfResult: SegmentOfResult.error,
            errorCode: 'EOQS0404',
            errorMessage: '受付番号が見つかりません',
          },
          [],
          'shift_jis',
        );
      } else if (job.fetchesLeft > 0) {
        job.fetchesLeft -= 1;
        xml = bulkResultAnswerXml({ ...header, segmentOfResult: SegmentOfResult.processing }, [], 'shift_jis');
      } else {
        // A row whose rule says 'never' is left out of the result (a partial answer).
        const units: BulkUnitInput[] = job.rows.flatMap((row): BulkUnitInput[] => {
          const rowSpec = this.sim.pickRule('qualification', undefined, {
            insurerNumber: row.insurerNumber ?? '',
            number: row.insuredIdentificationNumber ?? '',
            symbol: row.insuredCardSymbol ?? '',
          });
          const search: SearchEcho = {
            ...(row.insurerNumber !== undefined ? { insurerNumber: row.insurerNumber } : {}),
            ...(row.insuredCardSymbol !== undefined ? { symbol: row.insuredCardSymbol } : {}),
            ...(row.insuredIdentificationNumber !== undefined ? { number: row.insuredIdentificationNumber } : {}),
            ...(row.insuredBranchNumber !== undefined ? { branch: row.insuredBranchNumber } : {}),
            ...(row.birthdate !== undefined ? { birthdate: row.birthdate } : {}),
            ...(row.arbitraryIdentifier !== undefined ? { arbitraryIdentifier: row.arbitraryIdentifier } : {}),
            ...rowSpec.echo,
          };
          if (rowSpec.kind === 'never') return [];
          if (rowSpec.kind === 'processing_error')
            return [{ search, processingResultStatus: ProcessingResultStatus.error, records: [] }];
          const validityKinds: AnswerKind[] = ['valid', 'invalid', 'invalid_newer', 'not_found', 'multiple'];
          const { validityCode, records } = this.sim.outcome(
            validityKinds.includes(rowSpec.kind) ? rowSpec.kind : 'registry',
            row,
          );
          return [{ search, ...(validityCode !== undefined ? { validityCode } : {}), records }];
        });
        xml = bulkResultAnswerXml(header, units, 'shift_jis');
      }
      let data: Uint8Array = encodeXmlText(xml, 'shift_jis');
      let file = `${answerBaseName(name)}.xml`;
      if (spec.format === 'zip') {
        data = zipSync({ [file]: data });
        file = `${answerBaseName(name)}.zip`;
      }
      await atomicWrite(this.sim.dirs.res, file, data);
      this.sim.record({ ...logBase, answer: 'bulk', answerFile: file });
    };
    await this.run(spec, write);
  }
}

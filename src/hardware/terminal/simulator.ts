// A 資格確認端末 connector stand-in for tests, demo and drill mode: watches req/, answers in res/ the way the
// connector does (atomic writes, Shift_JIS by default), with answer kinds chosen per request by rules, and
// writes face-reader files on demand. Holds a small in-memory registry of insured persons.
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { z } from 'zod';
import {
  bulkResultAnswerXml,
  bulkUploadAnswerXml,
  qualificationAnswerXml,
  recordElems,
  type BulkUnitInput,
  type HeaderInput,
  type SearchEcho,
  type SimPerson,
} from './answers.ts';
import {
  PREFIX,
  answerBaseName,
  atomicWrite,
  faceFileName,
  keyOfRequestFile,
  readIfExists,
  requestKindOf,
  shareDirs,
  type RequestKind,
  type ShareDirs,
} from './files.ts';
import type { QualificationSearchInfo, TextEncodingName } from './model.ts';
import {
  parseBulkFetchRequest,
  parseBulkUploadRequest,
  parseQualificationRequest,
  unpadInsurerNumber,
} from './parser.ts';
import { encodeXmlText, type XmlElem } from './xml.ts';

export type { SimPerson } from './answers.ts';

export const AnswerKind = z.enum([
  'registry', // answer from the registry: 有効 / 無効 / 無効(新しい資格あり) / 該当資格なし / 複数該当
  'valid',
  'invalid',
  'invalid_newer',
  'not_found',
  'multiple',
  'error_segment', // SegmentOfResult 9 with ErrorCode
  'processing_error', // ProcessingResultStatus 2
  'never', // no answer at all (the request stays in req/)
  'malformed', // complete file, not XML
  'truncated', // half a file; with completeAfterMs the rest follows later (a slow, non-atomic writer)
  'wrong_key', // an answer carrying another ArbitraryFileIdentifier
  'reject', // the connector refuses the request: req/<name>.err
]);
export type AnswerKind = z.infer<typeof AnswerKind>;

export const AnswerSpec = z.object({
  kind: AnswerKind,
  /** Answer after this delay (a slow terminal). */
  delayMs: z.number().int().nonnegative().optional(),
  format: z.enum(['xml', 'zip']).optional(),
  /** 'utf-8' writes CharacterCodeIdentifier 0; 'utf-8-declared-shift_jis' is a UTF-8 body under a Shift_JIS declaration. */
  encoding: z.enum(['shift_jis', 'utf-8', 'utf-8-declared-shift_jis']).optional(),
  completeAfterMs: z.number().int().nonnegative().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  processingResultCode: z.string().optional(),
  processingResultMessage: z.string().optional(),
  /** wrong_key: the identifier to write instead of the request's. */
  foundKey: z.string().optional(),
  /** Write this QualificationValidity code instead (e.g. an unknown one). */
  validityCode: z.string().optional(),
  extraHeader: z.record(z.string(), z.string()).optional(),
  extraBody: z.record(z.string(), z.string()).optional(),
  /** Echo these QualificationConfirmSearchInfo values instead of the query's (an answer about someone else). */
  echo: z
    .object({
      insurerNumber: z.string(),
      symbol: z.string(),
      number: z.string(),
      branch: z.string(),
      birthdate: z.string(),
    })
    .partial()
    .optional(),
});
export type AnswerSpec = z.infer<typeof AnswerSpec>;

export const SimRule = z.object({
  match: z
    .object({
      insurerNumber: z.string().optional(),
      number: z.string().optional(),
      symbol: z.string().optional(),
      key: z.string().optional(),
      request: z.enum(['qualification', 'bulk_upload', 'bulk_fetch']).optional(),
    })
    .default({}),
  answer: AnswerSpec,
  /** Apply at most this many times, then fall through to the next rule. */
  times: z.number().int().positive().optional(),
});
export type SimRule = z.infer<typeof SimRule>;
export type SimRuleInput = z.input<typeof SimRule>;

const SimPersonSchema: z.ZodType<SimPerson> = z.lazy(() =>
  z.object({
    insurerNumber: z.string(),
    symbol: z.string().optional(),
    number: z.string(),
    branch: z.string().optional(),
    name: z.string(),
    nameKana: z.string().optional(),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    sex: z.enum(['male', 'female']),
    copayPercent: z.number().int().optional(),
    elderlyCopayPercent: z.number().int().optional(),
    address: z.string().optional(),
    postNumber: z.string().optional(),
    insurerName: z.string().optional(),
    personalFamily: z.enum(['1', '2']).optional(),
    status: z.enum(['valid', 'lost']).optional(),
    reasonOfLoss: z.string().optional(),
    validFrom: z.string().optional(),
    expiredOn: z.string().optional(),
    newer: z.any().optional(),
    extra: z.record(z.string(), z.string()).optional(),
  }),
) as z.ZodType<SimPerson>;

/** The scenario file of `shikaku simulate-terminal --scenario`. */
export const Scenario = z.object({
  medicalInstitutionCode: z.string().optional(),
  registry: z.array(SimPersonSchema).default([]),
  rules: z.array(SimRule).default([]),
  default: AnswerSpec.optional(),
  bulkProcessingFetches: z.number().int().nonnegative().optional(),
});
export type Scenario = z.infer<typeof Scenario>;

export interface SimLogEntry {
  at: string;
  requestFile: string;
  request: RequestKind;
  key?: string;
  answer: AnswerKind | 'bulk' | 'bad_request';
  answerFile?: string;
}

export interface SimulatorOptions {
  dir: string;
  registry?: SimPerson[];
  rules?: SimRuleInput[];
  /** When no rule matches. Default { kind: 'registry' }. */
  defaultAnswer?: AnswerSpec;
  medicalInstitutionCode?: string;
  /** Fetches of a 一括照会 answered 処理中 (SegmentOfResult 2) before the results. Default 0. */
  bulkProcessingFetches?: number;
  /** Delete a request once it is taken (as the connector does). Default true ('never' leaves it). */
  consumeRequests?: boolean;
  watch?: boolean;
  pollMs?: number;
  /** Create req/, res/ and face/ if missing. Default true. */
  createDirs?: boolean;
  onLog?: (entry: SimLogEntry) => void;
}

interface BulkJob {
  rows: QualificationSearchInfo[];
  fetchesLeft: number;
}

const norm = (s: string | undefined) => (s ?? '').normalize('NFKC').trim();
const numbersKey = (insurer: string | undefined, number: string | undefined) =>
  `${unpadInsurerNumber(norm(insurer))}|${norm(number)}`;

export class TerminalSimulator {
  readonly dirs: ShareDirs;
  readonly log: SimLogEntry[] = [];
  /** People by `insurer|number` (unpadded, NFKC): one lookup per request, whatever the registry's size. */
  private byNumbers = new Map<string, SimPerson[]>();
  private people: SimPerson[] = [];
  private rules: (SimRule & { used: number })[];
  private defaultAnswer: AnswerSpec;
  private readonly opts: SimulatorOptions;
  private watcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly handled = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly bulkJobs = new Map<string, BulkJob>();
  private receptionSeq = 0;
  private faceSeq = 0;
  private stopped = false;
  private scanning = false;
  private rescan = false;
  private waiters: { pred: (e: SimLogEntry) => boolean; resolve: (e: SimLogEntry) => void }[] = [];

  private constructor(opts: SimulatorOptions) {
    this.opts = opts;
    this.dirs = shareDirs(opts.dir);
    this.registry = opts.registry ?? [];
    this.rules = (opts.rules ?? []).map((r) => ({ ...SimRule.parse(r), used: 0 }));
    this.defaultAnswer = opts.defaultAnswer ?? { kind: 'registry' };
  }

  static async start(opts: SimulatorOptions): Promise<TerminalSimulator> {
    const sim = new TerminalSimulator(opts);
    if (opts.createDirs ?? true) {
      for (const d of [sim.dirs.req, sim.dirs.res, sim.dirs.face]) await fsp.mkdir(d, { recursive: true });
    }
    if (opts.watch ?? true) {
      try {
        sim.watcher = watch(sim.dirs.req, () => sim.scan());
        sim.watcher.on('error', () => {
          sim.watcher?.close();
          sim.watcher = undefined;
        });
      } catch {
        sim.watcher = undefined;
      }
    }
    sim.pollTimer = setInterval(() => sim.scan(), opts.pollMs ?? 200);
    sim.scan();
    return sim;
  }

  static fromScenario(
    dir: string,
    scenario: Scenario,
    extra: Partial<SimulatorOptions> = {},
  ): Promise<TerminalSimulator> {
    return TerminalSimulator.start({
      dir,
      registry: scenario.registry,
      rules: scenario.rules,
      ...(scenario.default ? { defaultAnswer: scenario.default } : {}),
      ...(scenario.medicalInstitutionCode ? { medicalInstitutionCode: scenario.medicalInstitutionCode } : {}),
      ...(scenario.bulkProcessingFetches !== undefined
        ? { bulkProcessingFetches: scenario.bulkProcessingFetches }
        : {}),
      ...extra,
    });
  }

  get registry(): readonly SimPerson[] {
    return this.people;
  }

  set registry(people: readonly SimPerson[]) {
    this.people = [];
    this.byNumbers.clear();
    for (const p of people) this.addPerson(p);
  }

  addPerson(p: SimPerson): void {
    this.people.push(p);
    const k = numbersKey(p.insurerNumber, p.number);
    const list = this.byNumbers.get(k);
    if (list) list.push(p);
    else this.byNumbers.set(k, [p]);
  }

  setRules(rules: SimRuleInput[]): void {
    this.rules = rules.map((r) => ({ ...SimRule.parse(r), used: 0 }));
  }

  setDefaultAnswer(a: AnswerSpec): void {
    this.defaultAnswer = AnswerSpec.parse(a);
  }

  /** Resolves with the next log entry that fits (already logged entries count). */
  waitFor(pred: (e: SimLogEntry) => boolean = () => true): Promise<SimLogEntry> {
    const hit = this.log.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Write a face-reader result into face/ (atomically), as after a card was read at the reader. */
  async writeFace(input: {
    person: SimPerson;
    id?: string;
    at?: Date;
    encoding?: TextEncodingName;
    validityCode?: string;
  }): Promise<string> {
    const at = input.at ?? new Date();
    this.faceSeq += 1;
    const id =
      input.id ?? `${this.opts.medicalInstitutionCode ?? '0000000000'}${String(this.faceSeq).padStart(17, '0')}`;
    const name = faceFileName(id, at);
    const encoding = input.encoding ?? 'shift_jis';
    const xml = qualificationAnswerXml(
      {
        header: {
          at,
          medicalInstitutionCode: this.opts.medicalInstitutionCode ?? '',
          referenceClassification: '1',
          characterCodeIdentifier: encoding === 'utf-8' ? '0' : '1',
        },
        validityCode: input.validityCode ?? (input.person.status === 'lost' ? '2' : '1'),
        records: [recordElems(input.person)],
      },
      encoding,
    );
    await atomicWrite(this.dirs.face, name, encodeXmlText(xml, encoding));
    return name;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.pollTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  // ---- request handling ----

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) void this.track(fn().catch(() => undefined));
    }, ms);
    this.timers.add(t);
  }

  private scan(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    void this.track(
      (async () => {
        try {
          do {
            this.rescan = false;
            let names: string[];
            try {
              names = await fsp.readdir(this.dirs.req);
            } catch {
              return;
            }
            const present = new Set(names);
            for (const n of [...this.handled]) if (!present.has(n)) this.handled.delete(n);
            for (const name of names.sort()) {
              if (this.stopped) return;
              if (this.handled.has(name) || !requestKindOf(name)) continue;
              this.handled.add(name);
              await this.handle(name).catch(() => undefined);
            }
          } while (this.rescan && !this.stopped);
        } finally {
          this.scanning = false;
        }
      })(),
    );
  }

  private pickRule(
    kind: RequestKind,
    key: string | undefined,
    s: { insurerNumber?: string; number?: string; symbol?: string },
  ): AnswerSpec {
    for (const r of this.rules) {
      if (r.times !== undefined && r.used >= r.times) continue;
      const m = r.match;
      if (m.request !== undefined && m.request !== kind) continue;
      if (m.key !== undefined && m.key !== key) continue;
      if (
        m.insurerNumber !== undefined &&
        unpadInsurerNumber(norm(m.insurerNumber)) !== unpadInsurerNumber(norm(s.insurerNumber))
      )
        continue;
      if (m.number !== undefined && norm(m.number) !== norm(s.number)) continue;
      if (m.symbol !== undefined && norm(m.symbol) !== norm(s.symbol)) continue;
      r.used += 1;
      return r.answer;
    }
    return this.defaultAnswer;
  }

  private record(entry: Omit<SimLogEntry, 'at'>): void {
    const e: SimLogEntry = { at: new Date().toISOString(), ...entry };
    this.log.push(e);
    this.opts.onLog?.(e);
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.pred(e)) w.resolve(e);
      else still.push(w);
    }
    this.waiters = still;
  }

  private async readRequest(name: string): Promise<Buffer | undefined> {
    return readIfExists(path.join(this.dirs.req, name));
  }

  private async handle(name: string): Promise<void> {
    const kind = requestKindOf(name);
    if (!kind) return;
    const bytes = await this.readRequest(name);
    if (bytes === undefined) return;
    const fileKey = keyOfRequestFile(name);
    try {
      if (kind === 'qualification') await this.handleQualification(name, bytes);
      else if (kind === 'bulk_upload') await this.handleBulkUpload(name, bytes);
      else await this.handleBulkFetch(name, bytes);
    } catch {
      await fsp
        .rename(path.join(this.dirs.req, name), path.join(this.dirs.req, name.replace(/\.xml$/i, '.err')))
        .catch(() => undefined);
      this.record({
        requestFile: name,
        request: kind,
        ...(fileKey !== undefined ? { key: fileKey } : {}),
        answer: 'bad_request',
      });
    }
  }

  private async consume(name: string): Promise<void> {
    if (this.opts.consumeRequests ?? true) {
      await fsp.rm(path.join(this.dirs.req, name), { force: true });
      this.handled.delete(name); // the file is gone: a file with this name from now on is a new request
    }
  }

  private async handleQualification(name: string, bytes: Buffer): Promise<void> {
    const req = parseQualificationRequest(bytes, name);
    const s = req.searchInfo;
    const spec = this.pickRule('qualification', req.key, {
      insurerNumber: s.insurerNumber ?? '',
      number: s.insuredIdentificationNumber ?? '',
      symbol: s.insuredCardSymbol ?? '',
    });
    const base = answerBaseName(name);
    const key = req.key;
    const logBase = { requestFile: name, request: 'qualification' as const, ...(key !== undefined ? { key } : {}) };
    if (spec.kind === 'never') {
      this.record({ ...logBase, answer: 'never' });
      return;
    }
    if (spec.kind === 'reject') {
      await fsp.rename(path.join(this.dirs.req, name), path.join(this.dirs.req, name.replace(/\.xml$/i, '.err')));
      this.record({ ...logBase, answer: 'reject' });
      return;
    }
    await this.consume(name);
    const echo: SearchEcho = {
      ...(s.insurerNumber !== undefined ? { insurerNumber: s.insurerNumber } : {}),
      ...(s.insuredCardSymbol !== undefined ? { symbol: s.insuredCardSymbol } : {}),
      ...(s.insuredIdentificationNumber !== undefined ? { number: s.insuredIdentificationNumber } : {}),
      ...(s.insuredBranchNumber !== undefined ? { branch: s.insuredBranchNumber } : {}),
      ...(s.birthdate !== undefined ? { birthdate: s.birthdate } : {}),
      ...spec.echo,
    };
    const write = async () => {
      const at = new Date();
      const declared: TextEncodingName = spec.encoding === 'utf-8' ? 'utf-8' : 'shift_jis';
      const bodyEncoding: TextEncodingName =
        spec.encoding === 'utf-8' || spec.encoding === 'utf-8-declared-shift_jis' ? 'utf-8' : 'shift_jis';
      const header: HeaderInput = {
        ...(spec.kind === 'wrong_key'
          ? { key: spec.foundKey ?? `${key ?? 'x'}-other` }
          : key !== undefined
            ? { key }
            : {}),
        medicalInstitutionCode: req.medicalInstitutionCode ?? this.opts.medicalInstitutionCode ?? '',
        at,
        characterCodeIdentifier: declared === 'utf-8' ? '0' : '1',
        ...(spec.extraHeader ? { extra: spec.extraHeader } : {}),
      };
      let xml: string;
      if (spec.kind === 'error_segment') {
        xml = qualificationAnswerXml(
          {
            header: {
              ...header,
              segmentOfResult: '9',
              errorCode: spec.errorCode ?? 'EOQS0001',
              errorMessage: spec.errorMessage ?? '資格確認処理でエラーが発生しました',
            },
            noBody: true,
            records: [],
          },
          declared,
        );
      } else if (spec.kind === 'processing_error') {
        xml = qualificationAnswerXml(
          {
            header,
            processingResultStatus: '2',
            processingResultCode: spec.processingResultCode ?? 'EPRS0001',
            processingResultMessage: spec.processingResultMessage ?? '照会内容に誤りがあります',
            search: echo,
            records: [],
          },
          declared,
        );
      } else {
        const { validityCode, records } = this.qualificationOutcome(spec.kind, s);
        xml = qualificationAnswerXml(
          {
            header,
            validityCode: spec.validityCode ?? validityCode,
            search: echo,
            records,
            ...(spec.extraBody ? { extraBody: spec.extraBody } : {}),
          },
          declared,
        );
      }
      let data: Uint8Array = encodeXmlText(xml, bodyEncoding);
      let file = `${base}.xml`;
      if (spec.kind === 'malformed')
        data = encodeXmlText(xml.slice(0, Math.floor(xml.length * 0.6)) + '</MessageBody>\r\n<<broken', bodyEncoding);
      if (spec.format === 'zip') {
        data = zipSync({ [`${base}.xml`]: data });
        file = `${base}.zip`;
      }
      if (spec.kind === 'truncated') {
        // A non-atomic writer: the name appears with part of the content.
        const full = data;
        await fsp.writeFile(path.join(this.dirs.res, file), full.subarray(0, Math.floor(full.length / 2)));
        if (spec.completeAfterMs !== undefined) {
          this.later(spec.completeAfterMs, async () => {
            await fsp.writeFile(path.join(this.dirs.res, file), full);
          });
        }
      } else {
        await atomicWrite(this.dirs.res, file, data);
      }
      this.record({ ...logBase, answer: spec.kind, answerFile: file });
    };
    if (spec.delayMs) this.later(spec.delayMs, write);
    else await write();
  }

  private findPersons(s: QualificationSearchInfo): SimPerson[] {
    const candidates = this.byNumbers.get(numbersKey(s.insurerNumber, s.insuredIdentificationNumber)) ?? [];
    return candidates.filter(
      (p) =>
        (s.insuredCardSymbol === undefined || norm(p.symbol) === norm(s.insuredCardSymbol)) &&
        (s.insuredBranchNumber === undefined || norm(p.branch) === norm(s.insuredBranchNumber)) &&
        (s.birthdate === undefined || p.birthDate.replace(/-/g, '') === s.birthdate),
    );
  }

  /** Validity code and records for an answer kind, from the registry (or made up from the query). */
  private qualificationOutcome(
    kind: AnswerKind,
    s: QualificationSearchInfo,
  ): { validityCode?: string; records: XmlElem[][] } {
    const found = this.findPersons(s);
    const fromQuery = (): SimPerson => ({
      insurerNumber: s.insurerNumber ?? '',
      number: s.insuredIdentificationNumber ?? '',
      ...(s.insuredCardSymbol !== undefined ? { symbol: s.insuredCardSymbol } : {}),
      ...(s.insuredBranchNumber !== undefined ? { branch: s.insuredBranchNumber } : {}),
      name: '資格 確認',
      nameKana: 'ｼｶｸ ｶｸﾆﾝ',
      birthDate: (s.birthdate ?? '19700101').replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3'),
      sex: 'female',
      copayPercent: 30,
    });
    const person = found[0] ?? fromQuery();
    const lostRecord = (p: SimPerson) =>
      recordElems(p, { status: 'lost', reasonOfLoss: p.reasonOfLoss ?? '1', expiredOn: p.expiredOn ?? '2024-12-31' });
    const newerOf = (p: SimPerson): SimPerson => ({
      ...p,
      ...(p.newer ?? {
        insurerNumber: '06139999',
        symbol: 'ｼﾝ',
        number: `${norm(p.number)}1`,
        branch: '00',
        copayPercent: p.copayPercent ?? 30,
      }),
      status: 'valid',
    });
    let k = kind;
    if (k === 'registry') {
      if (found.length === 0) k = 'not_found';
      else if (found.length > 1) k = 'multiple';
      else if (person.status === 'lost') k = person.newer ? 'invalid_newer' : 'invalid';
      else k = 'valid';
    }
    switch (k) {
      case 'valid':
      case 'wrong_key':
      case 'malformed':
      case 'truncated':
        return { validityCode: '1', records: [recordElems(person, { status: 'valid' })] };
      case 'invalid':
        return { validityCode: '2', records: [lostRecord(person)] };
      case 'invalid_newer':
        return { validityCode: '3', records: [lostRecord(person), recordElems(newerOf(person))] };
      case 'not_found':
        return { validityCode: '4', records: [] };
      case 'multiple':
        return { validityCode: '5', records: [] };
      default:
        return { records: [] };
    }
  }

  // ---- 一括照会 ----

  private async handleBulkUpload(name: string, bytes: Buffer): Promise<void> {
    const req = parseBulkUploadRequest(bytes, name);
    const spec = this.pickRule('bulk_upload', req.key, {});
    const logBase = {
      requestFile: name,
      request: 'bulk_upload' as const,
      ...(req.key !== undefined ? { key: req.key } : {}),
    };
    if (spec.kind === 'never') {
      this.record({ ...logBase, answer: 'never' });
      return;
    }
    await this.consume(name);
    const write = async () => {
      this.receptionSeq += 1;
      const receptionNumber = `R${Date.now()}${String(this.receptionSeq).padStart(4, '0')}`;
      const failed = spec.kind === 'error_segment';
      if (!failed)
        this.bulkJobs.set(receptionNumber, { rows: req.rows, fetchesLeft: this.opts.bulkProcessingFetches ?? 0 });
      const header: HeaderInput = {
        ...(req.key !== undefined ? { key: req.key } : {}),
        medicalInstitutionCode: req.medicalInstitutionCode ?? '',
        at: new Date(),
        characterCodeIdentifier: '1',
        ...(failed
          ? {
              segmentOfResult: '9',
              errorCode: spec.errorCode ?? 'EOQS0001',
              errorMessage: spec.errorMessage ?? '一括照会の受付に失敗しました',
            }
          : {}),
      };
      const file = `${answerBaseName(name)}.xml`;
      await atomicWrite(
        this.dirs.res,
        file,
        encodeXmlText(bulkUploadAnswerXml(header, failed ? undefined : receptionNumber, 'shift_jis'), 'shift_jis'),
      );
      this.record({ ...logBase, answer: 'bulk', answerFile: file });
    };
    if (spec.delayMs) this.later(spec.delayMs, write);
    else await write();
  }

  private async handleBulkFetch(name: string, bytes: Buffer): Promise<void> {
    const req = parseBulkFetchRequest(bytes, name);
    const spec = this.pickRule('bulk_fetch', req.key, {});
    const logBase = {
      requestFile: name,
      request: 'bulk_fetch' as const,
      ...(req.key !== undefined ? { key: req.key } : {}),
    };
    if (spec.kind === 'never') {
      this.record({ ...logBase, answer: 'never' });
      return;
    }
    await this.consume(name);
    const write = async () => {
      const job = req.receptionNumber !== undefined ? this.bulkJobs.get(req.receptionNumber) : undefined;
      const header: HeaderInput = {
        ...(req.key !== undefined ? { key: req.key } : {}),
        medicalInstitutionCode: req.medicalInstitutionCode ?? '',
        at: new Date(),
        characterCodeIdentifier: '1',
        ...(req.receptionNumber !== undefined ? { receptionNumber: req.receptionNumber } : {}),
      };
      let xml: string;
      if (!job) {
        xml = bulkResultAnswerXml(
          { ...header, segmentOfResult: '9', errorCode: 'EOQS0404', errorMessage: '受付番号が見つかりません' },
          [],
          'shift_jis',
        );
      } else if (job.fetchesLeft > 0) {
        job.fetchesLeft -= 1;
        xml = bulkResultAnswerXml({ ...header, segmentOfResult: '2' }, [], 'shift_jis');
      } else {
        // A row whose rule says 'never' is left out of the result (a partial answer).
        const units: BulkUnitInput[] = job.rows.flatMap((row): BulkUnitInput[] => {
          const rowSpec = this.pickRule('qualification', undefined, {
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
          if (rowSpec.kind === 'processing_error') return [{ search, processingResultStatus: '2', records: [] }];
          const validityKinds: AnswerKind[] = ['valid', 'invalid', 'invalid_newer', 'not_found', 'multiple'];
          const { validityCode, records } = this.qualificationOutcome(
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
      await atomicWrite(this.dirs.res, file, data);
      this.record({ ...logBase, answer: 'bulk', answerFile: file });
    };
    if (spec.delayMs) this.later(spec.delayMs, write);
    else await write();
  }
}

export { PREFIX };

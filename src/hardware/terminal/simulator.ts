// A 資格確認端末 connector stand-in for tests, demo and drill mode: watches req/, answers in res/ the way the
// connector does (atomic writes, Shift_JIS by default), with answer kinds chosen per request by rules, and
// writes face-reader files on demand. Holds a small in-memory registry of insured persons.
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { qualificationAnswerXml, recordElems, type HeaderInput, type SearchEcho, type SimPerson } from './answers.ts';
import {
  ProcessingResultStatus,
  QualificationValidity,
  ReferenceClassification,
  SegmentOfResult,
  characterCodeIdentifierOf,
} from './codes.ts';
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
import { parseQualificationRequest, unpadInsurerNumber } from './parser.ts';
import {
  AnswerSpec,
  SimRule,
  type AnswerKind,
  type Scenario,
  type SimLogEntry,
  type SimRuleInput,
} from './scenario.ts';
import { BulkDesk } from './simulator-bulk.ts';
import { encodeXmlText, type XmlElem } from './xml.ts';

export { AnswerKind, AnswerSpec, Scenario, SimRule, type SimLogEntry, type SimRuleInput } from './scenario.ts';
export type { SimPerson } from './answers.ts';

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
  private readonly bulk: BulkDesk;
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
    this.bulk = new BulkDesk({
      dirs: this.dirs,
      pickRule: (kind, key, s) => this.pickRule(kind, key, s),
      consume: (name) => this.consume(name),
      record: (entry) => this.record(entry),
      later: (ms, fn) => this.later(ms, fn),
      outcome: (kind, s) => this.qualificationOutcome(kind, s),
      processingFetches: () => this.opts.bulkProcessingFetches ?? 0,
    });
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
          referenceClassification: ReferenceClassification.card,
          characterCodeIdentifier: characterCodeIdentifierOf(encoding),
        },
        validityCode:
          input.validityCode ??
          (input.person.status === 'lost' ? QualificationValidity.invalid : QualificationValidity.valid),
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
      else if (kind === 'bulk_upload') await this.bulk.upload(name, bytes);
      else await this.bulk.fetch(name, bytes);
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
        characterCodeIdentifier: characterCodeIdentifierOf(declared),
        ...(spec.extraHeader ? { extra: spec.extraHeader } : {}),
      };
      let xml: string;
      if (spec.kind === 'error_segment') {
        xml = qualificationAnswerXml(
          {
            header: {
              ...header,
              segmentOfResult: SegmentOfResult.error,
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
            processingResultStatus: ProcessingResultStatus.error,
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
        return { validityCode: QualificationValidity.valid, records: [recordElems(person, { status: 'valid' })] };
      case 'invalid':
        return { validityCode: QualificationValidity.invalid, records: [lostRecord(person)] };
      case 'invalid_newer':
        return {
          validityCode: QualificationValidity.invalidNewer,
          records: [lostRecord(person), recordElems(newerOf(person))],
        };
      case 'not_found':
        return { validityCode: QualificationValidity.notFound, records: [] };
      case 'multiple':
        return { validityCode: QualificationValidity.multiple, records: [] };
      default:
        return { records: [] };
    }
  }
}

export { PREFIX };

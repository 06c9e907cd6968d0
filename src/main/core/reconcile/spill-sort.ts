// Records put in order with bounded memory (the month export, issue #19: its memory must not grow with the
// month). Records are gathered in runs of `runSize`; a full run is sorted and written to a scratch file, a line per
// record; every `fanIn` runs of one size are merged into one run (so reading never has more than a few runs open);
// reading merges what is left. A set that fits one run never touches the file. Records are written as text
// fields (tab-separated, escaped), not JSON: JSON.parse keeps each short string value it reads in V8's string
// table, in the old generation, and a month of them is what made the export's memory grow. Stable: records that
// compare equal come out in the order they were added.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** How a record is written as text fields and read back. */
export interface SpillCodec<T> {
  encode(value: T): string[];
  decode(fields: string[]): T;
}

/** Records per run: what is held in memory at once while adding (short-lived: a run is written when full). */
export const SPILL_RUN = 250;
/** Runs of one size merged into one. */
const FAN_IN = 16;
/** Bytes read from a run (and gathered before a write) at a time. */
const CHUNK = 16 * 1024;
const NEWLINE = 0x0a;

interface Keyed<T, K> {
  key: K;
  value: T;
}

interface Run {
  at: number;
  end: number;
  /** 0: written from memory; n + 1: merged from runs of level n. */
  level: number;
}

/** A record's fields as one line (without its newline): tabs, newlines and backslashes escaped. */
function toLine(fields: string[]): string {
  const plain = fields.every((f) => !SPECIAL.test(f));
  return (plain ? fields : fields.map((f) => f.replace(SPECIALS, (c) => ESCAPE[c]!))).join('\t');
}
const SPECIAL = /[\t\n\\]/;
const SPECIALS = /[\t\n\\]/g;
const ESCAPE: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\\': '\\\\' };
const UNESCAPE: Record<string, string> = { t: '\t', n: '\n', '\\': '\\' };

function fromLine(line: string): string[] {
  return line.split('\t').map((f) => (f.includes('\\') ? f.replace(/\\([tn\\])/g, (_, c: string) => UNESCAPE[c]!) : f));
}

export class SpillSort<T, K> {
  private buffer: Keyed<T, K>[] = [];
  private runs: Run[] = [];
  private fd: number | null = null;
  private end = 0;
  /** Set when a run could not be written: every later record stays in memory (the set is still complete). */
  private spillFailed = false;
  /** Records added. */
  size = 0;

  /**
   * `keyOf`: a record's sort key, computed once per record when added and when read back. The file is created
   * with the first full run; it lives in the export's scratch folder, removed with it (`close` closes it).
   */
  constructor(
    private readonly file: string,
    private readonly codec: SpillCodec<T>,
    private readonly keyOf: (value: T) => K,
    private readonly compare: (a: K, b: K) => number,
    private readonly runSize = SPILL_RUN,
  ) {}

  /**
   * Adds a record; a full run is written to the file. `onSpillFailure` 'throw' (default): an I/O error is thrown
   * (errno code kept); 'memory': the records are kept in memory instead (the order stays complete).
   */
  add(value: T, onSpillFailure: 'throw' | 'memory' = 'throw'): void {
    this.buffer.push({ key: this.keyOf(value), value });
    this.size++;
    if (this.buffer.length < this.runSize || this.spillFailed) return;
    try {
      this.spill();
    } catch (e) {
      if (onSpillFailure === 'throw') throw e;
      this.spillFailed = true;
    }
  }

  private byKey = (a: Keyed<T, K>, b: Keyed<T, K>): number => this.compare(a.key, b.key);

  /**
   * The buffer sorted and written as one run, then runs merged while `FAN_IN` of one level are at the end (the
   * runs are replaced only once their merge is written: a failure leaves every record where it was).
   */
  private spill(): void {
    this.buffer.sort(this.byKey);
    const text = this.buffer.map((r) => toLine(this.codec.encode(r.value))).join('\n') + '\n';
    const at = this.end;
    this.write(Buffer.from(text, 'utf8'));
    this.runs.push({ at, end: this.end, level: 0 });
    this.buffer = [];
    for (;;) {
      const last = this.runs[this.runs.length - 1]!;
      const tail = this.runs.slice(-FAN_IN);
      if (tail.length < FAN_IN || tail.some((r) => r.level !== last.level)) return;
      const from = this.end;
      let out: Buffer[] = [];
      let gathered = 0;
      for (const r of this.merge(tail.map((t) => this.readRun(t)))) {
        const b = Buffer.from(r.line + '\n', 'utf8');
        out.push(b);
        gathered += b.length;
        if (gathered >= CHUNK) {
          this.write(Buffer.concat(out));
          out = [];
          gathered = 0;
        }
      }
      this.write(Buffer.concat(out));
      this.runs = [...this.runs.slice(0, -FAN_IN), { at: from, end: this.end, level: last.level + 1 }];
    }
  }

  /** Appends bytes at the end of the file (created on first use). */
  private write(bytes: Buffer): void {
    this.fd ??= openSync(this.file, 'w+');
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd, bytes, at, bytes.length - at, this.end + at);
    this.end += bytes.length;
  }

  /** The records in order (once: the records still in memory are handed over). I/O errors are thrown. */
  *sorted(): Generator<T> {
    const memory = this.buffer.sort(this.byKey);
    this.buffer = [];
    if (this.runs.length === 0) {
      for (const r of memory) yield r.value;
      return;
    }
    for (const r of this.merge([...this.runs.map((t) => this.readRun(t)), memory[Symbol.iterator]()])) yield r.value;
  }

  /** Sorted sources merged (the earlier source first among equal keys). */
  private *merge<R extends Keyed<T, K>>(sources: Iterator<R>[]): Generator<R> {
    const heads: (R | undefined)[] = sources.map((s) => s.next().value);
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== undefined && (min < 0 || this.compare(h.key, heads[min]!.key) < 0)) min = i;
      }
      if (min < 0) return;
      yield heads[min]!;
      heads[min] = sources[min]!.next().value;
    }
  }

  /** One run's records (with their line), read a chunk at a time. */
  private *readRun(run: Run): Generator<Keyed<T, K> & { line: string }> {
    const chunk = Buffer.alloc(CHUNK);
    let partial: Buffer | null = null;
    for (let pos = run.at; pos < run.end;) {
      const n = readSync(this.fd!, chunk, 0, Math.min(CHUNK, run.end - pos), pos);
      if (n === 0) throw Object.assign(new Error(`short read ${this.file}`), { code: 'EIO' });
      pos += n;
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE, 0); nl !== -1 && nl < n; nl = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, nl);
        const bytes: Buffer = partial ? Buffer.concat([partial, piece]) : piece;
        partial = null;
        start = nl + 1;
        const text = bytes.toString('utf8');
        const value = this.codec.decode(fromLine(text));
        yield { key: this.keyOf(value), value, line: text };
      }
      if (start < n) {
        const rest = chunk.subarray(start, n);
        partial = partial ? Buffer.concat([partial, rest]) : Buffer.from(rest);
      }
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

// The month export's bounded-memory sort (core/reconcile/spill-sort.ts): runs written to a scratch file and merged
// (several levels of merges with small runs) give the order an in-memory stable sort gives, records read back as
// they were written (tabs, newlines, backslashes, empty fields, 𠮷), and a file that cannot be written either keeps
// the records in memory or throws with its errno code. Real files in a temp folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpillSort, type SpillCodec } from '../../src/main/core/reconcile/spill-sort.ts';
import { removeDir, tempDir } from './helpers.ts';

interface Rec {
  key: string;
  n: number;
  notes: string[];
}

const codec: SpillCodec<Rec> = {
  encode: (r) => [r.key, String(r.n), ...r.notes],
  decode: ([key, n, ...notes]) => ({ key: key!, n: Number(n), notes }),
};

const KEYS = ['b', 'a\tb', 'a\nb', 'a\\tb', '', '𠮷', 'ｱ', 'a', 'あ', 'b\\'];

/** `count` records with repeated keys (so stability shows) and awkward notes. */
function records(count: number): Rec[] {
  return Array.from({ length: count }, (_, n) => ({
    key: KEYS[(n * 7) % KEYS.length]!,
    n,
    notes: n % 3 === 0 ? [] : n % 3 === 1 ? ['', 'x\\n'] : ['住所\t1-2', '\\', 'end\n'],
  }));
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

let dir: string;
beforeEach(() => {
  dir = tempDir('shikaku-spill-');
});
afterEach(() => removeDir(dir));

describe('SpillSort', () => {
  it('gives the stable in-memory order, through runs on file merged at several levels', () => {
    const file = path.join(dir, 'runs');
    for (const count of [0, 1, 2, 3, 47, 1000]) {
      const input = records(count);
      const sort = new SpillSort<Rec, string>(file, codec, (r) => r.key, byKey, 3);
      for (const r of input) sort.add(r);
      expect(sort.size).toBe(count);
      expect([...sort.sorted()]).toEqual([...input].sort((a, b) => byKey(a.key, b.key)));
      sort.close();
    }
    expect(existsSync(file)).toBe(true);
  });

  it('a set that fits one run stays in memory: no file', () => {
    const file = path.join(dir, 'runs');
    const sort = new SpillSort<Rec, string>(file, codec, (r) => r.key, byKey);
    for (const r of records(100)) sort.add(r);
    expect([...sort.sorted()].map((r) => r.n)).toHaveLength(100);
    sort.close();
    expect(existsSync(file)).toBe(false);
  });

  it('a file that cannot be written: the records kept in memory, or the errno thrown', () => {
    const file = path.join(dir, 'missing', 'runs');
    const input = records(40);
    const kept = new SpillSort<Rec, string>(file, codec, (r) => r.key, byKey, 4);
    for (const r of input) kept.add(r, 'memory');
    expect([...kept.sorted()]).toEqual([...input].sort((a, b) => byKey(a.key, b.key)));
    kept.close();

    const thrown = new SpillSort<Rec, string>(file, codec, (r) => r.key, byKey, 4);
    expect(() => input.forEach((r) => thrown.add(r))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    thrown.close();
  });
});

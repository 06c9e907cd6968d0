// What one commit appends to the WAL, by table: the WAL holds a frame (a 24-byte header and one page) per B-tree
// page the commit changed. Each save runs on a WAL started over (checkpoint TRUNCATE), its frames are read back
// from the -wal file and each page is named by SQLite's dbstat table (an index counts for its table).
import { readFileSync } from 'node:fs';
import type { Store } from '../src/main/core/store/index.ts';

export interface WalPages {
  /** Frames appended per save. */
  frames: number;
  /** Distinct pages per save, by table ('database header' is page 1: the file grew). */
  byTable: Map<string, number>;
  /** B-trees (a table and each of its indexes) per table, as the schema has them. */
  trees: Map<string, number>;
}

export function walPagesPerSave(store: Store, saves: number, save: (k: number) => void): WalPages {
  const pageSize = store.db.pragma('page_size', { simple: true }) as number;
  const tableOf = new Map<string, string>();
  const trees = new Map<string, number>();
  for (const r of store.db
    .prepare(`SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')`)
    .all() as {
    name: string;
    tbl_name: string;
  }[]) {
    tableOf.set(r.name, r.tbl_name);
    trees.set(r.tbl_name, (trees.get(r.tbl_name) ?? 0) + 1);
  }
  const byTable = new Map<string, number>();
  let frames = 0;
  for (let k = 0; k < saves; k++) {
    store.checkpoint('TRUNCATE');
    save(k);
    const wal = readFileSync(`${store.file}-wal`);
    const pages = new Set<number>();
    for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
      pages.add(wal.readUInt32BE(off));
      frames++;
    }
    const owner = new Map(
      (store.db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [
        r.pageno,
        r.name,
      ]),
    );
    for (const p of pages) {
      const tree = owner.get(p);
      const table = p === 1 ? 'database header' : tree === undefined ? 'free list' : (tableOf.get(tree) ?? tree);
      byTable.set(table, (byTable.get(table) ?? 0) + 1);
    }
  }
  store.checkpoint('TRUNCATE');
  for (const [t, n] of byTable) byTable.set(t, n / saves);
  return { frames: frames / saves, byTable, trees };
}

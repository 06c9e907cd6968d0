// The printed レセコン入力票 (issue #12) in Chromium against the web host and the REAL core: a journal with a month of
// outage visits (①②③, 本人/家族, a patient seen twice, one without カルテ番号) opened with the print link
// `#print=inputSheet&month=2026-11`; the preview (axe), then the A4 PDF read back with poppler and compared with a
// golden text file — what staff will type into the レセコン, page by page. A patient's block never breaks across
// pages and the table header repeats on each page. A month with a ③ lacking 住所・連絡先 prints the reasons instead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import { SYSTEM_ACTOR, type Store } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, Actions } from './actions.ts';
import { pdfInfo } from './pdf.ts';
import { openApp, startSession, type E2eSession } from './session.ts';

const GOLDEN = path.join(import.meta.dirname, '..', 'fixtures', 'claims', 'input-sheet-2026-11.pdf.txt');
const EXAMPLES = path.join(import.meta.dirname, '..', '..', 'docs', 'examples');
const CLINIC = 'しかく内科クリニック';
const s = strings.inputSheet;

const example = (name: string): Visit => JSON.parse(readFileSync(path.join(EXAMPLES, `${name}.json`), 'utf8')) as Visit;

interface Person {
  patientId: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: 'male' | 'female';
  /** ③ 不詳 (申立書 only), ② 旧資格 (the terminal said 無効), ① 現資格 (マイナポータル). */
  kind: 'unknown' | 'past' | 'current';
  phone: string;
}

const NAMES: [string, string, 'male' | 'female'][] = [
  ['青木 一郎', 'アオキ イチロウ', 'male'],
  ['石川 陽子', 'イシカワ ヨウコ', 'female'],
  ['上田 健', 'ウエダ ケン', 'male'],
  ['江藤 真理', 'エトウ マリ', 'female'],
  ['大野 修', 'オオノ オサム', 'male'],
  ['加藤 直美', 'カトウ ナオミ', 'female'],
  ['木村 学', 'キムラ マナブ', 'male'],
  ['工藤 由美', 'クドウ ユミ', 'female'],
  ['小林 誠', 'コバヤシ マコト', 'male'],
  ['斉藤 恵', 'サイトウ メグミ', 'female'],
  ['清水 聡', 'シミズ サトシ', 'male'],
  ['鈴木 綾', 'スズキ アヤ', 'female'],
  ['瀬川 大輔', 'セガワ ダイスケ', 'male'],
  ['田中 舞', 'タナカ マイ', 'female'],
  ['千葉 亮', 'チバ リョウ', 'male'],
  ['土屋 葵', 'ツチヤ アオイ', 'female'],
];
const KINDS: Person['kind'][] = ['unknown', 'past', 'current'];

const PEOPLE: Person[] = NAMES.map(([name, kana, sex], i) => ({
  // カルテ番号 by value (12 before 100), one patient without one (printed last).
  patientId: i === 15 ? '' : String([3, 12, 100, 7, 45, 230, 9, 18, 1001, 64, 5, 77, 310, 26, 88][i]),
  name,
  kana,
  birthDate: `${1960 + i}-0${(i % 9) + 1}-1${i % 10}`,
  sex,
  kind: KINDS[i % 3]!,
  phone: `090-5555-${String(1000 + i)}`,
}));

const BARE: Person = {
  patientId: '501',
  name: '高橋 三郎',
  kana: 'タカハシ サブロウ',
  birthDate: '1972-02-02',
  sex: 'male',
  kind: 'unknown',
  phone: '',
};

function visitOf(p: Person, n: number, serviceDate = '2026-11-20'): Visit {
  const base = example(p.kind === 'unknown' ? 'declaration-unknown' : p.kind === 'past' ? 'invalid-past' : 'portal');
  const id = `0193a0c0-0000-7000-8000-${String(900000000000 + n)}`;
  const address = `東京都中野区中野${n}-${n}-${n} コーポ中野${100 + n}号室`;
  const patient = {
    ...base.patient,
    patientId: p.patientId,
    name: p.name,
    nameKana: p.kana,
    birthDate: p.birthDate,
    sex: p.sex,
    address,
    phone: p.phone.replace(/-/g, ''),
  };
  const v: Visit = {
    ...base,
    id,
    serviceDate,
    receivedAt: `${serviceDate}T09:${String(10 + (n % 40))}:00+09:00`,
    patient,
  };
  if (base.evidence.declaration) {
    v.evidence = {
      ...base.evidence,
      declaration: {
        ...base.evidence.declaration,
        declaredOn: serviceDate,
        name: p.name,
        nameKana: p.kana,
        birthDate: p.birthDate,
        sex: p.sex,
        address,
        phone: p.phone,
        ...(p.kind === 'unknown'
          ? {
              employerName: `株式会社なかの商事 第${n}営業所`,
              ...(n % 2 === 0
                ? { relationship: 'self' }
                : { relationship: 'family', insuredPersonName: `${p.name.split(' ')[0]} 太郎` }),
            }
          : {}),
      },
    };
  }
  if (base.terminal) v.terminal = { ...base.terminal, name: p.name, birthDate: p.birthDate, sex: p.sex };
  return v;
}

function seedMonth(store: Store): void {
  expect(store.setStaff([{ id: 'uketsuke-01', name: '受付 一郎', active: true }], SYSTEM_ACTOR).ok).toBe(true);
  expect(store.setSetting('clinic.name', CLINIC, SYSTEM_ACTOR).ok).toBe(true);
  expect(store.setSetting('clinic.institutionCode', '1312345679', SYSTEM_ACTOR).ok).toBe(true);
  PEOPLE.forEach((p, i) => {
    const r = store.saveVisit(visitOf(p, i + 1));
    if (!r.ok) throw new Error(`${p.name}: ${r.error.message}`);
  });
  // December: a ③ whose 申立書 has no 住所 and no 連絡先 (not claimable: the sheet lists why).
  const bare = visitOf(BARE, 50, '2026-12-02');
  bare.patient = { ...bare.patient, address: '', phone: '' };
  bare.evidence = {
    ...bare.evidence,
    declaration: { ...bare.evidence.declaration!, address: '', phone: '', employerName: '' },
  };
  const b = store.saveVisit(bare);
  if (!b.ok) throw new Error(b.error.message);
  // 木村 学 (カルテ番号 9) came twice: one block, two visits.
  const again = store.saveVisit(visitOf(PEOPLE[6]!, 40, '2026-11-27'));
  if (!again.ok) throw new Error(again.error.message);
}

/** pdftotext's layout text, each line's spacing collapsed, pages marked, the print time (which changes) masked. */
function normalizedPages(text: string): string {
  return text
    .split('\f')
    .filter((page) => page.trim() !== '')
    .map((page, n) => {
      const lines = page
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .filter((l) => l !== '')
        .map((l) => (l.startsWith('印刷日時') ? '印刷日時 (masked)' : l));
      return [`=== page ${n + 1} ===`, ...lines].join('\n');
    })
    .join('\n')
    .concat('\n');
}

let session: E2eSession;
const report = new ActionReport('input-sheet');

beforeAll(async () => {
  session = await startSession('input-sheet', { seed: seedMonth });
});

afterAll(async () => {
  await session?.close();
  report.write();
});

async function openSheet(month: string) {
  const { page, problems } = await openApp(session);
  await page.goto(`${session.app.host.url}#print=inputSheet&month=${month}`);
  await page.getByTestId('core-state').and(page.locator('[data-state="ready"]')).waitFor();
  const preview = page.getByRole('dialog', { name: strings.printing.previewTitle.inputSheet });
  await preview.waitFor();
  const sheet = preview.getByTestId('sheet-input-sheet');
  await sheet.waitFor();
  await expect.poll(async () => (await sheet.textContent()) ?? '').toContain(CLINIC); // clinic loaded
  return { page, problems, preview, sheet };
}

describe('レセコン入力票 (printed)', () => {
  it('prints the month by カルテ番号 on A4, patient blocks whole, header on every page, as the golden text', async () => {
    const { page, problems, sheet } = await openSheet('2026-11');
    const act = new Actions(page, 'input-sheet', report);
    expect(page.url()).not.toContain('#print'); // the link is used once
    const text = (await sheet.textContent()) ?? '';
    expect(text).toContain(s.count(PEOPLE.length, PEOPLE.length + 1));
    await act.shot('preview');
    await act.axe();

    const pdf = pdfInfo(await page.pdf({ format: 'A4' }));
    expect(Math.abs(pdf.widthPt - 595.28)).toBeLessThan(2);
    expect(Math.abs(pdf.heightPt - 841.89)).toBeLessThan(2);
    for (const f of pdf.fonts) expect(f).toMatch(/^Noto(Sans|Serif)CJKjp-/);
    const golden = normalizedPages(pdf.text);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, golden);
    }
    expect(pdf.pages).toBeGreaterThanOrEqual(2);
    const pages = pdf.text.split('\f').filter((p) => p.trim() !== '');
    expect(pages).toHaveLength(pdf.pages);
    const compact = (x: string) => x.normalize('NFKC').replace(/\s+/g, ''); // 摘要 is full-width
    // The header repeats; each patient's name, 連絡先 and every visit sit on one page (a block is never split).
    const running = compact(s.running(s.month('令和8年11月', '2026-11'), CLINIC));
    const withRows = pages.filter((p) => PEOPLE.some((person) => compact(p).includes(compact(person.name))));
    expect(withRows.length).toBeGreaterThanOrEqual(2);
    for (const p of withRows) {
      expect(compact(p)).toContain(running);
      expect(compact(p)).toContain(compact(`${s.patientId}${s.patient}${s.serviceDate}`));
      expect(compact(p)).toContain(compact(s.numbers));
    }
    const pageOf = (needle: string): number[] =>
      pages.flatMap((p, i) => (compact(p).includes(compact(needle)) ? [i] : []));
    for (const person of PEOPLE) {
      const at = pageOf(person.name);
      expect(at, person.name).toHaveLength(1);
      if (person.kind === 'unknown') expect(pageOf(person.phone), person.phone).toEqual(at);
    }
    expect(pageOf('11月27日')).toEqual(pageOf(PEOPLE[6]!.name)); // 木村 学's second visit stays in his block
    // カルテ番号 order: 3, 5, 7, 9, 12, …, 1001, then the patient without one.
    const order = PEOPLE.filter((p) => p.patientId !== '')
      .sort((a, b) => Number(a.patientId) - Number(b.patientId))
      .concat(PEOPLE.filter((p) => p.patientId === ''))
      .map((p) => compact(pdf.text).indexOf(compact(p.name)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(pdf.text).not.toContain(strings.printDo); // the toolbar does not print

    expect(golden).toBe(readFileSync(GOLDEN, 'utf8'));
    act.done();
    expect(problems).toEqual([]);
  });

  it('lists the visits that cannot be claimed yet instead of the rows; an empty month says so', async () => {
    const dec = await openSheet('2026-12');
    await dec.sheet.getByRole('alert').waitFor();
    const text = (await dec.sheet.textContent()) ?? '';
    expect(text).toContain(s.refused);
    expect(text).toContain(BARE.name);
    expect(text).toContain(BARE.patientId);
    expect(await dec.sheet.locator('tbody.patient-block').count()).toBe(0);
    await dec.page.close();

    const oct = await openSheet('2026-10');
    expect(await oct.sheet.textContent()).toContain(s.empty);
    expect(oct.problems).toEqual([]);
    await oct.page.close();
  });
});

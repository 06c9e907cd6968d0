// What a receptionist does, counted: every key pressed and every click (a select counts as two), in total and
// from the moment the wizard opens. Each spec file keeps one ActionReport and writes it to
// .tmp/actions/<report>.json after its run; `npm run bench` (bench/ui.ts) prints them beside the targets.
// Each counted step is also screenshotted (.tmp/screenshots/) and checked with axe (no serious or critical
// violations).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
export const OUT_DIR = join(root, '.tmp');
export const SHOT_DIR = join(OUT_DIR, 'screenshots');
export const ACTIONS_DIR = join(OUT_DIR, 'actions');

export interface ActionCounts {
  keystrokes: number;
  clicks: number;
  /** Characters typed that are digits (the numbers off a card): the 資格確認書 target is "≤ 12 plus the digits". */
  digits: number;
}

/** One wizard step change: keydown → DOM committed (`domMs`) and → the next animation frame (`frameMs`). */
export interface StepTransition {
  from: string;
  to: string;
  domMs: number;
  frameMs: number;
}

export interface PathActions extends ActionCounts {
  steps: string[];
  /** Step changes caused by Enter or a number key, timed in the page (bench/ui.ts prints them; never asserted). */
  transitions: StepTransition[];
  axe: number;
  /** Counted from the wizard's opening (the 「マイナ保険証で確認できない」 press excluded) to saved; null if never opened. */
  fromWizard: ActionCounts | null;
}

/** One spec file's counts, written once at the end of the file. */
export class ActionReport {
  readonly paths: Record<string, PathActions> = {};
  constructor(readonly name: string) {}
  write(): void {
    mkdirSync(ACTIONS_DIR, { recursive: true });
    writeFileSync(join(ACTIONS_DIR, `${this.name}.json`), `${JSON.stringify(this.paths, null, 2)}\n`);
  }
}

/** Axe on the page as it is: no serious or critical violation. Returns how many there were. */
export async function expectAccessible(page: Page): Promise<number> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  return serious.length;
}

export class Actions implements ActionCounts {
  keystrokes = 0;
  clicks = 0;
  digits = 0;
  steps: string[] = [];
  transitions: StepTransition[] = [];
  axeViolations = 0;
  private atWizard: ActionCounts | null = null;
  constructor(
    readonly page: Page,
    readonly name: string,
    readonly report: ActionReport,
  ) {
    mkdirSync(SHOT_DIR, { recursive: true });
  }
  async click(l: Locator): Promise<void> {
    await l.click();
    this.clicks++;
  }
  /** Types into a field; a click to focus it only when it does not already have the focus. */
  async type(l: Locator, text: string): Promise<void> {
    if (!(await l.evaluate((el) => el === document.activeElement))) await this.click(l);
    await l.pressSequentially(text);
    this.keystrokes += [...text].length;
    this.digits += [...text.normalize('NFKC')].filter((c) => c >= '0' && c <= '9').length;
  }
  async press(key: string): Promise<void> {
    const timed = (key === 'Enter' || /^[1-9]$/.test(key)) && (await armStepTiming(this.page));
    await this.page.keyboard.press(key);
    this.keystrokes++;
    if (timed) {
      const t = await this.page.evaluate(() => (window as StepTimingWindow).__stepTiming);
      if (t) this.transitions.push(t);
    }
  }
  async select(l: Locator, label: string): Promise<void> {
    await l.selectOption({ label });
    this.clicks += 2;
  }
  /** Marks the wizard's opening: counts from here are the "from the wizard start". */
  wizardOpened(): void {
    this.atWizard = { keystrokes: this.keystrokes, clicks: this.clicks, digits: this.digits };
  }
  /** Screenshot and axe check of the wizard step on screen; returns the step's name. */
  async step(): Promise<string> {
    const step = (await this.page.getByTestId('wizard').getAttribute('data-step')) ?? 'unknown';
    if (this.atWizard === null && this.steps.length === 0) this.wizardOpened();
    this.steps.push(step);
    await this.shot(step);
    await this.axe();
    return step;
  }
  /** A screenshot named after the path and the count of steps so far. */
  async shot(label: string): Promise<void> {
    await this.page.screenshot({
      path: join(SHOT_DIR, `${this.name}-${String(this.steps.length).padStart(2, '0')}-${label}.png`),
      fullPage: true,
    });
  }
  async axe(): Promise<void> {
    this.axeViolations += await expectAccessible(this.page);
  }
  done(): void {
    const at = this.atWizard;
    this.report.paths[this.name] = {
      keystrokes: this.keystrokes,
      clicks: this.clicks,
      digits: this.digits,
      steps: this.steps,
      transitions: this.transitions,
      axe: this.axeViolations,
      fromWizard: at && {
        keystrokes: this.keystrokes - at.keystrokes,
        clicks: this.clicks - at.clicks,
        digits: this.digits - at.digits,
      },
    };
  }
}

type StepTimingWindow = Window & { __stepTiming?: Promise<StepTransition | null> };

/**
 * When the wizard is on screen, arms a one-shot measurement in the page: the next keydown starts the clock, the
 * wizard's data-step changing stops the DOM clock, and the following animation frame stops the frame clock.
 * Resolves null when the key did not change the step (300 ms).
 */
async function armStepTiming(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const wizard = () => document.querySelector('[data-testid="wizard"]');
    const before = wizard()?.getAttribute('data-step');
    if (!before) return false;
    (window as StepTimingWindow).__stepTiming = new Promise((resolve) => {
      let t0 = -1;
      document.addEventListener('keydown', () => (t0 = performance.now()), { capture: true, once: true });
      const done = (value: StepTransition | null) => {
        observer.disconnect();
        clearTimeout(timer);
        resolve(value);
      };
      const observer = new MutationObserver(() => {
        const now = wizard()?.getAttribute('data-step');
        if (t0 < 0 || now === before) return;
        const dom = performance.now() - t0;
        observer.disconnect();
        requestAnimationFrame(() =>
          done({ from: before, to: now ?? 'closed', domMs: dom, frameMs: performance.now() - t0 }),
        );
      });
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-step'],
      });
      const timer = setTimeout(() => done(null), 300);
    });
    return true;
  });
}

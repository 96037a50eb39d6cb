import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR } from '../src/app/paths.js';
import { TEST_SERIES, TEST_STUDY_UID } from '../src/data/testStudies.js';
import { ARTIFACTS, startHarness, type Harness } from './harness.js';
import { READER_SERIES_UID, READER_STUDY_UID, uploadReaderStudy } from './readerStudyFixture.js';
import { TINY_SUPER_RESOLUTION } from './page.js';

/** The README's pictures of a trial and of the summary. */
// The mode README's screenshots are rewritten only on request (MEDDIFF_UPDATE_DOCS=1), so a test run leaves the tree clean.
const DOCS = process.env.MEDDIFF_UPDATE_DOCS === '1' ? join(APP_DIR, '..', '..', 'packages', 'ohif-mode', 'docs') : ARTIFACTS;
const STUDIES = `${TEST_STUDY_UID},${READER_STUDY_UID}`;
const PICKED = [TEST_SERIES.smallMr, READER_SERIES_UID];
const TRIALS = 4;
/** Super-resolution x2 of 32 x 32 slices (16 x 16 in), 10 DPM-Solver++ steps with the shipped tiny model: about 20 s a trial on CPU-emulated WebGPU. */
const TASK = 'super-resolve-2';
const STEPS = '10';

let h: Harness;
const writes: string[] = [];

async function openReaderStudy(page: Page): Promise<void> {
  await page.goto(`${h.viewer.url}/reader-study?StudyInstanceUIDs=${STUDIES}`);
  await page.waitForSelector('[data-testid="reader-panel"]', { timeout: 120_000 });
  const banner = page.locator('[data-cy="confirm-and-hide-button"]');
  if (await banner.isVisible().catch(() => false)) await banner.click();
  // Both studies' series are listed once their display sets exist.
  for (const uid of PICKED) await page.waitForSelector(`[data-testid="reader-series"][data-series="${uid}"]`, { timeout: 120_000 });
}

/** Reads one trial: waits for `trial` (its position text), then answers with `key`; returns the trial index shown. */
async function answerWith(page: Page, position: number, key: string, lookMs = 0): Promise<number> {
  const view = page.locator('[data-testid="reader-trial"]');
  await page.waitForFunction((p) => document.querySelector('[data-testid="reader-trial-position"]')?.textContent?.startsWith(`Trial ${p} of`), position, { timeout: 30_000 });
  const index = Number(await view.getAttribute('data-trial'));
  if (lookMs) await page.waitForTimeout(lookMs);
  await page.keyboard.press(key);
  return index;
}

/** Exact two-sided binomial test against 1/2, written out: P(X <= min(k, n-k)) doubled (the distribution is symmetric). */
function binomialP(k: number, n: number): number {
  const m = Math.min(k, n - k);
  if (2 * m === n) return 1;
  let c = 1;
  let tail = 0;
  for (let i = 0; i <= m; i++) {
    tail += c / 2 ** n;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, 2 * tail);
}
function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const w = (z / d) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, c - w), Math.min(1, c + w)];
}

type Row = Record<string, string>;
function parseCsv(text: string): Row[] {
  const [header, ...lines] = text.trim().split('\r\n');
  const cols = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

type SummaryRow = { reader: string; correct: number; trials: number; accuracy: number; low: number; high: number; p: number };
async function summaryRows(page: Page): Promise<SummaryRow[]> {
  return page.$$eval('[data-testid="reader-summary-row"], [data-testid="reader-summary-pooled"]', (rows) =>
    rows.map((r) => {
      const d = (r as HTMLElement).dataset;
      return { reader: d['reader']!, correct: Number(d['correct']), trials: Number(d['trials']), accuracy: Number(d['accuracy']), low: Number(d['ciLow']), high: Number(d['ciHigh']), p: Number(d['p']) };
    }),
  );
}

beforeAll(async () => {
  h = await startHarness();
  await uploadReaderStudy(h.orthanc.url);
  mkdirSync(DOCS, { recursive: true });
  // Nothing may leave the browser: no request but reads (GET, HEAD) while the study runs.
  h.page.on('request', (r) => {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(r.method())) writes.push(`${r.method()} ${r.url()}`);
  });
}, 300_000);
afterAll(async () => {
  await h?.close();
});

describe('the reader study mode (two-alternative forced choice)', () => {
  const pressed: Record<string, { trial: number; key: string }[]> = { alice: [], bob: [] };
  let csv = '';

  it('a coordinator prepares 4 seeded trials from two studies through the worker', async () => {
    const t0 = Date.now();
    await openReaderStudy(h.page);
    // Colour images are not offered: the models take grey slices.
    expect(await h.page.locator(`[data-testid="reader-series"][data-series="${TEST_SERIES.colour}"]`).count()).toBe(0);
    for (const box of await h.page.$$('[data-testid="reader-series"]')) {
      const uid = await box.getAttribute('data-series');
      if (PICKED.includes(uid!) !== (await box.isChecked())) await box.click();
    }
    await h.page.selectOption('[data-testid="reader-task"]', TASK);
    await h.page.selectOption('[data-testid="reader-model"]', TINY_SUPER_RESOLUTION);
    await h.page.fill('[data-testid="reader-trials"]', String(TRIALS));
    await h.page.fill('[data-testid="reader-seed"]', '7');
    await h.page.fill('[data-testid="reader-steps"]', STEPS);
    await h.page.click('[data-testid="reader-prepare"]');
    await h.page.waitForFunction((n) => document.querySelector('[data-testid="reader-study-info"]')?.getAttribute('data-prepared') === String(n) || !!document.querySelector('[data-testid="reader-error"]'), TRIALS, { timeout: 480_000 });
    expect(await h.page.locator('[data-testid="reader-error"]').count()).toBe(0);
    expect(await h.page.getAttribute('[data-testid="reader-panel"]', 'data-status')).toBe('idle');
    console.log(`reader study: ${TRIALS} trials prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s (page load included)`);
  });

  it('a reader answers with the keyboard, pauses, reloads the page and resumes where they were', async () => {
    await h.page.fill('[data-testid="reader-id"]', 'alice');
    await h.page.click('[data-testid="reader-start"]');
    pressed.alice!.push({ trial: await answerWith(h.page, 1, 'ArrowLeft', 400), key: 'ArrowLeft' });
    await h.page.waitForFunction(() => document.querySelector('[data-testid="reader-trial-position"]')?.textContent?.startsWith('Trial 2 of'));
    await h.page.waitForTimeout(300);
    await h.page.screenshot({ path: join(DOCS, 'reader-study-trial.png') });
    pressed.alice!.push({ trial: await answerWith(h.page, 2, '2'), key: '2' });
    await h.page.waitForFunction(() => document.querySelector('[data-testid="reader-trial-position"]')?.textContent?.startsWith('Trial 3 of'));
    await h.page.keyboard.press('Escape');
    await h.page.waitForSelector('[data-testid="reader-trial"]', { state: 'detached' });
    expect(await h.page.getAttribute('[data-testid="reader-panel"]', 'data-status')).toBe('paused');

    await h.page.reload();
    await openReaderStudy(h.page);
    await h.page.waitForSelector(`[data-testid="reader-study-info"][data-prepared="${TRIALS}"]`, { timeout: 60_000 });
    await h.page.fill('[data-testid="reader-id"]', 'alice');
    expect(await h.page.textContent('[data-testid="reader-start"]')).toBe(`Resume (2 of ${TRIALS} answered)`);
    await h.page.click('[data-testid="reader-start"]');
    pressed.alice!.push({ trial: await answerWith(h.page, 3, 'ArrowRight'), key: 'ArrowRight' });
    pressed.alice!.push({ trial: await answerWith(h.page, 4, '1'), key: '1' });
    await h.page.waitForSelector('[data-testid="reader-finished"]');
    expect(pressed.alice!.map((p) => p.trial).sort()).toEqual([0, 1, 2, 3]);
  });

  it('a second reader on the same machine keeps a separate record', async () => {
    await h.page.fill('[data-testid="reader-id"]', 'bob');
    expect(await h.page.textContent('[data-testid="reader-start"]')).toBe('Start reading');
    await h.page.click('[data-testid="reader-start"]');
    for (const [i, key] of ['1', '1', 'ArrowRight', 'ArrowRight'].entries()) pressed.bob!.push({ trial: await answerWith(h.page, i + 1, key), key });
    await h.page.waitForSelector('[data-testid="reader-finished"]');
    await h.page.locator('[data-testid="reader-results"]').scrollIntoViewIfNeeded();
    await h.page.waitForTimeout(300);
    await h.page.screenshot({ path: join(DOCS, 'reader-study-summary.png') });
  });

  it('the exported CSV has one row per answer, and the summary is what its rows give', async () => {
    const [download] = await Promise.all([h.page.waitForEvent('download'), h.page.click('[data-testid="reader-export-csv"]')]);
    csv = readFileSync((await download.path())!, 'utf8');
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2 * TRIALS);
    const side = (key: string) => (key === 'ArrowLeft' || key === '1' ? 'left' : 'right');
    for (const reader of ['alice', 'bob']) {
      const mine = rows.filter((r) => r['reader'] === reader);
      expect(mine.map((r) => Number(r['trial'])).sort()).toEqual([0, 1, 2, 3]);
      for (const { trial, key } of pressed[reader]!) {
        const r = mine.find((x) => Number(x['trial']) === trial)!;
        expect(r['choice'], `${reader} trial ${trial}`).toBe(side(key));
        expect(r['correct']).toBe(String(r['choice'] === r['real_side']));
        expect(PICKED).toContain(r['series_instance_uid']);
        expect(r['task']).toBe(TASK);
        expect(Number(r['time_ms'])).toBeGreaterThan(0);
      }
    }
    // The trial alice looked at for 400 ms took at least that long.
    expect(Number(rows.find((r) => r['reader'] === 'alice' && Number(r['trial']) === pressed.alice![0]!.trial)!['time_ms'])).toBeGreaterThanOrEqual(400);
    // The real side was balanced by the plan: each trial has one, the same for both readers.
    const sides = [0, 1, 2, 3].map((t) => rows.filter((r) => Number(r['trial']) === t).map((r) => r['real_side']));
    for (const s of sides) expect(new Set(s).size).toBe(1);
    expect(sides.filter((s) => s[0] === 'left')).toHaveLength(2);

    const shown = await summaryRows(h.page);
    const expected = (reader: string, rs: Row[]) => {
      const k = rs.filter((r) => r['correct'] === 'true').length;
      const [low, high] = wilson(k, rs.length);
      return { reader, correct: k, trials: rs.length, accuracy: k / rs.length, low, high, p: binomialP(k, rs.length) };
    };
    const want = [expected('alice', rows.filter((r) => r['reader'] === 'alice')), expected('bob', rows.filter((r) => r['reader'] === 'bob')), expected('all readers', rows)];
    expect(shown.map((r) => [r.reader, r.correct, r.trials])).toEqual(want.map((r) => [r.reader, r.correct, r.trials]));
    for (const [i, w] of want.entries()) {
      for (const key of ['accuracy', 'low', 'high', 'p'] as const) expect(shown[i]![key], `${w.reader} ${key}`).toBeCloseTo(w[key], 9);
    }
    console.log(`reader study summary: ${shown.map((r) => `${r.reader} ${r.correct}/${r.trials} (${(100 * r.low).toFixed(0)}-${(100 * r.high).toFixed(0)} %, p ${r.p.toFixed(3)})`).join('; ')}`);
    expect(writes).toEqual([]);
  });

  it('another browser imports the CSV and shows the same summary', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await openReaderStudy(page);
    await page.setInputFiles('[data-testid="reader-import"]', { name: 'answers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('[data-testid="reader-import-message"]');
    expect(await page.textContent('[data-testid="reader-import-message"]')).toBe('Imported 8 answers from answers.csv.');
    expect(await summaryRows(page)).toEqual(await summaryRows(h.page));
    await page.setInputFiles('[data-testid="reader-import"]', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace(',left,', ',up,')) });
    await page.waitForFunction(() => document.querySelector('[data-testid="reader-import-message"]')?.textContent?.startsWith('broken.csv was not imported'));
    expect(await page.textContent('[data-testid="reader-import-message"]')).toMatch(/line \d+: (real_side|choice) must be one of left, right, got "up"/);
    await page.screenshot({ path: join(ARTIFACTS, 'reader-study-imported.png') });
    await context.close();
  });
});

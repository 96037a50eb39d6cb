import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './harness.js';

/** What the extension's getState command returns (the parts the tests read). */
export interface PanelState {
  status: string;
  outcome?: string;
  error?: { code: string; message: string };
  backend?: { backend: string; summary: string; unavailable: { backend: string; reason: string }[] };
  modelStatus: string;
  modelUrl?: string;
  progress?: { done: number; total: number; slice?: number; slices?: number };
  card?: { name: string; family?: string; modalities?: { sources: string[]; targets: string[] } };
  sources?: { candidates: { displaySetInstanceUID: string; seriesInstanceUID: string; label: string }[]; picks: Record<string, string>; check?: { ok: boolean; message: string } };
  results: { id: number; label: string; storage: string; storeError?: string; rows: number; columns: number; series: { seriesInstanceUID: string; studyInstanceUID: string; sopInstanceUIDs: string[] }[]; displaySetInstanceUIDs: string[] }[];
}

type Win = {
  commandsManager: { runCommand(name: string, o?: unknown): Promise<unknown> };
  services: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  cornerstone: any; // eslint-disable-line @typescript-eslint/no-explicit-any
};

export const panelState = (page: Page) => page.evaluate(() => (window as unknown as Win).commandsManager.runCommand('meddiff.getState')) as Promise<PanelState>;

export async function waitForPanel(page: Page, check: (s: PanelState) => boolean, what: string, timeoutMs = 240_000): Promise<PanelState> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await panelState(page).catch(() => undefined);
    if (s && check(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; panel state: ${JSON.stringify(s)}`);
    await page.waitForTimeout(200);
  }
}

/** Opens a study in the Diffusion tools mode and waits for the panel, the model and the first image. */
export async function openStudy(page: Page, base: string, studyUID: string): Promise<PanelState> {
  await page.goto(`${base}/diffusion?StudyInstanceUIDs=${studyUID}`);
  await page.waitForSelector('[data-testid="meddiff-panel"]', { timeout: 120_000 });
  // OHIF's investigational-use banner covers the bottom of the page until confirmed.
  const banner = page.locator('[data-cy="confirm-and-hide-button"]');
  if (await banner.isVisible().catch(() => false)) await banner.click();
  await page.waitForFunction(
    () => {
      const w = window as unknown as Win;
      const vp = w.services?.cornerstoneViewportService?.getCornerstoneViewport('default');
      const id = vp?.getCurrentImageId?.();
      return !!id && !!w.cornerstone?.cache?.getImage(id);
    },
    undefined,
    { timeout: 120_000 },
  );
  return waitForPanel(page, (s) => s.modelStatus !== 'loading' && s.modelStatus !== 'none' && (!!s.backend || s.error !== undefined), 'the model and backend');
}

/** Shows a series (by SeriesInstanceUID) in a viewport and makes that viewport active. */
export async function showSeries(page: Page, seriesInstanceUID: string, viewportId = 'default'): Promise<void> {
  await page.evaluate(
    async ({ seriesInstanceUID, viewportId }) => {
      const w = window as unknown as Win;
      const ds = w.services.displaySetService.getActiveDisplaySets().find((d: { SeriesInstanceUID: string }) => d.SeriesInstanceUID === seriesInstanceUID);
      if (!ds) throw new Error(`no display set for series ${seriesInstanceUID}`);
      await w.services.viewportGridService.setDisplaySetsForViewports([{ viewportId, displaySetInstanceUIDs: [ds.displaySetInstanceUID] }]);
      w.services.viewportGridService.setActiveViewportId(viewportId);
    },
    { seriesInstanceUID, viewportId },
  );
  await page.waitForFunction(
    ({ seriesInstanceUID, viewportId }) => {
      const w = window as unknown as Win;
      const grid = w.services.viewportGridService.getState();
      const uid = grid.viewports.get(viewportId)?.displaySetInstanceUIDs?.[0];
      const ds = uid && w.services.displaySetService.getDisplaySetByUID(uid);
      return grid.activeViewportId === viewportId && ds?.SeriesInstanceUID === seriesInstanceUID;
    },
    { seriesInstanceUID, viewportId },
    { timeout: 30_000 },
  );
}

/**
 * The shipped tiny super-resolution model, which the tests choose over the default (the small one,
 * about 25 times the work per pixel): on CPU-emulated WebGPU it keeps a run to seconds.
 */
export const TINY_SUPER_RESOLUTION = '/models/med-cdiff-super-resolution-tiny/';

/** Chooses a task in the panel and, for super-resolution, the tiny model; waits until the model is ready. */
export async function chooseTask(page: Page, task: 'sr2' | 'sr4' | 'denoise' | 'inpaint'): Promise<void> {
  await page.selectOption('[data-testid="meddiff-task"]', task);
  if (task !== 'sr2' && task !== 'sr4') return;
  await page.selectOption('[data-testid="meddiff-model"]', TINY_SUPER_RESOLUTION);
  await waitForPanel(page, (s) => s.modelUrl === TINY_SUPER_RESOLUTION && s.modelStatus === 'ready', 'the tiny super-resolution model');
}

/** Chooses a task and settings in the panel's controls and clicks Run. */
export async function runFromPanel(page: Page, task: 'sr2' | 'sr4' | 'denoise' | 'inpaint', steps: number, sampler = 'dpm-solver'): Promise<void> {
  await chooseTask(page, task);
  await page.selectOption('[data-testid="meddiff-sampler"]', sampler);
  await page.fill('[data-testid="meddiff-steps"]', String(steps));
  await page.click('[data-testid="meddiff-run"]');
}

export interface PixelStats {
  rows: number;
  columns: number;
  n: number;
  finite: boolean;
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** Modality values of the image a viewport shows, read from cornerstone's cache (rescale applied once). */
export async function viewportPixels(page: Page, viewportId: string): Promise<{ rows: number; columns: number; values: number[]; imageId: string }> {
  return page.evaluate((viewportId) => {
    const w = window as unknown as Win;
    const vp = w.services.cornerstoneViewportService.getCornerstoneViewport(viewportId);
    const imageId = vp.getCurrentImageId();
    const img = w.cornerstone.cache.getImage(imageId);
    const raw = img.voxelManager?.getScalarData() ?? img.getPixelData();
    const scaled = !!img.preScale?.scaled;
    const values = Array.from(raw as ArrayLike<number>, (v) => (scaled ? v : v * (img.slope ?? 1) + (img.intercept ?? 0)));
    return { rows: img.rows, columns: img.columns, values, imageId };
  }, viewportId);
}

export function stats(rows: number, columns: number, values: number[]): PixelStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { rows, columns, n, finite: values.every(Number.isFinite), min: Math.min(...values), max: Math.max(...values), mean, std };
}

/** Luminance statistics of what a viewport's canvas shows. */
export async function canvasStats(page: Page, viewportId: string): Promise<{ width: number; height: number; nonBlack: number; std: number }> {
  return page.evaluate((viewportId) => {
    const el = document.querySelector(`[data-viewportid="${viewportId}"] canvas.cornerstone-canvas`) as HTMLCanvasElement | null;
    if (!el) throw new Error(`no canvas for viewport ${viewportId}`);
    const ctx = el.getContext('2d');
    if (!ctx) throw new Error('the viewport canvas has no 2d context');
    const { data, width, height } = ctx.getImageData(0, 0, el.width, el.height);
    let nonBlack = 0;
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < data.length; i += 4) {
      const l = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      if (l > 10) nonBlack++;
      sum += l;
      sum2 += l * l;
    }
    const n = width * height;
    return { width, height, nonBlack: nonBlack / n, std: Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2)) };
  }, viewportId);
}

/** The share of a viewport's canvas pixels drawn in colour (channels more than 40 of 255 apart), and whether cornerstone decoded a colour image. */
export async function canvasColour(page: Page, viewportId: string): Promise<{ coloured: number; colorImage: boolean }> {
  return page.evaluate((viewportId) => {
    const w = window as unknown as Win;
    const el = document.querySelector(`[data-viewportid="${viewportId}"] canvas.cornerstone-canvas`) as HTMLCanvasElement | null;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) throw new Error(`no 2d canvas for viewport ${viewportId}`);
    const { data } = ctx.getImageData(0, 0, el.width, el.height);
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) - Math.min(data[i]!, data[i + 1]!, data[i + 2]!) > 40) coloured++;
    const vp = w.services.cornerstoneViewportService.getCornerstoneViewport(viewportId);
    const img = w.cornerstone.cache.getImage(vp.getCurrentImageId());
    return { coloured: coloured / (data.length / 4), colorImage: img?.color === true };
  }, viewportId);
}

/** The viewport (other than `exclude`) showing a display set of the given series, once the grid shows it. */
export async function viewportShowing(page: Page, seriesInstanceUID: string): Promise<string> {
  const handle = await page.waitForFunction(
    (seriesInstanceUID) => {
      const w = window as unknown as Win;
      for (const v of w.services.viewportGridService.getState().viewports.values()) {
        const ds = v.displaySetInstanceUIDs?.[0] && w.services.displaySetService.getDisplaySetByUID(v.displaySetInstanceUIDs[0]);
        const vp = w.services.cornerstoneViewportService.getCornerstoneViewport(v.viewportId);
        const id = vp?.getCurrentImageId?.();
        if (ds?.SeriesInstanceUID === seriesInstanceUID && id && w.cornerstone.cache.getImage(id)) return v.viewportId;
      }
      return null;
    },
    seriesInstanceUID,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as string;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function expectNonTrivial(s: PixelStats): void {
  expect(s.finite).toBe(true);
  expect(s.std).toBeGreaterThan(0);
  expect(s.max).toBeGreaterThan(s.min);
}

/**
 * Modality values of the slice of another series at the position of `imageId`'s slice (same
 * ImagePositionPatient), loaded through cornerstone as the viewer loads images.
 */
export async function slicePixels(page: Page, seriesInstanceUID: string, imageId: string): Promise<number[]> {
  return page.evaluate(
    async ({ seriesInstanceUID, imageId }) => {
      const w = window as unknown as Win;
      const position = (w.cornerstone.metaData.get('imagePlaneModule', imageId) as { imagePositionPatient: number[] }).imagePositionPatient;
      const ds = w.services.displaySetService.getActiveDisplaySets().find((d: { SeriesInstanceUID: string }) => d.SeriesInstanceUID === seriesInstanceUID);
      const instance = ds.instances.find((i: { ImagePositionPatient: number[] }) => i.ImagePositionPatient.every((v, k) => Math.abs(v - position[k]!) < 1e-3));
      if (!instance) throw new Error(`series ${seriesInstanceUID} has no slice at ${position.join(', ')}`);
      const img = await w.cornerstone.imageLoader.loadAndCacheImage(instance.imageId);
      const raw = img.voxelManager?.getScalarData() ?? img.getPixelData();
      const scaled = !!img.preScale?.scaled;
      return Array.from(raw as ArrayLike<number>, (v) => (scaled ? v : v * (img.slope ?? 1) + (img.intercept ?? 0)));
    },
    { seriesInstanceUID, imageId },
  );
}

/** Pearson correlation of two equally long pixel lists. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`pearson: ${a.length} and ${b.length} values`);
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

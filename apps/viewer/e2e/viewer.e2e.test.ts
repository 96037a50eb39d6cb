import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { SHIFTED_T2_MM, SMALL_MR_SIZE, TEST_SERIES, TEST_STUDY_UID } from '../src/data/testStudies.js';
import { CHROMIUM, chromiumArgs, startHarness, type Harness } from './harness.js';
import { canvasStats, expectNonTrivial, openStudy, panelState, pearson, slicePixels, runFromPanel, screenshot, showSeries, stats, viewportPixels, viewportShowing, waitForPanel, type PanelState } from './page.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** Series of the test study as Orthanc holds them: SeriesInstanceUID -> Rows of its first instance. */
async function orthancSeries(): Promise<string[]> {
  const r = await fetch(`${h.orthanc.url}/dicom-web/studies/${TEST_STUDY_UID}/series`);
  const rows = (await r.json()) as Record<string, { Value?: string[] }>[];
  return rows.map((s) => s['0020000E']!.Value![0]!).sort();
}

async function orthancRows(studyUID: string, seriesUID: string): Promise<[number, number]> {
  const meta = (await (await fetch(`${h.orthanc.url}/dicom-web/studies/${studyUID}/series/${seriesUID}/metadata`)).json()) as Record<string, { Value?: number[] }>[];
  return [meta[0]!['00280010']!.Value![0]!, meta[0]!['00280011']!.Value![0]!];
}

/** A run that started after `before` results has ended: a new result, or a failure or cancellation. */
const done = (before: number) => (s: PanelState) => s.status === 'idle' && (s.results.length > before || s.outcome === 'failed' || s.outcome === 'cancelled');

describe('the viewer with the Diffusion tools, against Orthanc, in Chromium with WebGPU', () => {
  it('opens a study in the Diffusion tools mode and runs the models on WebGPU', async () => {
    const s = await openStudy(h.page, h.viewer.url, TEST_STUDY_UID);
    expect(s.modelStatus).toBe('ready');
    expect(s.backend?.backend).toBe('webgpu');
    expect(await h.page.getAttribute('[data-testid="meddiff-backend"]', 'data-backend')).toBe('webgpu');
    expect(await h.page.textContent('[data-testid="meddiff-model-card"]')).toMatch(/Intended use:.*not for diagnosis.*Weights: version 0\.1\.0, licence Apache-2\.0.*Trained for: CT, MR slices/);
    // The tools are in the toolbar.
    expect(await h.page.locator('[data-cy="MedDiffTools-split-button-primary"]').count()).toBe(1);
    await screenshot(h.page, 'opened');
  });

  it('super-resolves a slice x2 into a new series of twice the size with non-trivial pixels, shown beside its source', async () => {
    await showSeries(h.page, TEST_SERIES.smallMr);
    await runFromPanel(h.page, 'sr2', 2);
    const s = await waitForPanel(h.page, done(0), 'super-resolution');
    expect(s.error).toBeUndefined();
    expect(s.outcome).toBe('done');
    const result = s.results[0]!;
    expect([result.rows, result.columns]).toEqual([2 * SMALL_MR_SIZE, 2 * SMALL_MR_SIZE]);
    expect(result.series[0]!.studyInstanceUID).toBe(TEST_STUDY_UID);
    const vp = await viewportShowing(h.page, result.series[0]!.seriesInstanceUID);
    expect(vp).not.toBe('default');
    const px = await viewportPixels(h.page, vp);
    expect([px.rows, px.columns]).toEqual([64, 64]);
    const st = stats(px.rows, px.columns, px.values);
    expectNonTrivial(st);
    const canvas = await canvasStats(h.page, vp);
    expect(canvas.nonBlack).toBeGreaterThan(0.05);
    expect(canvas.std).toBeGreaterThan(5);
    // Nothing went to the PACS: results stay in the browser until stored.
    expect(await orthancSeries()).not.toContain(result.series[0]!.seriesInstanceUID);
    await screenshot(h.page, 'super-resolve-x2');
  });

  it('inpaints a rectangle drawn on the slice: only pixels inside it change', async () => {
    await showSeries(h.page, TEST_SERIES.smallMr);
    await h.page.evaluate(() => (window as any).commandsManager.runCommand('setToolActiveToolbar', { toolName: 'RectangleROI', toolGroupIds: ['default'] })); // eslint-disable-line @typescript-eslint/no-explicit-any
    const box = (await h.page.locator('[data-viewportid="default"] canvas.cornerstone-canvas').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const side = Math.min(box.width, box.height);
    const from = [cx - side * 0.2, cy - side * 0.15] as const;
    const to = [cx + side * 0.05, cy + side * 0.1] as const;
    await h.page.mouse.move(from[0], from[1]);
    await h.page.mouse.down();
    await h.page.mouse.move(cx, cy, { steps: 5 });
    await h.page.mouse.move(to[0], to[1], { steps: 5 });
    await h.page.mouse.up();
    // Where the drag landed, in pixel indices: canvas -> patient coordinates by the viewport, then
    // patient -> pixel by the image plane (DICOM PS3.3 C.7.6.2.1.1), independently of the extension.
    const plane = await h.page.evaluate(
      ({ points }) => {
        const w = window as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        const vp = w.services.cornerstoneViewportService.getCornerstoneViewport('default');
        const inst = w.cornerstone.metaData.get('instance', vp.getCurrentImageId());
        return { world: points.map((p: number[]) => vp.canvasToWorld(p)), ipp: inst.ImagePositionPatient.map(Number), iop: inst.ImageOrientationPatient.map(Number), ps: inst.PixelSpacing.map(Number) };
      },
      { points: [[from[0] - box.x, from[1] - box.y], [to[0] - box.x, to[1] - box.y]] },
    );
    const toPixel = (p: number[]) => {
      const d = [0, 1, 2].map((k) => p[k]! - plane.ipp[k]!);
      return [(d[0]! * plane.iop[0] + d[1]! * plane.iop[1] + d[2]! * plane.iop[2]) / plane.ps[1], (d[0]! * plane.iop[3] + d[1]! * plane.iop[4] + d[2]! * plane.iop[5]) / plane.ps[0]] as const;
    };
    const [a, b2] = plane.world.map(toPixel) as [readonly [number, number], readonly [number, number]];
    const expected = { i0: Math.ceil(Math.min(a[0], b2[0])), i1: Math.floor(Math.max(a[0], b2[0])), j0: Math.ceil(Math.min(a[1], b2[1])), j1: Math.floor(Math.max(a[1], b2[1])) };
    const source = await viewportPixels(h.page, 'default');
    await runFromPanel(h.page, 'inpaint', 2);
    const s = await waitForPanel(h.page, done(1), 'inpainting');
    expect(s.error).toBeUndefined();
    const result = s.results[1]!;
    expect([result.rows, result.columns]).toEqual([SMALL_MR_SIZE, SMALL_MR_SIZE]);
    const out = await viewportPixels(h.page, await viewportShowing(h.page, result.series[0]!.seriesInstanceUID));
    const range = Math.max(...source.values) - Math.min(...source.values);
    // Both images are stored as 16-bit integers with their own rescale: equal up to one step of either.
    const tolerance = 2e-3 * range;
    let inside = 0;
    let changedInside = 0;
    const changedOutside: number[] = [];
    out.values.forEach((v, k) => {
      const i = k % SMALL_MR_SIZE;
      const j = Math.floor(k / SMALL_MR_SIZE);
      const isInside = i >= expected.i0 && i <= expected.i1 && j >= expected.j0 && j <= expected.j1;
      const changed = Math.abs(v - source.values[k]!) > tolerance;
      if (isInside) {
        inside++;
        if (changed) changedInside++;
      } else if (changed) changedOutside.push(k);
    });
    expect(inside).toBeGreaterThan(9);
    expect(inside).toBeLessThan(0.3 * SMALL_MR_SIZE * SMALL_MR_SIZE);
    expect(changedOutside).toEqual([]);
    expect(changedInside).toBeGreaterThan(0.5 * inside);
    await screenshot(h.page, 'inpaint-rectangle');
  });

  it('inpaints the active segment of a labelmap: exactly its pixels change', async () => {
    await showSeries(h.page, TEST_SERIES.smallMr);
    const n = (await panelState(h.page)).results.length;
    // A labelmap made with OHIF's own command; segment 1 painted over a cross-shaped region of this slice.
    const painted = await h.page.evaluate(async (size) => {
      const w = window as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const segmentationId = await w.commandsManager.runCommand('createLabelmapForViewport', { viewportId: 'default' });
      const deadline = Date.now() + 10_000;
      let ids: string[] = [];
      const imageId = w.services.cornerstoneViewportService.getCornerstoneViewport('default').getCurrentImageId();
      while (!ids.length && Date.now() < deadline) {
        ids = w.cornerstoneTools.segmentation.getLabelmapImageIdsForImageId(imageId, segmentationId) ?? [];
        if (!ids.length) await new Promise((r) => setTimeout(r, 100));
      }
      const labels = w.cornerstone.cache.getImage(ids[0]).voxelManager.getScalarData();
      const cells: number[] = [];
      for (let j = 18; j < 26; j++) for (let i = 20; i < 23; i++) cells.push(j * size + i);
      for (let i = 16; i < 27; i++) cells.push(21 * size + i);
      for (const k of cells) labels[k] = 1;
      return { cells: [...new Set(cells)], segment: w.services.segmentationService.getActiveSegment('default')?.segmentIndex };
    }, SMALL_MR_SIZE);
    expect(painted.segment).toBe(1);
    const source = await viewportPixels(h.page, 'default');
    await runFromPanel(h.page, 'inpaint', 2);
    const s = await waitForPanel(h.page, done(n), 'inpainting a segment');
    expect(s.error).toBeUndefined();
    const out = await viewportPixels(h.page, await viewportShowing(h.page, s.results[n]!.series[0]!.seriesInstanceUID));
    const tolerance = 2e-3 * (Math.max(...source.values) - Math.min(...source.values));
    const changed = out.values.flatMap((v, k) => (Math.abs(v - source.values[k]!) > tolerance ? [k] : []));
    const inSegment = new Set(painted.cells);
    expect(changed.filter((k) => !inSegment.has(k))).toEqual([]);
    expect(changed.length).toBeGreaterThan(0.5 * inSegment.size);
    await screenshot(h.page, 'inpaint-segment');
  });

  it('cancels a run midway: the viewer stays usable and nothing is written', async () => {
    await showSeries(h.page, TEST_SERIES.smallMr);
    const before = await panelState(h.page);
    const seriesBefore = await orthancSeries();
    const displaySetsBefore = await h.page.evaluate(() => (window as any).services.displaySetService.getActiveDisplaySets().length); // eslint-disable-line @typescript-eslint/no-explicit-any
    await runFromPanel(h.page, 'denoise', 400, 'ddpm');
    const first = await waitForPanel(h.page, (s) => s.status === 'running' && (s.progress?.done ?? 0) >= 1, 'the first steps');
    // While the model runs in its worker, the page keeps rendering: progress advances and the viewer answers.
    const later = await waitForPanel(h.page, (s) => (s.progress?.done ?? 0) > first.progress!.done, 'more progress');
    expect(later.status).toBe('running');
    const frames = await h.page.evaluate(() => new Promise<number>((resolve) => {
      let n = 0;
      const end = performance.now() + 1000;
      const tick = () => (performance.now() < end ? (n++, requestAnimationFrame(tick)) : resolve(n));
      requestAnimationFrame(tick);
    }));
    console.log(`animation frames during 1 s of inference: ${frames}`);
    expect(frames).toBeGreaterThan(0);
    await h.page.click('[data-testid="meddiff-cancel"]');
    const s = await waitForPanel(h.page, (x) => x.status === 'idle' && x.outcome === 'cancelled', 'the cancellation');
    expect(s.progress!.done).toBeLessThan(s.progress!.total);
    expect(s.error).toBeUndefined();
    expect(s.results).toHaveLength(before.results.length);
    expect(await h.page.textContent('[data-testid="meddiff-progress"]')).toMatch(/Cancelled; nothing was written/);
    expect(await h.page.evaluate(() => (window as any).services.displaySetService.getActiveDisplaySets().length)).toBe(displaySetsBefore); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(await orthancSeries()).toEqual(seriesBefore);
    // Still usable: scroll the series and run again.
    await h.page.evaluate(() => (window as any).commandsManager.runCommand('nextImage')); // eslint-disable-line @typescript-eslint/no-explicit-any
    await runFromPanel(h.page, 'denoise', 1);
    const again = await waitForPanel(h.page, done(before.results.length), 'a run after the cancellation');
    expect(again.outcome).toBe('done');
  });

  it('stores a result to Orthanc by STOW-RS and finds it again after a reload', async () => {
    const sr = (await panelState(h.page)).results[0]!;
    await h.page.click(`[data-testid="meddiff-store-${sr.id}"]`);
    await waitForPanel(h.page, (s) => s.results.find((r) => r.id === sr.id)?.storage === 'stored', 'the store');
    const seriesUID = sr.series[0]!.seriesInstanceUID;
    expect(await orthancSeries()).toContain(seriesUID);
    expect(await orthancRows(TEST_STUDY_UID, seriesUID)).toEqual([64, 64]);
    await openStudy(h.page, h.viewer.url, TEST_STUDY_UID);
    const found = await h.page.waitForFunction(
      (uid) => (window as any).services.displaySetService.getActiveDisplaySets().find((d: any) => d.SeriesInstanceUID === uid)?.SeriesDescription, // eslint-disable-line @typescript-eslint/no-explicit-any
      seriesUID,
      { timeout: 60_000 },
    );
    expect(await found.jsonValue()).toMatch(/^RESEARCH ONLY SR x2/);
    await showSeries(h.page, seriesUID);
    const px = await viewportPixels(h.page, 'default');
    expect([px.rows, px.columns]).toEqual([64, 64]);
    expectNonTrivial(stats(px.rows, px.columns, px.values));
    await screenshot(h.page, 'stored-and-reloaded');
  });

  it('keeps a result when the store fails and stores it on retry', async () => {
    await showSeries(h.page, TEST_SERIES.smallMr);
    const n = (await panelState(h.page)).results.length;
    await runFromPanel(h.page, 'denoise', 1);
    const s = await waitForPanel(h.page, done(n), 'a denoising run');
    const result = s.results[n]!;
    await h.stopOrthanc();
    try {
      await h.page.click(`[data-testid="meddiff-store-${result.id}"]`);
      const failed = await waitForPanel(h.page, (x) => x.results[n]?.storage === 'failed', 'the failed store');
      expect(failed.results[n]!.storeError).toMatch(/kept in this browser; use Retry/);
      expect(await h.page.textContent(`[data-testid="meddiff-store-${result.id}"]`)).toBe('Retry store');
      // The result is still registered and shown.
      await viewportShowing(h.page, result.series[0]!.seriesInstanceUID);
    } finally {
      await h.restartOrthanc();
    }
    await h.page.click(`[data-testid="meddiff-store-${result.id}"]`);
    await waitForPanel(h.page, (x) => x.results[n]?.storage === 'stored', 'the retried store');
    expect(await orthancSeries()).toContain(result.series[0]!.seriesInstanceUID);
  });

  describe('bad input gives a clear message and nothing crashes', () => {
    it('a series that is not an image (PDF)', async () => {
      await showSeries(h.page, TEST_SERIES.pdf);
      await h.page.click('[data-testid="meddiff-run"]');
      const s = await waitForPanel(h.page, (x) => x.status === 'idle' && x.outcome === 'failed', 'the refusal');
      expect(s.error).toMatchObject({ code: 'NOT_AN_IMAGE', message: expect.stringMatching(/encapsulated PDF document, not an image/) });
      expect(await h.page.textContent('[data-testid="meddiff-error"]')).toMatch(/not an image/);
      await screenshot(h.page, 'refused-pdf');
    });

    it('a colour image', async () => {
      await showSeries(h.page, TEST_SERIES.colour);
      await h.page.click('[data-testid="meddiff-run"]');
      const s = await waitForPanel(h.page, (x) => x.status === 'idle' && x.outcome === 'failed' && x.error?.code === 'COLOUR_IMAGE', 'the refusal');
      expect(s.error!.message).toMatch(/colour image \(RGB\)/);
    });

    it('a result larger than the training size of the model is made of tiles of that size', async () => {
      await showSeries(h.page, TEST_SERIES.smallMr);
      const n = (await panelState(h.page)).results.length;
      // x4 of 32 px is 128 px, against the 64 px the model was trained on: overlapping 64 px tiles,
      // batched 4 to a network call, so one step takes more than one call.
      await runFromPanel(h.page, 'sr4', 1);
      const s = await waitForPanel(h.page, done(n), 'a tiled run');
      expect(s.outcome).toBe('done');
      expect(s.progress!.total).toBeGreaterThan(1);
      expect([s.results[n]!.rows, s.results[n]!.columns]).toEqual([128, 128]);
      const px = await viewportPixels(h.page, await viewportShowing(h.page, s.results[n]!.series[0]!.seriesInstanceUID));
      expectNonTrivial(stats(px.rows, px.columns, px.values));
      await screenshot(h.page, 'super-resolve-tiled');
    });

    it('weights that fail the integrity check, a model.json that is not the one the index pins, and weights that cannot be fetched', async () => {
      await h.page.selectOption('[data-testid="meddiff-model"]', '/models/corrupt/');
      const corrupt = await waitForPanel(h.page, (x) => x.modelStatus === 'failed', 'the corrupt model');
      expect(corrupt.error).toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringMatching(/integrity check/) });
      await h.page.selectOption('[data-testid="meddiff-model"]', '/models/replaced/');
      const replaced = await waitForPanel(h.page, (x) => x.modelStatus === 'failed' && x.modelUrl === '/models/replaced/', 'the model whose model.json was replaced');
      expect(replaced.error).toMatchObject({ code: 'MODEL_CORRUPT', message: expect.stringMatching(/model\.json is not the file the models index lists/) });
      await h.page.selectOption('[data-testid="meddiff-model"]', '/models/missing/');
      const missing = await waitForPanel(h.page, (x) => x.modelStatus === 'failed' && x.error?.code === 'MODEL_NOT_FOUND', 'the missing model');
      expect(missing.error!.message).toMatch(/could not be fetched/);
      await h.page.click('[data-testid="meddiff-run"]');
      const run = await waitForPanel(h.page, (x) => x.status === 'idle' && x.outcome === 'failed', 'the refused run');
      expect(run.error!.code).toBe('MODEL_NOT_FOUND');
      expect(await h.page.textContent('[data-testid="meddiff-error"]')).toMatch(/could not be fetched/);
      await screenshot(h.page, 'refused-weights');
      await h.page.selectOption('[data-testid="meddiff-model"]', '/models/good/');
      await waitForPanel(h.page, (x) => x.modelStatus === 'ready', 'the good model again');
    });

    it('no WebGPU: falls back, says so, and still runs', async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs(false) });
      try {
        const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
        const s = await openStudy(page, h.viewer.url, TEST_STUDY_UID);
        expect(s.backend!.backend).not.toBe('webgpu');
        expect(s.backend!.unavailable[0]).toMatchObject({ backend: 'webgpu', reason: expect.stringMatching(/WebGPU/) });
        expect(await page.textContent('[data-testid="meddiff-backend"]')).toMatch(new RegExp(`Running on ${s.backend!.backend} \\(webgpu: `));
        await showSeries(page, TEST_SERIES.smallMr);
        await runFromPanel(page, 'denoise', 1);
        const r = await waitForPanel(page, done(0), 'a run without WebGPU');
        expect(r.outcome).toBe('done');
        expect(r.results[0]!.rows).toBe(SMALL_MR_SIZE);
        await screenshot(page, `fallback-${s.backend!.backend}`);
      } finally {
        await browser.close();
      }
    });
  });

  describe('Translate contrast (CDM) on the simulated multi-contrast study', () => {
    it('synthesises FLAIR from the T1 and T2 series picked in the panel, as a new series of the study', async () => {
      const sim = h.simulated;
      await openStudy(h.page, h.viewer.url, sim.studyInstanceUID);
      await showSeries(h.page, sim.series.T1.seriesInstanceUID);
      // The model list switches to the CDM model for this task; its card names the contrasts.
      await h.page.selectOption('[data-testid="meddiff-task"]', 'translate');
      const ready = await waitForPanel(h.page, (x) => x.modelStatus === 'ready' && x.card?.family === 'cdm' && !!x.sources?.check, 'the CDM model and the source check');
      expect(ready.card!.modalities).toEqual({ sources: ['T1', 'T2'], targets: ['FLAIR', 'PD'] });
      const t1 = ready.sources!.candidates.find((c) => c.seriesInstanceUID === sim.series.T1.seriesInstanceUID)!;
      const t2 = ready.sources!.candidates.find((c) => c.seriesInstanceUID === sim.series.T2.seriesInstanceUID)!;
      // Guessed from the series descriptions; the shifted fixture also starts with "T2" but comes later.
      expect(ready.sources!.picks).toEqual({ T1: t1.displaySetInstanceUID, T2: t2.displaySetInstanceUID });
      expect(await h.page.getAttribute('[data-testid="meddiff-source-check"]', 'data-ok')).toBe('true');
      expect(await h.page.inputValue('[data-testid="meddiff-source-T2"]')).toBe(t2.displaySetInstanceUID);
      await h.page.selectOption('[data-testid="meddiff-target"]', 'FLAIR');
      await h.page.fill('[data-testid="meddiff-steps"]', '10');
      const n = ready.results.length;
      await h.page.click('[data-testid="meddiff-run"]');
      const s = await waitForPanel(h.page, done(n), 'the translation');
      expect(s.error).toBeUndefined();
      const result = s.results[n]!;
      const source = await viewportPixels(h.page, 'default');
      expect([result.rows, result.columns]).toEqual([source.rows, source.columns]);
      expect(result.label).toMatch(/^synthetic FLAIR/);
      expect(result.series[0]!.studyInstanceUID).toBe(sim.studyInstanceUID);
      const vp = await viewportShowing(h.page, result.series[0]!.seriesInstanceUID);
      expect(vp).not.toBe('default');
      const px = await viewportPixels(h.page, vp);
      expectNonTrivial(stats(px.rows, px.columns, px.values));
      const canvas = await canvasStats(h.page, vp);
      expect(canvas.nonBlack).toBeGreaterThan(0.05);
      // Inside the head, the synthetic FLAIR follows the simulated FLAIR at this slice better than
      // either source does (whole-slice correlation is dominated by head against background).
      const flair = await slicePixels(h.page, sim.series.FLAIR.seriesInstanceUID, source.imageId);
      const t2Pixels = await slicePixels(h.page, sim.series.T2.seriesInstanceUID, source.imageId);
      const top = Math.max(...source.values);
      const head = source.values.flatMap((v, i) => (v > 0.1 * top ? [i] : []));
      const inHead = (values: readonly number[]) => head.map((i) => values[i]!);
      const r = { synthetic: pearson(inHead(px.values), inHead(flair)), t1: pearson(inHead(source.values), inHead(flair)), t2: pearson(inHead(t2Pixels), inHead(flair)) };
      console.log(`translate e2e: correlation with the simulated FLAIR inside the head (${head.length} pixels): synthetic ${r.synthetic.toFixed(3)}, T1 ${r.t1.toFixed(3)}, T2 ${r.t2.toFixed(3)}`);
      expect(r.synthetic).toBeGreaterThan(r.t1 + 0.03);
      expect(r.synthetic).toBeGreaterThan(r.t2);
      await screenshot(h.page, 'translate-flair');
    });

    it('translates every slice of the series into one scrollable derived series', async () => {
      const sim = h.simulated;
      await h.page.check('[data-testid="meddiff-translate-all"]');
      await h.page.selectOption('[data-testid="meddiff-target"]', 'PD');
      await h.page.fill('[data-testid="meddiff-steps"]', '2');
      const n = (await panelState(h.page)).results.length;
      await h.page.click('[data-testid="meddiff-run"]');
      // Every slice on SwiftShader WebGPU: about 200 s on an idle 2-core machine, so a wide margin.
      const s = await waitForPanel(h.page, done(n), 'the whole-series translation', 480_000);
      expect(s.error).toBeUndefined();
      const result = s.results[n]!;
      expect(result.label).toMatch(new RegExp(`^synthetic PD \\(${sim.series.T1.instances} x `));
      expect(result.series[0]!.sopInstanceUIDs).toHaveLength(sim.series.T1.instances);
      const vp = await viewportShowing(h.page, result.series[0]!.seriesInstanceUID);
      const px = await viewportPixels(h.page, vp);
      expectNonTrivial(stats(px.rows, px.columns, px.values));
      await h.page.uncheck('[data-testid="meddiff-translate-all"]');
      await screenshot(h.page, 'translate-pd-series');
    }, 540_000);

    it('refuses a T2 series that is not co-registered, says why before running, and writes nothing', async () => {
      const before = await panelState(h.page);
      const shifted = before.sources!.candidates.find((c) => c.seriesInstanceUID === TEST_SERIES.shiftedT2)!;
      expect(shifted).toBeDefined();
      await h.page.selectOption('[data-testid="meddiff-source-T2"]', shifted.displaySetInstanceUID);
      await h.page.waitForSelector('[data-testid="meddiff-source-check"][data-ok="false"]');
      expect(await h.page.textContent('[data-testid="meddiff-source-check"]')).toMatch(new RegExp(`${SHIFTED_T2_MM}\\.00 mm apart`));
      await h.page.click('[data-testid="meddiff-run"]');
      const s = await waitForPanel(h.page, (x) => x.status === 'idle' && x.outcome === 'failed', 'the refusal');
      expect(s.error).toMatchObject({ code: 'NOT_COREGISTERED', message: expect.stringMatching(/not co-registered/) });
      expect(s.results).toHaveLength(before.results.length);
      await screenshot(h.page, 'translate-refused');
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_MR_SIZE, SMALL_MR_STACK_SLICES, TEST_SERIES, TEST_STUDY_UID } from '../src/data/testStudies.js';
import { dciodvfy, parseMultipart } from '@meddiff/imaging/node';
import { startHarness, type Harness } from './harness.js';
import { canvasColour, chooseTask, expectNonTrivial, openStudy, panelState, screenshot, showSeries, slicePixels, stats, viewportPixels, viewportShowing, waitForPanel, type PanelState } from './page.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await openStudy(h.page, h.viewer.url, TEST_STUDY_UID);
}, 300_000);
afterAll(async () => {
  await h?.close();
});

/** One instance as Orthanc's DICOMweb metadata gives it: the attributes the checks read. */
interface Instance {
  sop: string;
  rows: number;
  columns: number;
  spacing: number[];
  position: number[];
  orientation: number[];
  sources: string[];
  description: string;
  photometric: string;
}

async function orthancInstances(seriesUID: string): Promise<Instance[]> {
  const r = await fetch(`${h.orthanc.url}/dicom-web/studies/${TEST_STUDY_UID}/series/${seriesUID}/metadata`);
  if (!r.ok) throw new Error(`Orthanc has no series ${seriesUID} (HTTP ${r.status})`);
  type Attr = { Value?: unknown[] };
  const meta = (await r.json()) as Record<string, Attr>[];
  const v = (m: Record<string, Attr>, tag: string) => m[tag]?.Value ?? [];
  return meta
    .map((m) => ({
      sop: String(v(m, '00080018')[0]),
      rows: Number(v(m, '00280010')[0]),
      columns: Number(v(m, '00280011')[0]),
      spacing: v(m, '00280030').map(Number),
      position: v(m, '00200032').map(Number),
      orientation: v(m, '00200037').map(Number),
      sources: v(m, '00082112').map((item) => String(((item as Record<string, Attr>)['00081155']?.Value ?? [])[0])),
      description: String(v(m, '0008103E')[0] ?? ''),
      photometric: String(v(m, '00280004')[0] ?? ''),
    }))
    .sort((a, b) => a.position[2]! - b.position[2]!);
}

/** Every instance of a series as Orthanc stores it (Part-10, by WADO-RS), checked by dciodvfy: no errors. */
async function expectValidDicom(seriesUID: string): Promise<void> {
  const r = await fetch(`${h.orthanc.url}/dicom-web/studies/${TEST_STUDY_UID}/series/${seriesUID}`, { headers: { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } });
  expect(r.ok).toBe(true);
  const parts = parseMultipart(Buffer.from(await r.arrayBuffer()), r.headers.get('content-type') ?? '');
  expect(parts).toHaveLength(SMALL_MR_STACK_SLICES);
  for (const p of parts) expect(dciodvfy(new Uint8Array(p.body)).errors).toEqual([]);
}

/** Progress and results as getState gives them, with the fields PanelState leaves out. */
type SeriesProgress = { done: number; total: number; slicesDone?: number; etaMs: number; elapsedMs: number };
const progressOf = (s: PanelState) => s.progress as SeriesProgress | undefined;

/** A whole-series run started after `before` results has ended. */
const ended = (before: number) => (s: PanelState) => s.status === 'idle' && (s.results.length > before || s.outcome === 'failed' || s.outcome === 'cancelled');

/**
 * Runs a task on every slice of the stack from the panel, storing the result to Orthanc, and
 * records the ETA the panel showed once the first slice was done. Returns the final state, that
 * ETA and the remaining time it turned out to be (both measured in the page, from the run's start).
 */
async function runWholeSeries(task: 'sr2' | 'denoise', steps: number, samples: number) {
  await showSeries(h.page, TEST_SERIES.smallMrStack);
  await chooseTask(h.page, task);
  await h.page.selectOption('[data-testid="meddiff-sampler"]', 'dpm-solver');
  await h.page.fill('[data-testid="meddiff-steps"]', String(steps));
  await h.page.fill('[data-testid="meddiff-samples"]', String(samples));
  await h.page.check('[data-testid="meddiff-whole-series"]');
  await h.page.check('[data-testid="meddiff-store-to-pacs"]');
  const n = (await panelState(h.page)).results.length;
  await h.page.click('[data-testid="meddiff-run"]');
  const first = await waitForPanel(h.page, (s) => s.status !== 'running' || (progressOf(s)?.slicesDone ?? 0) >= 1, 'the first slice', 480_000);
  const shown = await h.page.textContent('[data-testid="meddiff-progress"]');
  const s = await waitForPanel(h.page, ended(n), 'the whole-series run', 480_000);
  expect(s.error).toBeUndefined();
  expect(s.outcome).toBe('done');
  const result = s.results[n]! as PanelState['results'][number] & { elapsedMs: number };
  await waitForPanel(h.page, (x) => x.results[n]?.storage === 'stored', 'the store to Orthanc');
  const eta = progressOf(first)!;
  const actual = result.elapsedMs - eta.elapsedMs;
  const error = Math.abs(eta.etaMs - actual) / actual;
  console.log(`whole-series ${task}: ${SMALL_MR_STACK_SLICES} slices in ${(result.elapsedMs / 1000).toFixed(1)} s; after slice ${eta.slicesDone ?? 0} the panel said "${shown?.trim()}": ETA ${(eta.etaMs / 1000).toFixed(1)} s, actual ${(actual / 1000).toFixed(1)} s (error ${(100 * error).toFixed(1)} %)`);
  return { result, eta, actual, error, shown };
}

describe('every slice of a series through Med-cDiff in Chromium with WebGPU, stored to Orthanc', () => {
  it('super-resolves the whole series x2 into one derived series: one instance per slice on the finer grid, referencing its source; the ETA after the first slice within 25 %', async () => {
    const source = await orthancInstances(TEST_SERIES.smallMrStack);
    expect(source).toHaveLength(SMALL_MR_STACK_SLICES);
    const run = await runWholeSeries('sr2', 2, 1);
    expect(run.result.label).toBe(`SR x2 (${SMALL_MR_STACK_SLICES} x ${2 * SMALL_MR_SIZE} x ${2 * SMALL_MR_SIZE})`);
    expect(run.result.series).toHaveLength(1);
    expect(run.eta.slicesDone).toBeGreaterThanOrEqual(1);
    expect(run.eta.slicesDone).toBeLessThan(SMALL_MR_STACK_SLICES);
    expect(run.shown).toMatch(/slices [15]-[48] of 8 · ETA \d/);
    expect(run.error).toBeLessThan(0.25);
    const derived = await orthancInstances(run.result.series[0]!.seriesInstanceUID);
    expect(derived).toHaveLength(SMALL_MR_STACK_SLICES);
    derived.forEach((d, k) => {
      const s = source[k]!;
      expect([d.rows, d.columns]).toEqual([2 * s.rows, 2 * s.columns]);
      expect(d.spacing[0]).toBeCloseTo(s.spacing[0]! / 2, 5);
      expect(d.spacing[1]).toBeCloseTo(s.spacing[1]! / 2, 5);
      expect(d.orientation).toEqual(s.orientation);
      // The same plane; the first pixel centre a quarter of a source pixel in from the source's.
      const o = s.orientation;
      const expected = [0, 1, 2].map((a) => s.position[a]! - 0.25 * s.spacing[1]! * o[a]! - 0.25 * s.spacing[0]! * o[3 + a]!);
      d.position.forEach((x, a) => expect(x).toBeCloseTo(expected[a]!, 3));
      expect(d.sources).toEqual([s.sop]);
      expect(d.description).toMatch(/^RESEARCH ONLY SR x2/);
    });
    await expectValidDicom(run.result.series[0]!.seriesInstanceUID);
    // The derived series is shown beside its source and holds real pixels.
    const px = await viewportPixels(h.page, await viewportShowing(h.page, run.result.series[0]!.seriesInstanceUID));
    expect([px.rows, px.columns]).toEqual([2 * SMALL_MR_SIZE, 2 * SMALL_MR_SIZE]);
    expectNonTrivial(stats(px.rows, px.columns, px.values));
    await screenshot(h.page, 'whole-series-super-resolve-x2');
  }, 600_000);

  it('denoises the whole series with 2 samples: a derived series and its spread series, one instance per source slice on its grid', async () => {
    const source = await orthancInstances(TEST_SERIES.smallMrStack);
    const run = await runWholeSeries('denoise', 3, 2);
    expect(run.result.series.map((s) => s.sopInstanceUIDs.length)).toEqual([SMALL_MR_STACK_SLICES, SMALL_MR_STACK_SLICES]);
    expect(run.error).toBeLessThan(0.25);
    for (const [i, series] of run.result.series.entries()) {
      const derived = await orthancInstances(series.seriesInstanceUID);
      expect(derived).toHaveLength(SMALL_MR_STACK_SLICES);
      expect(derived[0]!.description).toMatch(i === 0 ? /^RESEARCH ONLY denoised/ : /^RESEARCH ONLY denoised SD/);
      derived.forEach((d, k) => {
        const s = source[k]!;
        expect([d.rows, d.columns, ...d.spacing, ...d.orientation]).toEqual([s.rows, s.columns, ...s.spacing, ...s.orientation]);
        d.position.forEach((x, a) => expect(x).toBeCloseTo(s.position[a]!, 3));
        expect(d.sources).toEqual([s.sop]);
      });
      await expectValidDicom(series.seriesInstanceUID);
    }
    await screenshot(h.page, 'whole-series-denoise');
    // The spread series is a colour map that OHIF shows as it is (palette colour, no presentation state).
    const spread = run.result.series[1]!.seriesInstanceUID;
    expect((await orthancInstances(spread))[0]!.photometric).toBe('PALETTE COLOR');
    await showSeries(h.page, spread);
    const viewportId = await viewportShowing(h.page, spread);
    await h.page.waitForTimeout(500);
    const colour = await canvasColour(h.page, viewportId);
    expect(colour.colorImage).toBe(true);
    expect(colour.coloured).toBeGreaterThan(0.02);
    await screenshot(h.page, 'whole-series-denoise-spread');
  }, 600_000);

  it('inpaints the whole series with each slice\'s own labelmap region: only those pixels change, slices without one are kept', async () => {
    await showSeries(h.page, TEST_SERIES.smallMrStack);
    // A labelmap made with OHIF's own command; segment 1 painted as a square on slices 3 and 6 only.
    const painted = [2, 5];
    const square = Array.from({ length: 64 }, (_, i) => (12 + Math.floor(i / 8)) * SMALL_MR_SIZE + 12 + (i % 8));
    const imageIds = await h.page.evaluate(
      async ({ painted, square }) => {
        const w = window as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        const vp = w.services.cornerstoneViewportService.getCornerstoneViewport('default');
        const segmentationId = await w.commandsManager.runCommand('createLabelmapForViewport', { viewportId: 'default' });
        const ids: string[] = vp.getImageIds();
        for (const k of painted) {
          let labelmap: string[] = [];
          const deadline = Date.now() + 10_000;
          while (!labelmap.length && Date.now() < deadline) {
            labelmap = w.cornerstoneTools.segmentation.getLabelmapImageIdsForImageId(ids[k], segmentationId) ?? [];
            if (!labelmap.length) await new Promise((r) => setTimeout(r, 100));
          }
          const labels = w.cornerstone.cache.getImage(labelmap[0]).voxelManager.getScalarData();
          for (const i of square) labels[i] = 1;
        }
        return ids;
      },
      { painted, square },
    );
    expect(imageIds).toHaveLength(SMALL_MR_STACK_SLICES);
    await h.page.selectOption('[data-testid="meddiff-task"]', 'inpaint');
    await h.page.fill('[data-testid="meddiff-steps"]', '2');
    await h.page.fill('[data-testid="meddiff-samples"]', '1');
    await h.page.check('[data-testid="meddiff-whole-series"]');
    const n = (await panelState(h.page)).results.length;
    await h.page.click('[data-testid="meddiff-run"]');
    const s = await waitForPanel(h.page, ended(n), 'the whole-series inpainting', 480_000);
    expect(s.error).toBeUndefined();
    const result = s.results[n]!;
    expect(result.series[0]!.sopInstanceUIDs).toHaveLength(SMALL_MR_STACK_SLICES);
    const inSquare = new Set(square);
    for (const [k, imageId] of imageIds.entries()) {
      const source = await slicePixels(h.page, TEST_SERIES.smallMrStack, imageId);
      const out = await slicePixels(h.page, result.series[0]!.seriesInstanceUID, imageId);
      // Both stored as 16-bit integers with their own rescale: equal up to one step of either.
      const tolerance = 2e-3 * (Math.max(...source) - Math.min(...source));
      const changed = out.flatMap((v, i) => (Math.abs(v - source[i]!) > tolerance ? [i] : []));
      if (!painted.includes(k)) expect(changed, `slice ${k + 1}`).toEqual([]);
      else {
        expect(changed.filter((i) => !inSquare.has(i)), `slice ${k + 1}`).toEqual([]);
        expect(changed.length).toBeGreaterThan(0.5 * square.length);
      }
    }
    await screenshot(h.page, 'whole-series-inpaint');
  }, 600_000);

  it('a whole-series run cancelled midway writes nothing: no new series in the viewer or in Orthanc', async () => {
    await showSeries(h.page, TEST_SERIES.smallMrStack);
    const before = await panelState(h.page);
    const seriesIn = async () => ((await (await fetch(`${h.orthanc.url}/dicom-web/studies/${TEST_STUDY_UID}/series`)).json()) as Record<string, { Value: string[] }>[]).map((s) => s['0020000E']!.Value[0]).sort();
    const orthancBefore = await seriesIn();
    const displaySets = () => h.page.evaluate(() => (window as any).services.displaySetService.getActiveDisplaySets().length); // eslint-disable-line @typescript-eslint/no-explicit-any
    const displaySetsBefore = await displaySets();
    await h.page.selectOption('[data-testid="meddiff-task"]', 'denoise');
    await h.page.fill('[data-testid="meddiff-steps"]', '40');
    await h.page.fill('[data-testid="meddiff-samples"]', '1');
    await h.page.check('[data-testid="meddiff-whole-series"]');
    await h.page.click('[data-testid="meddiff-run"]');
    await waitForPanel(h.page, (s) => s.status === 'running' && (s.progress?.done ?? 0) >= 2, 'the first steps');
    await h.page.click('[data-testid="meddiff-cancel"]');
    const s = await waitForPanel(h.page, (x) => x.status === 'idle' && x.outcome === 'cancelled', 'the cancellation');
    expect(progressOf(s)?.slicesDone ?? 0).toBeLessThan(SMALL_MR_STACK_SLICES);
    expect(s.error).toBeUndefined();
    expect(s.results).toHaveLength(before.results.length);
    expect(await h.page.textContent('[data-testid="meddiff-progress"]')).toMatch(/Cancelled; nothing was written/);
    expect(await displaySets()).toBe(displaySetsBefore);
    expect(await seriesIn()).toEqual(orthancBefore);
  }, 300_000);
});

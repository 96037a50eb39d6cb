// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Image2D } from '@meddiff/imaging';
import { DEFAULT_CONFIG } from '../config.js';
import { naturalize } from '../derived/derivedSeries.js';
import { createLocalResultsDataSource } from '../getDataSourcesModule.js';
import { InferenceClient } from '../model/inferenceClient.js';
import { addCreateStoreFunction, createOhifApp } from '../testing/ohifCore.js';
import { InProcessWorker } from '../testing/inProcessWorker.js';
import { testImage } from '../testing/tinyModel.js';
import { startWeightsServer, type WeightsServer } from '../testing/weightsServer.js';
import { addSeries, fakeCornerstone, useStackDisplaySets, type SeriesSpec } from '../testing/studyFixtures.js';
import { sliceImage, type ActiveSlice } from '../viewer/activeSlice.js';
import { DiffusionController } from './diffusionController.js';

let weights: WeightsServer;
beforeAll(async () => {
  weights = await startWeightsServer();
});
afterAll(() => weights.close());

const STUDY = '1.2.826.0.1.3680043.8.498.20';

function slice(): ActiveSlice {
  const image: Image2D = {
    data: testImage(16, 16),
    shape: [16, 16],
    geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    modality: 'MR',
    source: {
      format: 'dicom',
      files: [],
      dicom: [{ sopClassUID: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUID: '1.2.826.0.1.3680043.8.498.21' }],
      dicomAttributes: { StudyInstanceUID: STUDY, SeriesInstanceUID: '1.2.826.0.1.3680043.8.498.22', Modality: 'MR', PatientID: 'P' },
    },
  };
  return { viewportId: 'default', imageId: 'wadors:x', displaySet: { displaySetInstanceUID: 'ds1', SeriesInstanceUID: '1.2.826.0.1.3680043.8.498.22' }, image };
}

async function setUp(pacsFailures: number, models?: Array<{ id: string; label: string; url: string; tasks?: string[]; family?: 'med-cdiff' | 'cdm' }>, viewer: Partial<ConstructorParameters<typeof DiffusionController>[0]> = {}, app = createOhifApp()) {
  const stored: ArrayBuffer[] = [];
  let failures = pacsFailures;
  const pacs = {
    store: {
      dicom: async (ds: ArrayBuffer) => {
        if (failures-- > 0) throw Object.assign(new Error('Service Unavailable'), { status: 503 });
        stored.push(ds);
      },
    },
  };
  const local = createLocalResultsDataSource();
  await app.extensionManager.registerExtensions(
    [{ id: 'test-sources', getDataSourcesModule: () => [{ name: 'pacs', type: 'webApi', createDataSource: () => pacs }, { name: 'local', type: 'localApi', createDataSource: () => local }] }],
    [
      { namespace: 'test-sources.dataSourcesModule.pacs', sourceName: 'dicomweb', configuration: {} },
      { namespace: 'test-sources.dataSourcesModule.local', sourceName: 'meddiff-local', configuration: {} },
    ],
  );
  const registered = addCreateStoreFunction(app);
  const controller = new DiffusionController({
    services: app.servicesManager.services,
    commandsManager: app.commandsManager,
    extensionManager: app.extensionManager,
    client: new InferenceClient({ createWorker: () => new InProcessWorker(), preferredBackends: ['wasm'] }),
    config: { ...DEFAULT_CONFIG, modelsIndexUrl: 'index' },
    fetchJson: async () => ({ models: models ?? [{ id: 'test', label: 'Test', url: weights.superResolution }] }),
    readSlice: () => slice(),
    cornerstone: () => undefined,
    displaySetTimeoutMs: 0,
    ...viewer,
  });
  return { app, controller, stored, local, registered };
}

describe('DiffusionController', () => {
  it('uses the model listed for the task when the chosen one serves other tasks', async () => {
    const { controller } = await setUp(0, [
      { id: 'den', label: 'Denoising', url: weights.good, tasks: ['denoise'] },
      { id: 'sr', label: 'Super-resolution', url: weights.superResolution, tasks: ['super-resolve'] },
      { id: 'other', label: 'Unlisted', url: weights.good },
    ]);
    await controller.init();
    controller.selectTask({ kind: 'super-resolve', factor: 2 });
    controller.setOptions({ steps: 1 });
    await controller.selectModel(weights.good);
    await controller.run();
    expect(controller.getState()).toMatchObject({ outcome: 'done', modelUrl: weights.superResolution, card: { name: 'Med-cDiff super-resolution (x2, x4)' } });
    // A model with no listed tasks is the user's choice: it is used as chosen (the e2e suite checks
    // that a corrupt one picked this way is reported).
    controller.selectTask({ kind: 'denoise' });
    await controller.selectModel(weights.good);
    await controller.run();
    expect(controller.getState()).toMatchObject({ outcome: 'done', modelUrl: weights.good });
  });

  it('runs, registers the derived series in the viewer and keeps it in this browser without touching the PACS', async () => {
    const { app, controller, stored, local, registered } = await setUp(0);
    controller.selectTask({ kind: 'super-resolve', factor: 2 });
    controller.setOptions({ steps: 2, seed: 5 });
    const result = await controller.run();
    expect(controller.getState()).toMatchObject({ status: 'idle', outcome: 'done', backend: { backend: 'wasm' }, card: { name: 'Med-cDiff super-resolution (x2, x4)' } });
    expect(result).toMatchObject({ storage: 'local', preview: { rows: 32, columns: 32 }, backend: 'wasm' });
    const sop = result!.series[0]!.sopInstanceUIDs[0]!;
    expect(registered).toHaveLength(1);
    expect(app.core.DicomMetadataStore.getStudy(STUDY).series.map((s: { SeriesInstanceUID: string }) => s.SeriesInstanceUID)).toContain(result!.series[0]!.seriesInstanceUID);
    expect(local.instances.get(sop)).toMatchObject({ Rows: 32, Columns: 32 });
    expect(stored).toHaveLength(0);
  });

  it('keeps a result whose store failed, says so, and stores exactly the same bytes on retry', async () => {
    const { controller, stored } = await setUp(1);
    const result = await controller.run();
    await controller.store(result!.id);
    const failed = controller.getResult(result!.id)!;
    expect(failed.storage).toBe('failed');
    expect(failed.storeError).toMatch(/HTTP 503.*kept in this browser; use Retry/);
    expect(stored).toHaveLength(0);
    await controller.store(result!.id);
    expect(controller.getResult(result!.id)).toMatchObject({ storage: 'stored' });
    expect(controller.getResult(result!.id)!.storeError).toBeUndefined();
    expect(stored).toHaveLength(1);
    // The bytes kept in the browser, not a dataset written again.
    expect(stored[0]).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(stored[0]!)).toEqual(result!.series[0]!.part10[0]!);
    expect(naturalize(new Uint8Array(stored[0]!))['SOPInstanceUID']).toBe(result!.series[0]!.sopInstanceUIDs[0]);
  });

  it('stores right after the run when asked to', async () => {
    const { controller, stored } = await setUp(0);
    controller.setOptions({ storeToPacs: true, steps: 1 });
    const result = await controller.run();
    expect(result).toMatchObject({ storage: 'stored' });
    expect(stored).toHaveLength(1);
  });

  it('a cancelled run ends as cancelled and registers nothing', async () => {
    const { controller, registered } = await setUp(0);
    controller.setOptions({ sampler: 'ddpm', steps: 300 });
    const unsubscribe = controller.subscribe((s) => {
      if (s.progress && s.progress.done >= 2 && s.status === 'running') controller.cancel();
    });
    const result = await controller.run();
    unsubscribe();
    expect(result).toBeUndefined();
    expect(controller.getState()).toMatchObject({ status: 'idle', outcome: 'cancelled', results: [] });
    expect(controller.getState().error).toBeUndefined();
    expect(registered).toHaveLength(0);
  });
});

describe('DiffusionController: Translate contrast', () => {
  const frame = '1.2.826.0.1.3680043.8.498.41';
  // OHIF caches display sets by series UID across app instances: a new study per test.
  let study = '';
  let studies = 0;
  const series = (n: number, description: string, change: Partial<SeriesSpec> = {}): SeriesSpec => ({ studyInstanceUID: study, seriesInstanceUID: `${study}.${n}`, seriesNumber: n, description, frameOfReferenceUID: frame, rows: 20, columns: 24, z: [0, 3, 6], ...change });

  async function translationSetUp() {
    study = `1.2.826.0.1.3680043.8.498.40.${++studies}`;
    const app = createOhifApp();
    await useStackDisplaySets(app);
    const t1 = addSeries(app, series(1, 'T1 (simulated: spin echo)'));
    const t2 = addSeries(app, series(2, 'T2 (simulated: spin echo)'));
    addSeries(app, series(3, 'FLAIR (simulated: inversion recovery)'));
    const shifted = addSeries(app, series(4, 'T2 shifted', { x0: -2 }));
    // Pixels per image: a different smooth pattern per series and slice.
    const cs = fakeCornerstone(20, 24, (id) => testImage(20, 24).map((v, i) => v * (1 + (id.length % 5) / 10) + 40 * Math.sin(i / 9)));
    // The user looks at the middle T1 slice.
    const shown = t1.instances![1]!;
    const activeSlice = (): ActiveSlice => ({ viewportId: 'default', displaySet: t1, imageId: String(shown['imageId']), image: sliceImage(shown, cs.cornerstone.cache.getImage(String(shown['imageId'])) ?? { rows: 20, columns: 24, preScale: { scaled: true }, getPixelData: () => testImage(20, 24) }, String(shown['imageId']), t1) });
    const parts = await setUp(
      0,
      [
        { id: 'den', label: 'Denoising', url: weights.good, tasks: ['denoise'], family: 'med-cdiff' },
        { id: 'cdm', label: 'CDM', url: weights.cdm, tasks: ['translate'], family: 'cdm' },
      ],
      { readSlice: activeSlice, cornerstone: () => cs },
      app,
    );
    return { ...parts, t1, t2, shifted, cs };
  }

  it('switches to the CDM model, guesses the source series, checks them and writes the synthetic contrast as a series of the study', async () => {
    const { app, controller, registered, t1, t2, cs } = await translationSetUp();
    await controller.init();
    controller.selectTask({ kind: 'translate', target: '' });
    await vi.waitFor(() => expect(controller.getState()).toMatchObject({ modelStatus: 'ready', card: { family: 'cdm' } }), { timeout: 20_000 });
    const state = controller.getState();
    expect(state.modelUrl).toBe(weights.cdm);
    expect(state.task).toEqual({ kind: 'translate', target: 'FLAIR' });
    expect(state.sources.picks).toEqual({ T1: t1.displaySetInstanceUID, T2: t2.displaySetInstanceUID });
    expect(state.sources.candidates.map((c) => c.label)).toEqual(['1: T1 (simulated: spin echo)', '2: T2 (simulated: spin echo)', '3: FLAIR (simulated: inversion recovery)', '4: T2 shifted']);
    expect(state.sources.check).toEqual({ ok: true, message: 'Co-registered at this slice: T1, T2 on one 20 x 24 grid.' });

    controller.setOptions({ steps: 3, seed: 4 });
    const result = await controller.run();
    expect(controller.getState().error?.message).toBeUndefined();
    expect(result).toMatchObject({ storage: 'local', preview: { rows: 20, columns: 24 }, backend: 'wasm', label: 'synthetic FLAIR (20 x 24)', sourceSeriesInstanceUID: t1.SeriesInstanceUID });
    // The T2 slice at the position shown was loaded; the T1 one is the slice shown.
    expect(cs.loaded).toContain(`test:${study}.2/2`);
    const written = registered[0] as Record<string, unknown>;
    expect(written).toMatchObject({ StudyInstanceUID: study, FrameOfReferenceUID: frame, SeriesDescription: expect.stringMatching(/synthetic FLAIR/), Rows: 20, Columns: 24 });
    expect(written['ImagePositionPatient']).toEqual([-10, -12, 3]);
    expect(String(written['DerivationDescription'])).toMatch(/CDM T1 \+ T2 to FLAIR, PD: T1 \+ T2 to FLAIR \(MDN DDIM, 3 steps, seed 4, 1 sample; wasm\)/);
    expect(app.core.DicomMetadataStore.getStudy(study).series.map((s: { SeriesInstanceUID: string }) => s.SeriesInstanceUID)).toContain(result!.series[0]!.seriesInstanceUID);
  });

  it('translates every slice of the series into one derived series when asked', async () => {
    const { controller, registered, t1 } = await translationSetUp();
    await controller.init();
    controller.selectTask({ kind: 'translate', target: 'PD' });
    await vi.waitFor(() => expect(controller.getState().sources.check?.ok).toBe(true), { timeout: 20_000 });
    controller.setOptions({ steps: 2, wholeSeries: true });
    const progress: string[] = [];
    const unsubscribe = controller.subscribe((s) => s.progress?.stage && progress.push(`${s.progress.slice}/${s.progress.slices}`));
    const result = await controller.run();
    unsubscribe();
    expect(controller.getState().error?.message).toBeUndefined();
    expect(result).toMatchObject({ label: 'synthetic PD (3 x 20 x 24)', preview: { rows: 20, columns: 24 } });
    expect(result!.series[0]!.sopInstanceUIDs).toHaveLength(3);
    expect(new Set(progress)).toEqual(new Set(['1/3', '2/3', '3/3']));
    // One instance per source slice, at its position, referencing it.
    const written = [...registered] as Record<string, unknown>[];
    expect(written.map((w) => (w['ImagePositionPatient'] as number[])[2])).toEqual([0, 3, 6]);
    expect(written.map((w) => w['SeriesNumber'])).toEqual([1001, 1001, 1001]);
    // A second result from the same source gets its own series number.
    controller.setOptions({ wholeSeries: false });
    await controller.run();
    expect((registered[3] as Record<string, unknown>)['SeriesNumber']).toBe(1002);
    expect(written.map((w) => (w['SourceImageSequence'] as { ReferencedSOPInstanceUID: string }[])[0]!.ReferencedSOPInstanceUID)).toEqual(t1.instances!.map((i) => i['SOPInstanceUID']));
  });

  it('a whole-series translation cancelled midway writes nothing', async () => {
    const { controller, registered } = await translationSetUp();
    await controller.init();
    controller.selectTask({ kind: 'translate', target: 'FLAIR' });
    await vi.waitFor(() => expect(controller.getState().sources.check?.ok).toBe(true), { timeout: 20_000 });
    controller.setOptions({ steps: 20, wholeSeries: true });
    const unsubscribe = controller.subscribe((s) => {
      if (s.status === 'running' && (s.progress?.slice ?? 0) >= 2) controller.cancel();
    });
    expect(await controller.run()).toBeUndefined();
    unsubscribe();
    expect(controller.getState()).toMatchObject({ status: 'idle', outcome: 'cancelled', results: [] });
    expect(registered).toHaveLength(0);
  });

  it('refuses sources that are not co-registered at the slice shown, before running, and writes nothing', async () => {
    const { controller, registered, shifted } = await translationSetUp();
    await controller.init();
    controller.selectTask({ kind: 'translate', target: 'PD' });
    await vi.waitFor(() => expect(controller.getState().sources.check?.ok).toBe(true), { timeout: 20_000 });
    controller.setSourceSeries('T2', shifted.displaySetInstanceUID);
    expect(controller.getState().sources.check).toMatchObject({ ok: false, message: expect.stringMatching(/T2's first pixel is at \(-2, -12, 3\) mm but T1's at \(-10, -12, 3\) mm/) });
    expect(await controller.run()).toBeUndefined();
    expect(controller.getState()).toMatchObject({ outcome: 'failed', error: { code: 'NOT_COREGISTERED' } });
    expect(registered).toHaveLength(0);
    expect(() => controller.setSourceSeries('FLAIR', shifted.displaySetInstanceUID)).toThrow(/translates from T1 \+ T2; it takes no FLAIR/);
    controller.selectTask({ kind: 'translate', target: 'T1ce' });
    expect(await controller.run()).toBeUndefined();
    expect(controller.getState().error).toMatchObject({ code: 'UNSUPPORTED_MODALITY', message: expect.stringMatching(/translates to FLAIR, PD, not T1ce/) });
  });
});

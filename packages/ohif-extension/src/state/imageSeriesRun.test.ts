// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_CONFIG } from '../config.js';
import { createLocalResultsDataSource } from '../getDataSourcesModule.js';
import { InferenceClient } from '../model/inferenceClient.js';
import type { CornerstoneImage, OhifServices } from '../ohif/ohifTypes.js';
import { addCreateStoreFunction, createOhifApp } from '../testing/ohifCore.js';
import { InProcessWorker } from '../testing/inProcessWorker.js';
import { addSeries, fakeCornerstone, useStackDisplaySets } from '../testing/studyFixtures.js';
import { testImage } from '../testing/tinyModel.js';
import { startWeightsServer, type WeightsServer } from '../testing/weightsServer.js';
import { sliceImage, type ActiveSlice } from '../viewer/activeSlice.js';
import { DiffusionController } from './diffusionController.js';

let weights: WeightsServer;
beforeAll(async () => {
  weights = await startWeightsServer();
});
afterAll(() => weights.close());

const FRAME = '1.2.826.0.1.3680043.8.498.61';
let studies = 0;
const SIZE = 16;
const Z = [0, 3, 6, 9, 12];

/** A study with one axial MR series of 5 slices (16 x 16, 1 mm pixels, 3 mm apart); the user looks at the middle one. */
async function setUp(modelUrl: string, task: string, labelmaps: Record<number, Uint8Array> = {}) {
  const study = `1.2.826.0.1.3680043.8.498.60.${++studies}`;
  const app = createOhifApp();
  await useStackDisplaySets(app);
  const mr = addSeries(app, { studyInstanceUID: study, seriesInstanceUID: `${study}.1`, seriesNumber: 1, description: 'MR', frameOfReferenceUID: FRAME, rows: SIZE, columns: SIZE, z: Z });
  const cs = fakeCornerstone(SIZE, SIZE, (id) => testImage(SIZE, SIZE).map((v, i) => v + 20 * Number(id.slice(-1)) + 30 * Math.sin(i / 5)));
  // Inpainting: segment 1 of a labelmap painted on some slices (one labelmap image per source image).
  const labels = (k: number): CornerstoneImage => ({ rows: SIZE, columns: SIZE, getPixelData: () => labelmaps[k] ?? new Uint8Array(SIZE * SIZE) });
  const cache = cs.cornerstone.cache.getImage;
  cs.cornerstone.cache.getImage = (id) => (id.startsWith('labelmap:') ? labels(Number(id.slice(9))) : cache(id));
  cs.cornerstoneTools = { segmentation: { getLabelmapImageIdsForImageId: (imageId) => [`labelmap:${Number(imageId.split('/').pop()) - 1}`], getCurrentLabelmapImageIdsForViewport: () => ['labelmap:2'] } };
  const shownInstance = mr.instances![2]!;
  const imageId = String(shownInstance['imageId']);
  const shown = (): ActiveSlice => ({ viewportId: 'default', displaySet: mr, imageId, image: sliceImage(shownInstance, { rows: SIZE, columns: SIZE, preScale: { scaled: true }, getPixelData: () => testImage(SIZE, SIZE) }, imageId, mr) });
  const local = createLocalResultsDataSource();
  await app.extensionManager.registerExtensions([{ id: 'test-sources', getDataSourcesModule: () => [{ name: 'local', type: 'localApi', createDataSource: () => local }] }], [{ namespace: 'test-sources.dataSourcesModule.local', sourceName: 'meddiff-local', configuration: {} }]);
  const registered = addCreateStoreFunction(app);
  const services: OhifServices = { ...app.servicesManager.services, segmentationService: { getActiveSegmentation: () => ({ segmentationId: 'seg' }), getActiveSegment: () => ({ segmentIndex: 1 }) } };
  const client = new InferenceClient({ createWorker: () => new InProcessWorker(), preferredBackends: ['wasm'] });
  const calls: number[] = [];
  const run = client.run.bind(client);
  client.run = (request, o) => {
    if ('images' in request) calls.push(request.images.length);
    return run(request, o);
  };
  const controller = new DiffusionController({
    services,
    commandsManager: app.commandsManager,
    extensionManager: app.extensionManager,
    client,
    config: { ...DEFAULT_CONFIG, modelsIndexUrl: 'index' },
    fetchJson: async () => ({ models: [{ id: 'm', label: 'M', url: modelUrl, tasks: [task] }] }),
    readSlice: shown,
    cornerstone: () => cs,
    displaySetTimeoutMs: 0,
  });
  await controller.init();
  return { controller, registered: registered as Record<string, unknown>[], mr, calls, cs };
}

describe('a whole series through Med-cDiff in the viewer', () => {
  it('super-resolves every slice into one derived series on the finer grid, with its spread series, in calls of 4 slices', async () => {
    const { controller, registered, mr, calls } = await setUp(weights.superResolution, 'super-resolve');
    controller.selectTask({ kind: 'super-resolve', factor: 2 });
    controller.setOptions({ steps: 2, samples: 2, wholeSeries: true });
    const done: number[] = [];
    const unsubscribe = controller.subscribe((s) => s.progress?.slicesDone !== undefined && done.push(s.progress.slicesDone));
    const result = await controller.run();
    unsubscribe();
    expect(controller.getState().error).toBeUndefined();
    expect(calls).toEqual([4, 1]);
    expect(done[done.length - 1]).toBe(5);
    expect(done).toContain(4);
    expect(result).toMatchObject({ label: `SR x2 (5 x ${2 * SIZE} x ${2 * SIZE})`, preview: { rows: 2 * SIZE, columns: 2 * SIZE } });
    expect(result!.series.map((s) => [s.kind, s.sopInstanceUIDs.length])).toEqual([['result', 5], ['uncertainty', 5]]);
    expect(registered).toHaveLength(10);
    const sources = mr.instances!.map((i) => i['SOPInstanceUID']);
    for (const kind of [0, 1]) {
      const written = registered.slice(5 * kind, 5 * kind + 5);
      expect(written.map((w) => [w['Rows'], w['Columns']])).toEqual(Z.map(() => [2 * SIZE, 2 * SIZE]));
      expect(written.map((w) => w['PixelSpacing'])).toEqual(Z.map(() => [0.5, 0.5]));
      expect(written.map((w) => w['ImageOrientationPatient'])).toEqual(Z.map(() => [1, 0, 0, 0, 1, 0]));
      // The first pixel centre moves a quarter of a source pixel towards the corner; z is the source slice's.
      expect(written.map((w) => w['ImagePositionPatient'])).toEqual(Z.map((z) => [-10.25, -12.25, z]));
      expect(written.map((w) => (w['SourceImageSequence'] as { ReferencedSOPInstanceUID: string }[])[0]!.ReferencedSOPInstanceUID)).toEqual(sources);
    }
    // The preview is the slice shown (the middle one).
    const r = controller.getResult(result!.id)!;
    expect(r.preview.pixels).toHaveLength(4 * SIZE * SIZE);
  });

  it('a whole series cancelled midway writes nothing and leaves no tensor behind', async () => {
    const { controller, registered } = await setUp(weights.good, 'denoise');
    controller.selectTask({ kind: 'denoise' });
    controller.setOptions({ sampler: 'ddpm', steps: 200, wholeSeries: true });
    await controller.run();
    const before = tf.memory().numTensors;
    const count = registered.length;
    const unsubscribe = controller.subscribe((s) => {
      if (s.status === 'running' && (s.progress?.done ?? 0) >= 3) controller.cancel();
    });
    controller.setOptions({ steps: 300 });
    expect(await controller.run()).toBeUndefined();
    unsubscribe();
    expect(controller.getState()).toMatchObject({ status: 'idle', outcome: 'cancelled' });
    expect(controller.getState().results).toHaveLength(1);
    expect(registered).toHaveLength(count);
    await vi.waitFor(() => expect(tf.memory().numTensors).toBe(before));
  }, 120_000);

  it('inpaints each slice inside its own labelmap mask and keeps the slices without one as they were', async () => {
    const mask = (rows: number[]) => Uint8Array.from({ length: SIZE * SIZE }, (_, i) => (rows.includes(Math.floor(i / SIZE)) && i % SIZE > 4 && i % SIZE < 10 ? 1 : 0));
    const masks = { 0: mask([3, 4, 5]), 3: mask([9, 10]) };
    const { controller, registered, cs } = await setUp(weights.inpainting, 'inpaint', masks);
    controller.selectTask({ kind: 'inpaint' });
    controller.setOptions({ steps: 2, wholeSeries: true });
    const result = await controller.run();
    expect(controller.getState().error).toBeUndefined();
    expect(result).toMatchObject({ maskSource: 'segment', label: `inpainted (5 x ${SIZE} x ${SIZE})` });
    expect(registered).toHaveLength(5);
    // The source pixels of each slice, as the viewer loaded them.
    const source = (k: number) => Array.from(cs.cornerstone.cache.getImage(`test:${String(registered[0]!['StudyInstanceUID'])}.1/${k + 1}`)!.getPixelData());
    const pixels = (k: number) => {
      const w = registered[k]!;
      const data = w['PixelData'] as ArrayBuffer | ArrayBuffer[];
      const raw = new Int16Array(Array.isArray(data) ? data[0]! : data);
      expect(raw).toHaveLength(SIZE * SIZE);
      return Array.from(raw, (v) => v * Number(w['RescaleSlope'] ?? 1) + Number(w['RescaleIntercept'] ?? 0));
    };
    for (let k = 0; k < 5; k++) {
      const src = source(k);
      const out = pixels(k);
      const changed = out.flatMap((v, i) => (Math.abs(v - src[i]!) > 1 ? [i] : []));
      const m = (masks as Record<number, Uint8Array>)[k];
      if (!m) expect(changed).toEqual([]);
      else {
        expect(changed.every((i) => m[i] === 1)).toBe(true);
        expect(changed.length).toBeGreaterThan(0);
      }
    }
  });

  it('refuses an inpainting of a series with no mask on any slice', async () => {
    const { controller, registered } = await setUp(weights.inpainting, 'inpaint');
    controller.selectTask({ kind: 'inpaint' });
    controller.setOptions({ steps: 2, wholeSeries: true });
    expect(await controller.run()).toBeUndefined();
    expect(controller.getState().error).toMatchObject({ code: 'NO_MASK', message: expect.stringMatching(/No slice of the series has a region/) });
    expect(registered).toHaveLength(0);
  });
});

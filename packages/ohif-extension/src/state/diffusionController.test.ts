// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image2D } from '@meddiff/imaging';
import { DEFAULT_CONFIG } from '../config.js';
import { naturalize } from '../derived/derivedSeries.js';
import { createLocalResultsDataSource } from '../getDataSourcesModule.js';
import { InferenceClient } from '../model/inferenceClient.js';
import { addCreateStoreFunction, createOhifApp } from '../testing/ohifCore.js';
import { InProcessWorker } from '../testing/inProcessWorker.js';
import { testImage } from '../testing/tinyModel.js';
import { startWeightsServer, type WeightsServer } from '../testing/weightsServer.js';
import type { ActiveSlice } from '../viewer/activeSlice.js';
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

async function setUp(pacsFailures: number, models?: Array<{ id: string; label: string; url: string; tasks?: string[] }>) {
  const app = createOhifApp();
  const stored: Record<string, unknown>[] = [];
  let failures = pacsFailures;
  const pacs = {
    store: {
      dicom: async (ds: Record<string, unknown>) => {
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
    expect(stored[0]!['SOPInstanceUID']).toBe(result!.series[0]!.sopInstanceUIDs[0]);
    expect(stored[0]!['PixelData']).toEqual(naturalize(result!.series[0]!.part10[0]!)['PixelData']);
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

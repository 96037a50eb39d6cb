// @vitest-environment jsdom
import React, { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image2D } from '@meddiff/imaging';
import { DEFAULT_CONFIG } from '../config.js';
import { InferenceClient } from '../model/inferenceClient.js';
import { DiffusionController } from '../state/diffusionController.js';
import { addCreateStoreFunction, createOhifApp } from '../testing/ohifCore.js';
import { createLocalResultsDataSource } from '../getDataSourcesModule.js';
import { InProcessWorker } from '../testing/inProcessWorker.js';
import { testImage } from '../testing/tinyModel.js';
import { startWeightsServer, type WeightsServer } from '../testing/weightsServer.js';
import { DiffusionPanel } from './DiffusionPanel.js';
import { hostedComponent } from './hostBridge.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let weights: WeightsServer;
beforeAll(async () => {
  weights = await startWeightsServer();
});
afterAll(() => weights.close());

async function controller(models?: Array<{ id: string; label: string; url: string; tasks?: string[]; family?: 'med-cdiff' | 'cdm' }>) {
  const app = createOhifApp();
  const local = createLocalResultsDataSource();
  await app.extensionManager.registerExtensions([{ id: 'test-sources', getDataSourcesModule: () => [{ name: 'local', type: 'localApi', createDataSource: () => local }] }], [
    { namespace: 'test-sources.dataSourcesModule.local', sourceName: 'meddiff-local', configuration: {} },
  ]);
  addCreateStoreFunction(app);
  const image: Image2D = {
    data: testImage(8, 8),
    shape: [8, 8],
    geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    source: { format: 'dicom', files: [], dicom: [{ sopClassUID: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUID: '1.2.3.4' }], dicomAttributes: { StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.5', Modality: 'MR' } },
  };
  return new DiffusionController({
    services: app.servicesManager.services,
    commandsManager: app.commandsManager,
    extensionManager: app.extensionManager,
    client: new InferenceClient({ createWorker: () => new InProcessWorker(), preferredBackends: ['wasm'] }),
    config: { ...DEFAULT_CONFIG },
    fetchJson: async () => ({ models: models ?? [{ id: 'a', label: 'A', url: weights.superResolution }, { id: 'b', label: 'B (corrupt)', url: weights.corrupt }] }),
    readSlice: () => ({ viewportId: 'v', imageId: 'i', displaySet: { displaySetInstanceUID: 'd' }, image }),
    cornerstone: () => undefined,
    displaySetTimeoutMs: 0,
  });
}

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await act(() => new Promise((r) => setTimeout(r, 20)));
  }
}

const q = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;

describe('DiffusionPanel', () => {
  it('shows the model card and the backend, and a failed run as a clear message', async () => {
    const c = await controller();
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    await act(async () => root.render(<DiffusionPanel controller={c} />));
    await until(() => q('meddiff-backend')?.dataset['backend'] === 'wasm' && q('meddiff-model-card')?.dataset['status'] === 'ready');
    expect(q('meddiff-model-card')!.textContent).toContain('Med-cDiff super-resolution');
    expect(q('meddiff-model-card')!.textContent).toContain('unit tests only');
    expect(q('meddiff-backend')!.textContent).toMatch(/Running on wasm/);
    expect(q('meddiff-panel')!.textContent).toMatch(/Research use only, not for diagnosis/);
    // Choosing the corrupt weights shows the integrity failure.
    await act(async () => {
      const select = q('meddiff-model') as HTMLSelectElement;
      select.value = weights.corrupt;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => q('meddiff-error') !== null);
    expect(q('meddiff-error')!.dataset['code']).toBe('MODEL_CORRUPT');
    act(() => root.unmount());
    el.remove();
  });

  it('runs from the Run button: progress, then the preview and a result offering to store it', async () => {
    const c = await controller();
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    await act(async () => root.render(<DiffusionPanel controller={c} />));
    await until(() => q('meddiff-model-card')?.dataset['status'] === 'ready');
    act(() => c.setOptions({ steps: 2 }));
    await act(async () => q('meddiff-run')!.click());
    await until(() => q('meddiff-progress')?.dataset['outcome'] === 'done');
    expect(q('meddiff-preview')).not.toBeNull();
    expect(q('meddiff-result-1')!.dataset['storage']).toBe('local');
    expect(q('meddiff-store-1')!.textContent).toBe('Store to PACS');
    act(() => root.unmount());
    el.remove();
  });

  it('offers the CDM model\'s contrasts for Translate contrast and says which source series are missing', async () => {
    const c = await controller([
      { id: 'sr', label: 'SR', url: weights.superResolution, tasks: ['super-resolve'] },
      { id: 'cdm', label: 'CDM', url: weights.cdm, tasks: ['translate'], family: 'cdm' },
    ]);
    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    await act(async () => root.render(<DiffusionPanel controller={c} />));
    await until(() => q('meddiff-model-card')?.dataset['status'] === 'ready');
    expect(q('meddiff-target')).toBeNull();
    await act(async () => {
      const select = q('meddiff-task') as HTMLSelectElement;
      select.value = 'translate';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => q('meddiff-target') !== null);
    expect(q('meddiff-model-card')!.textContent).toContain('CDM T1 + T2 to FLAIR, PD');
    expect([...(q('meddiff-target') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['FLAIR', 'PD']);
    expect((q('meddiff-target') as HTMLSelectElement).value).toBe('FLAIR');
    expect(q('meddiff-source-T1')).not.toBeNull();
    expect(q('meddiff-source-T2')).not.toBeNull();
    // CDM samples with DDIM: no sampler choice, and the steps are the MDN's.
    expect(q('meddiff-sampler')).toBeNull();
    expect(q('meddiff-panel')!.textContent).toContain('MDN steps');
    expect(q('meddiff-source-check')!.dataset['ok']).toBe('false');
    expect(q('meddiff-source-check')!.textContent).toMatch(/Choose the series that holds T1/);
    await act(async () => q('meddiff-run')!.click());
    await until(() => q('meddiff-progress')?.dataset['outcome'] === 'failed');
    expect(q('meddiff-error')!.dataset['code']).toBe('INVALID_TASK');
    act(() => root.unmount());
    el.remove();
  });

  it('mounts inside a host component through its own React root', async () => {
    const el = document.createElement('div');
    document.body.append(el);
    const Hosted = hostedComponent(() => <span data-testid="inner">inside</span>);
    const root = createRoot(el);
    await act(async () => root.render(<Hosted />));
    await until(() => q('inner') !== null);
    act(() => root.unmount());
    await new Promise((r) => setTimeout(r, 10));
    expect(q('inner')).toBeNull();
    el.remove();
  });
});

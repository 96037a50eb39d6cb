// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { OhifDisplaySet } from '../ohif/ohifTypes.js';
import { createOhifApp } from '../testing/ohifCore.js';
import { addSeries, fakeCornerstone, seriesInstances, useStackDisplaySets, type SeriesSpec } from '../testing/studyFixtures.js';
import { ReaderStudyConfigError } from './studyErrors.js';
import { readViewerSlice, viewerSeries, watchViewerSeries } from './viewerSlices.js';

const spec = (study: string, n: number, z: number[]): SeriesSpec => ({ studyInstanceUID: study, seriesInstanceUID: `${study}.${n}`, seriesNumber: n, description: `MR ${n}`, frameOfReferenceUID: `${study}.9`, rows: 4, columns: 6, z });
const trial = (seriesInstanceUID: string, slice: number) => ({ index: 0, studyInstanceUID: '', seriesInstanceUID, slice, realSide: 'left' as const, seed: 1 });

describe("the viewer's series for a reader study", () => {
  it('lists the grey image series of every open study, follows new ones, and reads a slice by its place along the normal', async () => {
    const app = createOhifApp();
    await useStackDisplaySets(app);
    const services = app.servicesManager.services;
    let changes = 0;
    const stop = watchViewerSeries(services, () => changes++);
    addSeries(app, spec('1.2.7', 1, [16, 10, 12]));
    addSeries(app, spec('1.2.8', 2, [0, 2]));
    // A colour series of the same SOP class is not offered.
    const colour = seriesInstances(spec('1.2.8', 3, [0])).map((i) => Object.assign(i, { PhotometricInterpretation: 'RGB', SamplesPerPixel: 3 }));
    services.displaySetService.makeDisplaySets(colour) as OhifDisplaySet[];
    expect(changes).toBeGreaterThanOrEqual(3);
    stop();
    expect(viewerSeries(services)).toEqual([
      { studyInstanceUID: '1.2.7', seriesInstanceUID: '1.2.7.1', slices: 3, label: '1 MR MR 1' },
      { studyInstanceUID: '1.2.8', seriesInstanceUID: '1.2.8.2', slices: 2, label: '2 MR MR 2' },
    ]);

    // Each image's pixels say which instance it is; slice 0 is the one at z = 10 (instance 2).
    const cs = fakeCornerstone(4, 6, (id) => new Float32Array(24).fill(Number(id.split('/').pop())));
    const first = await readViewerSlice(services, app.extensionManager, trial('1.2.7.1', 0), cs);
    expect([first.rows, first.columns, first.pixels[0]]).toEqual([4, 6, 2]);
    expect((await readViewerSlice(services, app.extensionManager, trial('1.2.7.1', 2), cs)).pixels[0]).toBe(1);
    await expect(readViewerSlice(services, app.extensionManager, trial('1.2.7.1', 3), cs)).rejects.toThrow(/has 3 slices, the trial needs slice 4/);
    await expect(readViewerSlice(services, app.extensionManager, trial('9.9', 0), cs)).rejects.toThrow(ReaderStudyConfigError);
  });
});

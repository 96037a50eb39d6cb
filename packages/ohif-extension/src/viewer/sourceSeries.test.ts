// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { NotCoregisteredError } from '../errors.js';
import { createOhifApp } from '../testing/ohifCore.js';
import { addSeries, fakeCornerstone, useStackDisplaySets, type SeriesSpec } from '../testing/studyFixtures.js';
import { guessSources, locateSources, readSources, sourceCandidates, type ReferencePlane, type SourceCandidate } from './sourceSeries.js';

const STUDY = '1.2.826.0.1.3680043.8.498.30';
const FRAME = '1.2.826.0.1.3680043.8.498.31';
const Z = [10, 12, 14, 16];

function spec(n: number, description: string, change: Partial<SeriesSpec> = {}): SeriesSpec {
  return { studyInstanceUID: STUDY, seriesInstanceUID: `${STUDY}.${n}`, seriesNumber: n, description, frameOfReferenceUID: FRAME, rows: 20, columns: 24, z: Z, ...change };
}

const candidate = (uid: string, description: string): SourceCandidate => ({ displaySetInstanceUID: uid, seriesInstanceUID: uid, description, label: description });

describe('translation sources', () => {
  it('guesses each contrast\'s series from the descriptions, keeps the user\'s picks and uses a series once', () => {
    const list = [candidate('a', 'T1ce post contrast'), candidate('b', 'T2 FLAIR'), candidate('c', 'T1 (simulated: spin echo)'), candidate('d', 'ax T2'), candidate('e', 'FLAIR 3D')];
    expect(guessSources(['T1', 'T2'], list)).toEqual({ T1: 'c', T2: 'b' });
    expect(guessSources(['T1', 'T2', 'FLAIR'], list)).toEqual({ T1: 'c', T2: 'b', FLAIR: 'e' });
    expect(guessSources(['T1', 'T2'], list, { T2: 'd' })).toEqual({ T1: 'c', T2: 'd' });
    // A kept pick that no longer exists is guessed again; a contrast with no match is left to the user.
    expect(guessSources(['T1', 'PD'], list, { T1: 'gone' })).toEqual({ T1: 'c' });
  });

  it('finds the picked series\' slices at the position shown and says what is not co-registered', async () => {
    const app = createOhifApp();
    await useStackDisplaySets(app);
    const t1 = addSeries(app, spec(1, 'T1'));
    const t2 = addSeries(app, spec(2, 'T2'));
    const shifted = addSeries(app, spec(3, 'T2 shifted', { x0: -4 }));
    const finer = addSeries(app, spec(4, 'T2 fine', { rows: 40, columns: 48, spacing: 0.5 }));
    const sparse = addSeries(app, spec(5, 'T2 sparse', { z: [10, 16] }));
    const other = addSeries(app, spec(6, 'T2 other session', { frameOfReferenceUID: '1.2.3.9' }));
    addSeries(app, spec(7, 'T1 other study', { studyInstanceUID: '1.2.3.8' }));
    const services = app.servicesManager.services;
    expect(sourceCandidates(services.displaySetService.getActiveDisplaySets(), STUDY).map((c) => c.label)).toEqual(['1: T1', '2: T2', '3: T2 shifted', '4: T2 fine', '5: T2 sparse', '6: T2 other session']);

    const at = (z: number, thickness = 2): ReferencePlane => ({ geometry: { spacing: [1, 1, thickness], origin: [-10, -12, z], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, frameOfReferenceUID: FRAME });
    const located = locateSources(services, ['T1', 'T2'], { T1: t1.displaySetInstanceUID, T2: t2.displaySetInstanceUID }, at(14));
    expect(located['T2']!.instance['SOPInstanceUID']).toBe(`${STUDY}.2.3`);
    expect(located['T1']!.geometry.origin).toEqual([-10, -12, 14]);

    const fails = (picks: Record<string, string>, z = 14, thickness = 2) => {
      try {
        locateSources(services, ['T1', 'T2'], picks, at(z, thickness));
      } catch (e) {
        return e as Error;
      }
      throw new Error('no error');
    };
    const pick = (ds: { displaySetInstanceUID: string }) => ({ T1: t1.displaySetInstanceUID, T2: ds.displaySetInstanceUID });
    expect(fails(pick(shifted))).toBeInstanceOf(NotCoregisteredError);
    expect(fails(pick(shifted)).message).toMatch(/T2's first pixel is at \(-4, -12, 14\) mm but T1's at \(-10, -12, 14\) mm \(6\.00 mm apart\)/);
    expect(fails(pick(finer)).message).toMatch(/T2 is 40 x 48 pixels but T1 is 20 x 24/);
    expect(fails(pick(sparse)).message).toMatch(/T2 \(T2 sparse\) has no slice at the position shown \(its nearest slice is 2\.0 mm away\)/);
    expect(fails(pick(other)).message).toMatch(/T2 \(T2 other session\) is in another frame of reference/);
    expect(fails({ T1: t1.displaySetInstanceUID }).message).toMatch(/Choose the series that holds T2/);
    // A 1 mm slice shown between the 2 mm-spaced sources' slices: none lies within half its thickness.
    expect(fails(pick(t2), 15, 1).message).toMatch(/T1 \(T1\) has no slice at the position shown \(its nearest slice is 1\.0 mm away\)/);
  });

  it('reads the located slices\' pixels, loading images no viewport shows', async () => {
    const app = createOhifApp();
    await useStackDisplaySets(app);
    // OHIF caches display sets by series across app instances: other UIDs than the test above.
    const t1 = addSeries(app, spec(11, 'T1'));
    const t2 = addSeries(app, spec(12, 'T2'));
    const plane: ReferencePlane = { geometry: { spacing: [1, 1, 2], origin: [-10, -12, 12], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, frameOfReferenceUID: FRAME };
    const located = locateSources(app.servicesManager.services, ['T1', 'T2'], { T1: t1.displaySetInstanceUID, T2: t2.displaySetInstanceUID }, plane);
    const cs = fakeCornerstone(20, 24, (id) => new Float32Array(480).fill(id.includes(`${STUDY}.12/`) ? 2 : 1));
    const images = await readSources(located, cs, () => undefined);
    expect(cs.loaded).toEqual([`test:${STUDY}.11/2`, `test:${STUDY}.12/2`]);
    expect(images['T1']!.data[0]).toBe(1);
    expect(images['T2']!.data[0]).toBe(2);
    expect(images['T2']!.shape).toEqual([20, 24]);
    expect(images['T2']!.source.dicom![0]!.sopInstanceUID).toBe(`${STUDY}.12.2`);
    expect(images['T1']!.source.dicomAttributes!['StudyInstanceUID']).toBe(STUDY);
  });
});

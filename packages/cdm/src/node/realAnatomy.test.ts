import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { readNifti, reorientToLPS } from '@meddiff/imaging';
import { loadOpenSource, openDataFile, openSourceById, readDataset, resolveCacheDir } from '@meddiff/imaging/node';
import { autoBrainMask, headMask, segmentT1, sliceTissueMaps } from '../simulate/segment';
import { simulateSlice } from '../simulate/render';
import { drawVirtualSubject } from '../simulate/virtualSubject';
import { buildSimulatedDataset, type SimulatedDatasetManifest } from './simulatedDataset';

// Needs the open data: `npm run -w @meddiff/imaging setup-data` (the loaders say so when it is missing).
const cacheDir = resolveCacheDir();

describe('segmentation of real T1 anatomy (Colin27)', () => {
  const colin = reorientToLPS(loadOpenSource(openSourceById('colin27-t1'), cacheDir).volume);
  const bet = reorientToLPS(readNifti(new Uint8Array(readFileSync(openDataFile(cacheDir, 'mricron-data', 'usr/share/mricron/templates/ch2bet.nii.gz')))).volume);
  const betMask = Uint8Array.from(bet.data, (v) => (v > 0 ? 1 : 0));

  it('finds a brain mask that agrees with BET (Dice above 0.9)', () => {
    const brain = autoBrainMask(colin, headMask(colin, false));
    let a = 0;
    let b = 0;
    let both = 0;
    for (let i = 0; i < brain.length; i++) {
      a += brain[i]!;
      b += betMask[i]!;
      both += brain[i]! & betMask[i]!;
    }
    const dice = (2 * both) / (a + b);
    console.log(`Colin27 automatic brain mask vs ch2bet: Dice ${dice.toFixed(3)} (${a} vs ${b} voxels)`);
    expect(dice).toBeGreaterThan(0.9);
  });

  it('orders the tissue classes and renders the known contrasts on a real slice', () => {
    const seg = segmentT1(colin, { brainMask: { kind: 'given', mask: betMask } });
    const [csf, gm, wm] = seg.brainCentres;
    expect(csf).toBeLessThan(gm);
    expect(gm).toBeLessThan(wm);
    const [dark, mid, bright] = seg.outsideCentres;
    expect(dark).toBeLessThan(mid);
    expect(mid).toBeLessThan(bright);
    const maps = sliceTissueMaps(seg, 100);
    const images = simulateSlice(maps, drawVirtualSubject(1), ['T1', 'T2', 'FLAIR'], 1);
    const mean = (img: Float32Array, tissue: 'csf' | 'gm' | 'wm') => {
      let s = 0;
      let n = 0;
      maps.memberships[tissue].forEach((u, i) => {
        if (u > 0.8) {
          s += img[i]!;
          n++;
        }
      });
      expect(n).toBeGreaterThan(50);
      return s / n;
    };
    expect(mean(images.T2!, 'csf')).toBeGreaterThan(mean(images.T2!, 'gm'));
    expect(mean(images.T1!, 'csf')).toBeLessThan(mean(images.T1!, 'gm'));
    expect(mean(images.T1!, 'wm')).toBeGreaterThan(mean(images.T1!, 'gm'));
    expect(mean(images.FLAIR!, 'csf')).toBeLessThan(mean(images.FLAIR!, 'wm'));
  });
});

describe('simulated dataset', () => {
  it('is in the imaging slice format, split by source subject, and rebuilt only when its inputs change', () => {
    const { dir, manifest } = buildSimulatedDataset();
    const m = manifest as SimulatedDatasetManifest;
    expect(m.channels).toEqual(['T1', 'T2', 'PD', 'FLAIR', 'T1ce']);
    const splitOf = new Map(m.subjects.map((s) => [s.id, s.split]));
    expect(splitOf.get('inia19')).toBe('val');
    expect(splitOf.get('colin27')).toBe('train');
    for (const v of m.simulation.virtualSubjects) expect(v.split).toBe(splitOf.get(v.subject));
    const train = readDataset(dir, 'train');
    expect(train.shape).toEqual([m.splits.train.count, 5, 64, 64]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBe(-1);
    expect(hi).toBe(1);
    expect(buildSimulatedDataset().built).toBe(false);
    // Different virtual subjects of one anatomy differ (tissue draws, noise, augmentation).
    const n = 5 * 64 * 64;
    const per = m.simulation.virtualSubjects[0]!.slices;
    expect(train.data.subarray(0, n)).not.toEqual(train.data.subarray(per * n, (per + 1) * n));
  });
});

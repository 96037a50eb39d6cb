import { describe, expect, it } from 'vitest';
import { simulateSlice } from './render';
import { emptyTissueMaps, type TissueMaps } from './segment';
import { drawVirtualSubject } from './virtualSubject';
import type { Tissue } from './tissues';

const REGIONS: Tissue[] = ['background', 'csf', 'gm', 'wm', 'fat', 'muscle', 'skull'];

const ROWS = 64;
const COLS = 16 * REGIONS.length;

/**
 * Pure-tissue columns interleaved (column x holds tissue x mod 7), so every tissue samples the
 * whole bias field and the comparison is between tissues, not between places.
 */
function stripes(): TissueMaps {
  const maps = emptyTissueMaps(ROWS, COLS);
  for (let y = 0; y < ROWS; y++) for (let x = 0; x < COLS; x++) maps.memberships[REGIONS[x % REGIONS.length]!][y * COLS + x] = 1;
  return maps;
}

function regionMeans(image: Float32Array): Record<Tissue, number> {
  const out = {} as Record<Tissue, number>;
  REGIONS.forEach((t, r) => {
    let s = 0;
    for (let y = 0; y < ROWS; y++) for (let x = r; x < COLS; x += REGIONS.length) s += image[y * COLS + x]!;
    out[t] = s / (ROWS * 16);
  });
  return out;
}

describe('simulated contrasts', () => {
  it('keep the known tissue orderings for 40 random virtual subjects, with noise and bias', () => {
    const maps = stripes();
    for (let seed = 0; seed < 40; seed++) {
      const subject = drawVirtualSubject(seed);
      const img = simulateSlice(maps, subject, ['T1', 'T2', 'PD', 'FLAIR', 'T1ce'], seed);
      const t1 = regionMeans(img.T1!);
      const t2 = regionMeans(img.T2!);
      const flair = regionMeans(img.FLAIR!);
      const pd = regionMeans(img.PD!);
      const t1ce = regionMeans(img.T1ce!);
      // T2-weighted: CSF bright, then GM, then WM.
      expect(t2.csf).toBeGreaterThan(t2.gm);
      expect(t2.gm).toBeGreaterThan(t2.wm);
      // T1-weighted: CSF dark, WM brighter than GM, fat brightest.
      expect(t1.wm).toBeGreaterThan(t1.gm);
      expect(t1.gm).toBeGreaterThan(t1.csf);
      expect(t1.fat).toBeGreaterThan(t1.wm);
      // FLAIR: CSF suppressed well below GM and WM (not to zero: the subject's CSF T1 differs from the one TI nulls, and noise has a floor).
      expect(flair.csf).toBeLessThan(0.7 * flair.wm);
      expect(flair.csf).toBeLessThan(0.7 * flair.gm);
      // PD-weighted: GM above WM.
      expect(pd.gm).toBeGreaterThan(pd.wm);
      // Skull and air carry only noise; gadolinium brightens muscle and leaves the brain alone.
      expect(t1.skull).toBeLessThan(0.2 * t1.wm);
      expect(t1ce.muscle).toBeGreaterThan(1.1 * t1.muscle);
      expect(Math.abs(t1ce.wm - t1.wm)).toBeLessThan(0.05 * t1.wm);
    }
  });

  it('adds Rician noise: pure background has the Rayleigh mean sigma sqrt(pi / 2)', () => {
    const maps = emptyTissueMaps(128, 128);
    maps.memberships.background.fill(1);
    const subject = { ...drawVirtualSubject(3), noiseLevel: 0.04, biasLevel: 0 };
    const img = simulateSlice(maps, subject, ['T2'], 1).T2!;
    // With no tissue, the noise reference is the brightest tissue's T2 signal for this subject.
    const mean = img.reduce((a, v) => a + v, 0) / img.length;
    const p = subject.tissues.csf;
    const brightest = Math.max(...(['csf', 'gm', 'wm', 'fat', 'muscle'] as const).map((t) => subject.tissues[t].pd * (1 - Math.exp(-4000 / subject.tissues[t].t1)) * Math.exp(-100 / subject.tissues[t].t2)));
    expect(p.pd).toBeGreaterThan(0);
    expect(mean).toBeCloseTo(0.04 * brightest * Math.sqrt(Math.PI / 2), 3);
    expect(img.every((v) => v >= 0)).toBe(true);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const maps = stripes();
    const s = drawVirtualSubject(11);
    expect(simulateSlice(maps, s, ['T1'], 4).T1).toEqual(simulateSlice(maps, s, ['T1'], 4).T1);
    expect(simulateSlice(maps, s, ['T1'], 5).T1).not.toEqual(simulateSlice(maps, s, ['T1'], 4).T1);
  });
});

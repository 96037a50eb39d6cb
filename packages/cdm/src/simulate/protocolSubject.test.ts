import { describe, expect, it } from 'vitest';
import { SIMULATED_MODALITIES } from '../modalities';
import { DEFAULT_PROTOCOL_SPLIT, SPLIT_NAMES, cellSplit } from './protocolCells';
import { PROTOCOL_CONTRASTS, PROTOCOL_RANGES } from './protocolRanges';
import { DEFAULT_PROTOCOL_PLAN, drawProtocolSubject, type ProtocolSubject } from './protocolSubject';
import { FIELD_TISSUE_TABLES } from './relaxometry';
import { simulateSlice } from './render';
import { emptyTissueMaps, type TissueMaps } from './segment';
import { effectiveT2, inversionTime, tissueSignal } from './sequences';
import { TISSUE_JITTER, TISSUES, type Tissue } from './tissues';

// Enough draws that every variant and every cell of every split is met many times; pure arithmetic, well under a second.
const PER_SPLIT = 400;
const subjects: ProtocolSubject[] = SPLIT_NAMES.flatMap((split, s) => Array.from({ length: PER_SPLIT }, (_, i) => drawProtocolSubject(10_000 * (s + 1) + i, split)));

/** Noise-free signal of pure tissue, computed here from the equations, not by the code under test's checks. */
function signal(subject: ProtocolSubject, contrast: keyof ProtocolSubject['protocols'], t: Tissue): number {
  const seq = subject.protocols[contrast].sequence;
  return tissueSignal(seq, subject.tissues[t], seq.kind === 'inversion-recovery' ? inversionTime(seq) : 0);
}

describe('protocol-varied virtual subjects', () => {
  it('draw tissue properties within the published ranges of their field strength, both fields', () => {
    const fields = new Set(subjects.map((s) => s.fieldStrength));
    expect([...fields].sort()).toEqual(['1.5T', '3T']);
    for (const s of subjects) {
      const table = FIELD_TISSUE_TABLES[s.fieldStrength];
      for (const t of TISSUES) {
        const r = table[t].range;
        const p = s.tissues[t];
        const inside = (x: number, [lo, hi]: readonly [number, number]) => x >= lo * (1 - TISSUE_JITTER) - 1e-9 && x <= hi * (1 + TISSUE_JITTER) + 1e-9;
        expect(inside(p.t1, r.t1) && inside(p.t2, r.t2) && inside(p.pd, r.pd)).toBe(true);
      }
      expect(s.tissues.wm.t1).toBeLessThan(s.tissues.gm.t1);
      expect(s.tissues.gm.t1).toBeLessThan(s.tissues.csf.t1);
      // T2* of white matter where 3 T (and 1.5 T) brain measurements put it.
      const wmT2s = effectiveT2(s.tissues.wm.t2, s.tissues.wm.r2Prime);
      if (s.fieldStrength === '3T') expect(wmT2s).toBeGreaterThan(38), expect(wmT2s).toBeLessThan(62);
      else expect(wmT2s).toBeGreaterThan(50), expect(wmT2s).toBeLessThan(72);
    }
  });

  it('draw every protocol within its variant\'s ranges (test draws beyond them on one parameter at most, within the outer band), in a cell of the subject\'s split', () => {
    let outside = 0;
    for (const s of subjects) {
      for (const c of PROTOCOL_CONTRASTS) {
        const p = s.protocols[c];
        const variant = PROTOCOL_RANGES[c].find((v) => v.kind === p.variant)!;
        const beyond = variant.axes.filter((a) => {
          const x = p.parameters[a.name]!;
          const [lo, hi] = a.range;
          const band = DEFAULT_PROTOCOL_SPLIT.outerBand * (hi - lo);
          expect(x).toBeGreaterThanOrEqual(lo - band);
          expect(x).toBeLessThanOrEqual(hi + band);
          return x < lo || x > hi;
        }).length;
        expect(beyond).toBeLessThanOrEqual(s.split === 'test' ? 1 : 0);
        expect(p.outsideRange).toBe(beyond === 1);
        outside += beyond;
        expect(cellSplit(p.cell, DEFAULT_PROTOCOL_SPLIT.bins)).toBe(s.split);
        expect(p.sequence.te).toBeLessThan(p.sequence.tr);
        if (s.split === 'train') expect(p.distanceToTraining).toBe(0);
        else expect(p.distanceToTraining!).toBeGreaterThan(0);
      }
    }
    // About outerShare of the test protocols lie beyond the ranges.
    expect(outside / (PER_SPLIT * PROTOCOL_CONTRASTS.length)).toBeGreaterThan(0.2);
    expect(outside / (PER_SPLIT * PROTOCOL_CONTRASTS.length)).toBeLessThan(0.4);
  });

  it('use every sequence variant of each contrast', () => {
    for (const c of PROTOCOL_CONTRASTS) {
      const seen = new Set(subjects.map((s) => s.protocols[c].variant));
      expect([...seen].sort()).toEqual(PROTOCOL_RANGES[c].map((v) => v.kind).sort());
    }
  });

  it('keep each contrast\'s character on every drawn protocol: T1 WM > GM > CSF, T2 CSF > GM > WM, FLAIR CSF dark, PD GM > WM', () => {
    for (const s of subjects) {
      const at = (c: 'T1' | 'T2' | 'PD' | 'FLAIR') => ({ csf: signal(s, c, 'csf'), gm: signal(s, c, 'gm'), wm: signal(s, c, 'wm') });
      const t1 = at('T1');
      const t2 = at('T2');
      const pd = at('PD');
      const flair = at('FLAIR');
      expect(t1.wm).toBeGreaterThan(t1.gm);
      expect(t1.gm).toBeGreaterThan(t1.csf);
      expect(t2.csf).toBeGreaterThan(t2.gm);
      expect(t2.gm).toBeGreaterThan(t2.wm);
      expect(pd.gm).toBeGreaterThan(pd.wm);
      expect(flair.csf).toBeLessThan(0.4 * flair.gm);
      expect(flair.csf).toBeLessThan(0.4 * flair.wm);
    }
  });

  it('rarely needs to redraw a protocol to keep its character (the ranges agree with the tissue ranges)', () => {
    const all = subjects.flatMap((s) => PROTOCOL_CONTRASTS.map((c) => s.protocols[c].attempts));
    const redrawn = all.filter((a) => a > 1).length / all.length;
    const tissueRedrawn = subjects.filter((s) => s.tissueDraws > 1).length / subjects.length;
    console.log(`protocol draws that needed a redraw: ${(100 * redrawn).toFixed(1)} %, most attempts ${Math.max(...all)}; subjects whose tissues were drawn again: ${(100 * tissueRedrawn).toFixed(1)} %`);
    expect(redrawn).toBeLessThan(0.2);
    expect(tissueRedrawn).toBeLessThan(0.05);
  });

  it('scan T1ce with the T1 protocol and gadolinium, and are reproducible from their seed', () => {
    const s = subjects[7]!;
    expect(s.contrasts.T1ce.sequence).toEqual(s.contrasts.T1.sequence);
    expect(s.contrasts.T1ce.contrastAgent?.relaxivity).toBe(s.fieldStrength === '3T' ? 3.7 : 4.1);
    expect(drawProtocolSubject(10_007, 'train')).toEqual(subjects[7]);
    expect(() => drawProtocolSubject(1, 'train', { ...DEFAULT_PROTOCOL_PLAN, testOnlyVariants: ['T2/spin-echo'] })).toThrow(/Every T2 variant is test-only/);
    expect(() => drawProtocolSubject(1, 'train', { ...DEFAULT_PROTOCOL_PLAN, testOnlyVariants: ['T2/gradient' as never] })).toThrow(/Unknown sequence variant/);
  });

  it('only the test split draws a test-only variant, and its distance to training is unknown (null)', () => {
    const plan = { ...DEFAULT_PROTOCOL_PLAN, testOnlyVariants: ['T1/inversion-recovery' as const] };
    for (let i = 0; i < 100; i++) {
      expect(drawProtocolSubject(i, 'train', plan).protocols.T1.variant).not.toBe('inversion-recovery');
      expect(drawProtocolSubject(i, 'val', plan).protocols.T1.variant).not.toBe('inversion-recovery');
    }
    const test = Array.from({ length: 100 }, (_, i) => drawProtocolSubject(i, 'test', plan).protocols.T1).filter((p) => p.variant === 'inversion-recovery');
    expect(test.length).toBeGreaterThan(10);
    for (const p of test) expect([p.variantTrained, p.distanceToTraining]).toEqual([false, null]);
  });
});

describe('rendered protocol-varied contrasts', () => {
  const REGIONS: Tissue[] = ['background', 'csf', 'gm', 'wm', 'fat', 'muscle', 'skull'];
  const ROWS = 48;
  const COLS = 12 * REGIONS.length;
  const maps: TissueMaps = emptyTissueMaps(ROWS, COLS);
  // Interleaved pure-tissue columns, so every tissue samples the whole bias field.
  for (let y = 0; y < ROWS; y++) for (let x = 0; x < COLS; x++) maps.memberships[REGIONS[x % REGIONS.length]!][y * COLS + x] = 1;
  const mean = (img: Float32Array, t: Tissue) => {
    const r = REGIONS.indexOf(t);
    let s = 0;
    for (let y = 0; y < ROWS; y++) for (let x = r; x < COLS; x += REGIONS.length) s += img[y * COLS + x]!;
    return s / (ROWS * 12);
  };

  it('keep the orderings with noise, bias and spatial variation, in every split', () => {
    for (const s of subjects.filter((_, i) => i % 20 === 0)) {
      const img = simulateSlice(maps, s, [...SIMULATED_MODALITIES], s.seed, s.contrasts);
      expect(mean(img.T1!, 'wm')).toBeGreaterThan(mean(img.T1!, 'gm'));
      expect(mean(img.T1!, 'gm')).toBeGreaterThan(mean(img.T1!, 'csf'));
      expect(mean(img.T2!, 'csf')).toBeGreaterThan(mean(img.T2!, 'gm'));
      expect(mean(img.T2!, 'gm')).toBeGreaterThan(mean(img.T2!, 'wm'));
      expect(mean(img.PD!, 'gm')).toBeGreaterThan(mean(img.PD!, 'wm'));
      expect(mean(img.FLAIR!, 'csf')).toBeLessThan(0.7 * mean(img.FLAIR!, 'gm'));
      expect(mean(img.T1ce!, 'muscle')).toBeGreaterThan(mean(img.T1!, 'muscle'));
    }
  });
});

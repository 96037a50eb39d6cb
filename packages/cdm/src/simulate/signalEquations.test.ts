import { describe, expect, it } from 'vitest';
import { CONTRAST_PRESETS, effectiveT2, enhancedT1, inversionTime, nullingInversionTime, tissueSignal } from './sequences';
import { drawTissueParameters, TISSUE_TABLE } from './tissues';
import { seededRandom } from './random';

describe('signal equations', () => {
  it('spin echo is PD (1 - e^(-TR/T1)) e^(-TE/T2)', () => {
    const s = tissueSignal({ kind: 'spin-echo', tr: 500, te: 12 }, { t1: 500, t2: 70, pd: 0.77 });
    expect(s).toBeCloseTo(0.77 * (1 - Math.exp(-1)) * Math.exp(-12 / 70), 12);
  });

  it('inversion recovery at the nulling TI gives CSF no signal, and magnitude elsewhere', () => {
    const csf = TISSUE_TABLE.csf.nominal;
    const ti = nullingInversionTime(csf.t1, 9000);
    expect(tissueSignal({ kind: 'inversion-recovery', tr: 9000, te: 120, ti }, csf)).toBeLessThan(1e-12);
    // Short TI: longitudinal magnetisation still negative; the magnitude is reported.
    const short = tissueSignal({ kind: 'inversion-recovery', tr: 9000, te: 10, ti: 100 }, { t1: 1000, t2: 100, pd: 1 });
    expect(short).toBeCloseTo(Math.abs(1 - 2 * Math.exp(-0.1) + Math.exp(-9)) * Math.exp(-0.1), 12);
    // FLAIR's TI nulls CSF at 1.5 T with TR 9 s: about 1.7 s.
    const flair = CONTRAST_PRESETS.FLAIR.sequence;
    expect(flair.kind === 'inversion-recovery' && inversionTime(flair)).toBeCloseTo(1704, -1);
  });

  it('gadolinium shortens T1 by 1/T1 + r1 C', () => {
    expect(enhancedT1(900, 4.1, 0.15)).toBeCloseTo(1 / (1 / 900 + 0.000615), 9);
    expect(enhancedT1(900, 4.1, 0)).toBe(900);
  });

  it('tissue draws keep the orderings of T1, T2 and PD between tissues', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 500; i++) {
      const p = drawTissueParameters(random);
      expect(p.wm.t1).toBeLessThan(p.gm.t1);
      expect(p.gm.t1).toBeLessThan(p.csf.t1);
      expect(p.wm.t2).toBeLessThan(p.gm.t2);
      expect(p.gm.t2).toBeLessThan(p.csf.t2);
      expect(p.wm.pd).toBeLessThan(p.gm.pd);
      expect(p.skull.pd).toBe(0);
    }
  });
});

describe('spoiled gradient echo', () => {
  it('is PD sin(a) (1 - E1) / (1 - cos(a) E1) e^(-TE/T2*), against a hand-computed value', () => {
    // T1 1000 ms, T2 80 ms, R2' 5 /s (T2* = 1 / (1/80 + 0.005) = 57.142857 ms), PD 0.8; TR 20 ms, TE 5 ms, 30 degrees:
    // E1 = e^-0.02 = 0.980199; 0.8 x 0.5 x 0.019801 / (1 - 0.866025 x 0.980199) x e^(-5/57.142857) = 0.04802007.
    expect(effectiveT2(80, 5)).toBeCloseTo(57.142857142857, 9);
    const s = tissueSignal({ kind: 'spoiled-gradient-echo', tr: 20, te: 5, flip: 30 }, { t1: 1000, t2: 80, pd: 0.8, r2Prime: 5 });
    expect(s).toBeCloseTo(0.0480200721753614, 12);
  });

  it('is saturation recovery at 90 degrees, peaks at the Ernst angle, and decays with T2*, not T2', () => {
    const p = { t1: 900, t2: 70, pd: 0.7, r2Prime: 8 };
    const at = (flip: number, te = 4) => tissueSignal({ kind: 'spoiled-gradient-echo', tr: 25, te, flip }, p);
    expect(at(90)).toBeCloseTo(0.7 * (1 - Math.exp(-25 / 900)) * Math.exp(-4 / effectiveT2(70, 8)), 12);
    const ernst = (Math.acos(Math.exp(-25 / 900)) * 180) / Math.PI;
    expect(at(ernst)).toBeGreaterThan(at(ernst - 1));
    expect(at(ernst)).toBeGreaterThan(at(ernst + 1));
    // A spin echo would lose e^(-TE/T2) between two echo times; the gradient echo loses e^(-TE/T2*), more.
    expect(at(20, 14) / at(20, 4)).toBeCloseTo(Math.exp(-10 / effectiveT2(70, 8)), 12);
    expect(tissueSignal({ kind: 'spoiled-gradient-echo', tr: 25, te: 4, flip: 20 }, { t1: 900, t2: 70, pd: 0.7 })).toBeGreaterThan(at(20));
  });

  it('leaves spin echoes untouched by R2\'', () => {
    const se = { kind: 'spin-echo', tr: 3000, te: 100 } as const;
    expect(tissueSignal(se, { t1: 900, t2: 70, pd: 0.7, r2Prime: 8 })).toBe(tissueSignal(se, { t1: 900, t2: 70, pd: 0.7 }));
  });
});

import { describe, expect, it } from 'vitest';
import { CONTRAST_PRESETS, enhancedT1, inversionTime, nullingInversionTime, tissueSignal } from './sequences';
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

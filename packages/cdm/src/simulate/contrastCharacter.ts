import type { SimulatedModality } from '../modalities';
import { enhancedT1, inversionTime, tissueSignal, type ContrastSpec } from './sequences';
import type { Tissue, TissueParameters } from './tissues';

/**
 * Whether a protocol gives its contrast's character for one subject's tissues: the orderings a
 * radiologist reads the contrast by. T1-weighted (and T1ce): WM > GM > CSF. T2-weighted:
 * CSF > GM > WM. PD-weighted: GM > WM, with CSF neither far brighter (T2-like) nor far darker
 * (T1-like) than GM. FLAIR: CSF suppressed below 0.4 of both GM and WM. Each strict order needs a
 * margin of `margin` (relative), so the contrast survives noise and partial volume; the values are
 * the noise-free signals of pure tissue. A protocol drawn for a subject that fails is drawn again.
 */
export interface CharacterCheck {
  ok: boolean;
  /** What failed, e.g. 'WM not above GM by 5 %'. */
  reason?: string;
  signals: Record<'csf' | 'gm' | 'wm', number>;
}

export const CHARACTER_MARGIN = 0.05;

export function checkContrastCharacter(contrast: SimulatedModality, spec: ContrastSpec, tissues: TissueParameters, margin = CHARACTER_MARGIN): CharacterCheck {
  const seq = spec.sequence;
  const ti = seq.kind === 'inversion-recovery' ? inversionTime(seq) : 0;
  const signal = (t: Tissue) => {
    const p = tissues[t];
    const mM = spec.contrastAgent?.concentration[t] ?? 0;
    return tissueSignal(seq, mM > 0 ? { ...p, t1: enhancedT1(p.t1, spec.contrastAgent!.relaxivity, mM) } : p, ti);
  };
  const s = { csf: signal('csf'), gm: signal('gm'), wm: signal('wm') };
  const above = (a: number, b: number) => a > b * (1 + margin);
  const fail = (reason: string): CharacterCheck => ({ ok: false, reason, signals: s });
  switch (contrast) {
    case 'T1':
    case 'T1ce':
      if (!above(s.wm, s.gm)) return fail(`WM not above GM by ${margin * 100} %`);
      if (!above(s.gm, s.csf)) return fail(`GM not above CSF by ${margin * 100} %`);
      break;
    case 'T2':
      if (!above(s.csf, s.gm)) return fail(`CSF not above GM by ${margin * 100} %`);
      if (!above(s.gm, s.wm)) return fail(`GM not above WM by ${margin * 100} %`);
      break;
    case 'PD':
      if (!above(s.gm, s.wm)) return fail(`GM not above WM by ${margin * 100} %`);
      if (!(s.csf < 1.5 * s.gm && s.csf > 0.4 * s.gm)) return fail('CSF outside 0.4-1.5 x GM (T1- or T2-like rather than PD-like)');
      break;
    case 'FLAIR':
      if (!(s.csf < 0.4 * s.gm && s.csf < 0.4 * s.wm)) return fail('CSF not suppressed below 0.4 x GM and WM');
      break;
  }
  return { ok: true, signals: s };
}

import { InvalidArgumentError } from '../errors.js';
import type { NormalizationStats } from './normalize.js';

/** A display window in HU: `center` (level) and `width`. */
export interface CtWindow {
  readonly center: number;
  readonly width: number;
}

/** Common CT window presets (HU), as radiology references list them. */
export const CT_WINDOWS = Object.freeze({
  brain: { center: 40, width: 80 },
  subdural: { center: 75, width: 215 },
  stroke: { center: 40, width: 40 },
  temporalBone: { center: 600, width: 2800 },
  headSoftTissue: { center: 40, width: 380 },
  lung: { center: -600, width: 1500 },
  mediastinum: { center: 50, width: 350 },
  abdomen: { center: 50, width: 400 },
  liver: { center: 30, width: 150 },
  bone: { center: 400, width: 1800 },
} as const satisfies Record<string, CtWindow>);

export type CtWindowName = keyof typeof CT_WINDOWS;

/** A preset by name; the error lists the names. */
export function ctWindow(name: string): CtWindow {
  const w = (CT_WINDOWS as Record<string, CtWindow>)[name];
  if (w === undefined) throw new InvalidArgumentError('ctWindow', `unknown CT window "${name}"; choose one of ${Object.keys(CT_WINDOWS).join(', ')}`);
  return w;
}

/**
 * Stats that map a window onto [-1, 1]: center - width/2 to -1, center + width/2 to +1 (a continuous
 * linear window, without DICOM's half-pixel display offsets). Use with applyNormalization and denormalize.
 */
export function windowStats(window: CtWindow): NormalizationStats {
  if (!(window.width > 0)) throw new InvalidArgumentError('windowStats', `window width must be positive, got ${window.width}`);
  return { low: window.center - window.width / 2, high: window.center + window.width / 2, method: 'window' };
}

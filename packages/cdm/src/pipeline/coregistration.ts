import { NotCoregisteredError } from '../errors';
import type { SliceInput } from './sliceInput';

/** How far two slices' geometries may differ and still count as one pixel grid. */
export interface CoregistrationTolerance {
  /** Relative difference of pixel spacings. */
  spacing: number;
  /** Distance between first-pixel centres, as a share of the smaller in-plane spacing. */
  originPixels: number;
  /** Largest difference of direction cosines. */
  direction: number;
}

export const DEFAULT_COREGISTRATION_TOLERANCE: Readonly<CoregistrationTolerance> = Object.freeze({ spacing: 1e-3, originPixels: 0.1, direction: 1e-3 });

const fmt = (v: readonly number[]) => `(${v.map((x) => Number(x.toFixed(3))).join(', ')})`;

/**
 * Checks that the source slices share one pixel grid, since CDM stacks them on the channel axis:
 * the same rows and columns; when both carry geometry, the same spacing, first-pixel position and
 * orientation (within `tolerance`); when both carry a FrameOfReferenceUID, the same one. Throws a
 * NotCoregisteredError naming each contrast and what differs. Slices without geometry are
 * compared by size only.
 */
export function checkCoregistered(images: Readonly<Record<string, SliceInput>>, tolerance: CoregistrationTolerance = DEFAULT_COREGISTRATION_TOLERANCE): void {
  const names = Object.keys(images);
  const [firstName, ...rest] = names;
  if (firstName === undefined) return;
  const a = images[firstName]!;
  const problems: string[] = [];
  const kinds = new Set<string>();
  for (const name of rest) {
    const b = images[name]!;
    if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
      problems.push(`${name} is ${b.shape[0]} x ${b.shape[1]} pixels but ${firstName} is ${a.shape[0]} x ${a.shape[1]}`);
      kinds.add('shape');
      continue;
    }
    if (a.frameOfReferenceUID && b.frameOfReferenceUID && a.frameOfReferenceUID !== b.frameOfReferenceUID) {
      problems.push(`${name} is in frame of reference ${b.frameOfReferenceUID} but ${firstName} in ${a.frameOfReferenceUID} (positions in different frames cannot be compared)`);
      kinds.add('frameOfReference');
    }
    const ga = a.geometry;
    const gb = b.geometry;
    if (!ga || !gb) continue;
    const spacingOff = [0, 1].some((i) => Math.abs(ga.spacing[i]! - gb.spacing[i]!) > tolerance.spacing * Math.max(ga.spacing[i]!, gb.spacing[i]!));
    if (spacingOff) {
      problems.push(`${name} has pixel spacing ${fmt(gb.spacing.slice(0, 2))} mm but ${firstName} ${fmt(ga.spacing.slice(0, 2))} mm`);
      kinds.add('spacing');
    }
    const distance = Math.hypot(ga.origin[0] - gb.origin[0], ga.origin[1] - gb.origin[1], ga.origin[2] - gb.origin[2]);
    if (distance > tolerance.originPixels * Math.min(ga.spacing[0], ga.spacing[1])) {
      problems.push(`${name}'s first pixel is at ${fmt(gb.origin)} mm but ${firstName}'s at ${fmt(ga.origin)} mm (${distance.toFixed(2)} mm apart)`);
      kinds.add('origin');
    }
    const directionOff = ga.direction.slice(0, 6).some((v, i) => Math.abs(v - gb.direction[i]!) > tolerance.direction);
    if (directionOff) {
      problems.push(`${name} is oriented ${fmt(gb.direction.slice(0, 6))} but ${firstName} ${fmt(ga.direction.slice(0, 6))}`);
      kinds.add('direction');
    }
  }
  if (problems.length) {
    throw new NotCoregisteredError(`The source slices are not co-registered: ${problems.join('; ')}. CDM needs every source on one pixel grid: pick slices at the same position from series of one session, or resample them onto one grid first.`, [...kinds]);
  }
}

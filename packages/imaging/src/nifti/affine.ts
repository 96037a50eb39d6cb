import { InvalidArgumentError } from '../errors.js';
import type { ImageGeometry, Mat3, Vec3 } from '../image.js';

/** A 4 x 4 affine as rows; maps voxel (i, j, k, 1) to world (x, y, z, 1). */
export type Affine = readonly (readonly number[])[];

/**
 * NIfTI affines are RAS+ (+x towards the patient's Right, +y Anterior, +z Superior); DICOM and our images
 * are LPS+ (+x Left, +y Posterior, +z Superior). Negating the first two rows converts one to the other.
 */
export function affineToGeometry(affineRAS: Affine): ImageGeometry {
  const m = [0, 1, 2].map((r) => affineRAS[r]!.map((x) => (r < 2 ? -x : x)));
  const spacing = [0, 1, 2].map((c) => Math.hypot(m[0]![c]!, m[1]![c]!, m[2]![c]!)) as unknown as Vec3;
  for (const s of spacing) if (!(s > 0)) throw new InvalidArgumentError('affineToGeometry', 'the affine has a zero column (a voxel size of 0)');
  const dir: number[] = [];
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) dir.push(m[r]![c]! / spacing[c]!);
  return { spacing, origin: [m[0]![3]!, m[1]![3]!, m[2]![3]!], direction: dir as unknown as Mat3 };
}

/** The RAS affine of a geometry (the inverse of affineToGeometry). */
export function geometryToAffine(g: ImageGeometry): number[][] {
  const rows: number[][] = [[], [], [], [0, 0, 0, 1]];
  for (let r = 0; r < 3; r++) {
    const sign = r < 2 ? -1 : 1;
    for (let c = 0; c < 3; c++) rows[r]!.push(sign * g.direction[c * 3 + r]! * g.spacing[c]!);
    rows[r]!.push(sign * g.origin[r]!);
  }
  return rows;
}

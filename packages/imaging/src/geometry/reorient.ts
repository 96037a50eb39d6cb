import { directionAxis, indexToWorld, type Mat3, type Volume } from '../image.js';

const LPS: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/**
 * Reorders and flips a volume's axes so that i runs towards patient Left, j towards Posterior and k
 * towards Superior (direction close to the identity in LPS). An axial slice (fixed k) then shows the
 * patient as radiologists view it (patient's right on the left of the screen, anterior at the top), for
 * every source, whatever order its file stored. Axes are matched to the world axis they are closest to;
 * oblique volumes keep their obliquity.
 */
export function reorientToLPS(volume: Volume): Volume {
  return reorientLike(volume, LPS);
}

/**
 * Reorders and flips a volume's axes so that each runs along the closest axis of `like` (the
 * columns i, j, k of a direction matrix, as in `ImageGeometry`): `reorientLike(reorientToLPS(v),
 * v.geometry.direction)` gives back v's storage order, so results are written as their input was.
 * No resampling: voxels are only moved, and the geometry still maps each to the same world point.
 */
export function reorientLike(volume: Volume, like: Mat3): Volume {
  const dirs = [0, 1, 2].map((a) => directionAxis(volume.geometry.direction, a as 0 | 1 | 2));
  const targets = [0, 1, 2].map((a) => directionAxis(like, a as 0 | 1 | 2));
  const dot = (u: readonly number[], v: readonly number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
  // For each target axis w, the volume axis closest to it and whether it runs backwards.
  const used = new Set<number>();
  const perm: number[] = [];
  const flip: boolean[] = [];
  for (let w = 0; w < 3; w++) {
    let best = -1;
    let bestAbs = -1;
    for (let a = 0; a < 3; a++) {
      if (used.has(a)) continue;
      const v = Math.abs(dot(dirs[a]!, targets[w]!));
      if (v > bestAbs) [best, bestAbs] = [a, v];
    }
    used.add(best);
    perm.push(best);
    flip.push(dot(dirs[best]!, targets[w]!) < 0);
  }
  const oldSizes = [volume.shape[2], volume.shape[1], volume.shape[0]]; // i, j, k
  if (perm.every((a, w) => a === w) && flip.every((f) => !f)) return volume;
  const newSizes = perm.map((a) => oldSizes[a]!);
  const [ni, nj, nk] = newSizes as [number, number, number];
  const [oi, oj] = oldSizes as [number, number, number];
  const out = new Float32Array(volume.data.length);
  const old = [0, 0, 0];
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const nw = [i, j, k];
        for (let w = 0; w < 3; w++) old[perm[w]!] = flip[w] ? newSizes[w]! - 1 - nw[w]! : nw[w]!;
        out[(k * nj + j) * ni + i] = volume.data[(old[2]! * oj + old[1]!) * oi + old[0]!]!;
      }
    }
  }
  // New origin: the old voxel that became (0, 0, 0).
  const corner = [0, 0, 0];
  for (let w = 0; w < 3; w++) corner[perm[w]!] = flip[w] ? newSizes[w]! - 1 : 0;
  const origin = indexToWorld(volume.geometry, corner[0]!, corner[1]!, corner[2]!);
  const direction = perm.flatMap((a, w) => dirs[a]!.map((x) => (flip[w] ? -x : x))) as unknown as Mat3;
  const spacing = perm.map((a) => volume.geometry.spacing[a]!) as unknown as [number, number, number];
  // Slices keep their DICOM references only while k stays the slice axis (reversed if k was flipped).
  const { dicom, files, ...rest } = volume.source;
  const sameK = perm[2] === 2;
  const perSlice = (xs: readonly string[]) => (xs.length === nk && sameK && flip[2] ? [...xs].reverse() : xs);
  const source = {
    ...rest,
    files: sameK ? perSlice(files) : files.length === nk ? [...new Set(files)] : files,
    ...(dicom && sameK ? { dicom: flip[2] ? [...dicom].reverse() : dicom } : {}),
  };
  return { ...volume, data: out, shape: [nk, nj, ni], geometry: { spacing, origin, direction }, source };
}

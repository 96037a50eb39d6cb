import { EmptyVolumeError, InconsistentGeometryError } from '../errors.js';
import { directionAxis, dot, type Image2D, type ImageSource, type Mat3, type Volume, type Vec3 } from '../image.js';

export interface RejectedSlice {
  readonly slice: Image2D;
  readonly error: InconsistentGeometryError;
}

function fileOf(s: Image2D): string | undefined {
  return s.source.files[0];
}

function planeKey(s: Image2D): string {
  const d = s.geometry.direction;
  const r = (x: number) => x.toFixed(4);
  return [s.shape[0], s.shape[1], r(d[0]), r(d[1]), r(d[2]), r(d[3]), r(d[4]), r(d[5]), s.geometry.spacing[0].toFixed(4), s.geometry.spacing[1].toFixed(4), s.frameOfReferenceUID ?? ''].join('|');
}

function describePlane(s: Image2D): string {
  const d = s.geometry.direction;
  return `${s.shape[0]}x${s.shape[1]}, orientation [${d.slice(0, 6).map((x) => +x.toFixed(4)).join(', ')}], spacing ${s.geometry.spacing[1]}x${s.geometry.spacing[0]} mm`;
}

/**
 * Builds one volume from the slices of a series. The in-plane layout most slices share (size,
 * orientation, pixel spacing, frame of reference) wins; slices that differ are returned in `rejected`
 * with an InconsistentGeometryError naming their file. The rest are sorted along the slice normal and
 * must be evenly spaced (within 1 % or 0.01 mm); a gap, a duplicate position or a step that changes
 * direction throws InconsistentGeometryError naming the file where it happens. A constant in-plane shift
 * per slice (CT gantry tilt) is kept in the k direction, which is then not orthogonal to the plane.
 */
export function assembleVolume(slices: readonly Image2D[], source: Omit<ImageSource, 'files' | 'dicom'> & { format: ImageSource['format'] }): { volume: Volume; rejected: RejectedSlice[] } {
  if (slices.length === 0) throw new EmptyVolumeError(undefined, 'no slices to assemble');
  const counts = new Map<string, number>();
  for (const s of slices) counts.set(planeKey(s), (counts.get(planeKey(s)) ?? 0) + 1);
  let bestKey = '';
  let best = -1;
  for (const [k, c] of counts) if (c > best) [bestKey, best] = [k, c];
  const kept: Image2D[] = [];
  const rejected: RejectedSlice[] = [];
  const ref = slices.find((s) => planeKey(s) === bestKey)!;
  for (const s of slices) {
    if (planeKey(s) === bestKey) kept.push(s);
    else rejected.push({ slice: s, error: new InconsistentGeometryError(fileOf(s), `image is ${describePlane(s)} (frame of reference ${s.frameOfReferenceUID ?? 'none'}) but the series is ${describePlane(ref)} (frame of reference ${ref.frameOfReferenceUID ?? 'none'})`) });
  }
  const normal = directionAxis(ref.geometry.direction, 2);
  const pos = (s: Image2D) => dot(s.geometry.origin, normal);
  kept.sort((a, b) => pos(a) - pos(b));
  const [rows, cols] = ref.shape;
  const n = rows * cols;
  const first = kept[0]!;
  let step: Vec3 = [0, 0, 0];
  let spacingK = ref.geometry.spacing[2];
  let dirK: Vec3 = normal;
  if (kept.length > 1) {
    // The typical step is the median one, so that a single gap is reported where it is.
    const steps = kept.slice(1).map((b, k) => [0, 1, 2].map((a) => b.geometry.origin[a]! - kept[k]!.geometry.origin[a]!));
    const byLength = steps.map((d) => Math.hypot(d[0]!, d[1]!, d[2]!)).map((len, k) => ({ len, k })).sort((x, y) => x.len - y.len);
    const med = steps[byLength[Math.floor((byLength.length - 1) / 2)]!.k]!;
    step = [med[0]!, med[1]!, med[2]!];
    spacingK = Math.hypot(step[0], step[1], step[2]);
    const tol = Math.max(0.01, 0.01 * spacingK);
    for (let k = 1; k < kept.length; k++) {
      const a = kept[k - 1]!;
      const b = kept[k]!;
      const d = [0, 1, 2].map((i) => b.geometry.origin[i]! - a.geometry.origin[i]!);
      const err = Math.hypot(d[0]! - step[0], d[1]! - step[1], d[2]! - step[2]);
      if (pos(b) - pos(a) < tol) throw new InconsistentGeometryError(fileOf(b), `it is at the same position as ${fileOf(a) ?? 'another image'} (${pos(b).toFixed(3)} mm along the normal)`);
      if (err > tol) {
        throw new InconsistentGeometryError(
          fileOf(b),
          `slice spacing is not even: ${Math.hypot(d[0]!, d[1]!, d[2]!).toFixed(3)} mm from ${fileOf(a) ?? 'the previous image'} where the series steps ${spacingK.toFixed(3)} mm (missing or extra slices?)`,
        );
      }
    }
    dirK = [step[0] / spacingK, step[1] / spacingK, step[2] / spacingK];
  }
  const data = new Float32Array(kept.length * n);
  kept.forEach((s, k) => data.set(s.data, k * n));
  const d = ref.geometry.direction;
  const direction: Mat3 = [d[0], d[1], d[2], d[3], d[4], d[5], dirK[0], dirK[1], dirK[2]];
  const dicom = kept.flatMap((s) => s.source.dicom ?? []);
  const volume: Volume = {
    data,
    shape: [kept.length, rows, cols],
    geometry: { spacing: [ref.geometry.spacing[0], ref.geometry.spacing[1], spacingK], origin: first.geometry.origin, direction },
    ...(ref.frameOfReferenceUID === undefined ? {} : { frameOfReferenceUID: ref.frameOfReferenceUID }),
    ...(ref.modality === undefined ? {} : { modality: ref.modality }),
    source: { ...source, files: kept.map((s) => fileOf(s) ?? ''), ...(dicom.length ? { dicom } : {}) },
  };
  return { volume, rejected };
}

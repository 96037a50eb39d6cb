import { InconsistentGeometryError } from '../errors.js';
import { cross, type ImageGeometry, type Mat3, type Vec3 } from '../image.js';
import { num, nums } from './datasetValues.js';
import { frameMacro } from './frameAttributes.js';
import type { NaturalDataset } from './parseDicom.js';

function unit(v: Vec3, what: string, file?: string): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 1e-6)) throw new InconsistentGeometryError(file, `${what} is a zero vector`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * Geometry of frame k of an instance (k is 0-based): ImagePositionPatient, ImageOrientationPatient and
 * PixelSpacing from the per-frame or shared functional groups or the top level. Classic multi-frame
 * objects (RT Dose, NM) that give only GridFrameOffsetVector get positions along the normal.
 * Images without geometry (secondary captures) get the identity placement at the origin, spacing 1.
 */
export function frameGeometry(ds: NaturalDataset, k: number, file?: string): ImageGeometry {
  const orientMacro = frameMacro(ds, k, 'PlaneOrientationSequence');
  const posMacro = frameMacro(ds, k, 'PlanePositionSequence');
  const measures = frameMacro(ds, k, 'PixelMeasuresSequence');
  const iop = nums(orientMacro, 'ImageOrientationPatient') ?? nums(ds, 'ImageOrientationPatient') ?? [1, 0, 0, 0, 1, 0];
  if (iop.length !== 6) throw new InconsistentGeometryError(file, `ImageOrientationPatient has ${iop.length} values, 6 expected`);
  const row = unit([iop[0]!, iop[1]!, iop[2]!], 'the row direction of ImageOrientationPatient', file);
  const col = unit([iop[3]!, iop[4]!, iop[5]!], 'the column direction of ImageOrientationPatient', file);
  const normal = unit(cross(row, col), 'the slice normal (row x column)', file);
  const ps = nums(measures, 'PixelSpacing') ?? nums(ds, 'PixelSpacing') ?? nums(ds, 'ImagerPixelSpacing') ?? [1, 1];
  // PixelSpacing is [row spacing (between rows, along j), column spacing (along i)].
  const rowSpacing = ps[0] ?? 1;
  const colSpacing = ps[1] ?? rowSpacing;
  const sliceSpacing = num(measures, 'SpacingBetweenSlices') ?? num(ds, 'SpacingBetweenSlices') ?? num(measures, 'SliceThickness') ?? num(ds, 'SliceThickness') ?? 1;
  let ipp = nums(posMacro, 'ImagePositionPatient') ?? nums(ds, 'ImagePositionPatient') ?? [0, 0, 0];
  if (ipp.length !== 3) throw new InconsistentGeometryError(file, `ImagePositionPatient has ${ipp.length} values, 3 expected`);
  const perFrameHasPosition = posMacro !== ds;
  if (!perFrameHasPosition && k > 0) {
    const offsets = nums(ds, 'GridFrameOffsetVector');
    // GridFrameOffsetVector offsets are along the normal; frame 0 sits at ImagePositionPatient (PS3.3 C.8.8.3.2).
    const off = offsets?.[k] !== undefined ? offsets[k]! - (offsets[0] ?? 0) : k * sliceSpacing;
    ipp = [ipp[0]! + off * normal[0], ipp[1]! + off * normal[1], ipp[2]! + off * normal[2]];
  }
  const direction: Mat3 = [row[0], row[1], row[2], col[0], col[1], col[2], normal[0], normal[1], normal[2]];
  return { spacing: [colSpacing, rowSpacing, Math.abs(sliceSpacing) || 1], origin: [ipp[0]!, ipp[1]!, ipp[2]!], direction };
}

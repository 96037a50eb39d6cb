import { resize2d, type Volume } from '@meddiff/imaging';

/**
 * Resamples each axial slice so its rows and columns have the same spacing (the finer of the two;
 * bilinear), keeping the origin (so positions may shift by under a pixel). Slices are squared and shrunk by pixel count later
 * (tissueMapsGeometry.ts), so anisotropic pixels (a coronal acquisition read axially, 2 x 3 mm) would
 * otherwise squash the anatomy. Isotropic volumes are returned as they are.
 */
export function inPlaneIsotropic(volume: Volume): Volume {
  const [si, sj] = volume.geometry.spacing;
  if (Math.abs(si - sj) <= 1e-3 * Math.max(si, sj)) return volume;
  const [depth, rows, cols] = volume.shape;
  const s = Math.min(si, sj);
  const newCols = Math.max(1, Math.round((cols * si) / s));
  const newRows = Math.max(1, Math.round((rows * sj) / s));
  const data = new Float32Array(depth * newRows * newCols);
  for (let k = 0; k < depth; k++) {
    const slice = volume.data.subarray(k * rows * cols, (k + 1) * rows * cols);
    data.set(resize2d(slice, rows, cols, newRows, newCols, 'bilinear'), k * newRows * newCols);
  }
  const spacing = [(cols * si) / newCols, (rows * sj) / newRows, volume.geometry.spacing[2]] as const;
  return { ...volume, data, shape: [depth, newRows, newCols], geometry: { ...volume.geometry, spacing } };
}

import type { DatasetManifest, DatasetSplitName } from './manifest.js';

/**
 * What a model trained on a dataset's split expects of its input, for its model card
 * (diffusion-core's InputSpecification): the modalities and planes it saw, the pixel spacing of the
 * slices as the network read them (each slice fitted to the dataset's square across its longer side,
 * then zoomed by `zoom` when training crops larger slices), the intensity mapping and the channels.
 */
export function datasetInputSpecification(
  manifest: DatasetManifest,
  options: { split?: DatasetSplitName; zoom?: readonly [number, number]; channels?: readonly string[] } = {},
): { modalities: string[]; planes: string[]; pixelSpacingMm: [number, number] | null; intensity: string; channels: string[] } {
  const volumes = manifest.volumes.filter((v) => v.split === (options.split ?? 'train'));
  const [zoomLow, zoomHigh] = options.zoom ?? [1, 1];
  const side = manifest.size[0];
  // Shape [depth, rows, cols], spacing [i (cols), j (rows), k (depth)]: the in-plane extents of each plane's slices.
  const spacings = volumes.map((v) => {
    const [d, r, c] = v.shape;
    const [si, sj, sk] = v.spacing;
    const extents = { axial: [c * si, r * sj], coronal: [c * si, d * sk], sagittal: [r * sj, d * sk] }[v.plane ?? 'axial'];
    return Math.max(...extents) / side;
  });
  const n = manifest.normalization;
  return {
    modalities: [...new Set(volumes.map((v) => v.modality))].sort(),
    planes: [...new Set(volumes.map((v) => v.plane ?? 'axial'))].sort(),
    pixelSpacingMm: spacings.length ? [round(Math.min(...spacings) / zoomHigh), round(Math.max(...spacings) / zoomLow)] : null,
    intensity: `each volume's ${n.lowPercentile ?? 0.5} and ${n.highPercentile ?? 99.5} percentiles (over ${n.over ?? 'all'} voxels) mapped to -1 and 1${n.clip === false ? '' : ', clipped'}`,
    channels: [...(options.channels ?? manifest.channels)],
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

import { OPEN_SOURCES, type OpenSource } from './openSources.js';
import type { SplitPlan } from './splitPlan.js';

/** The corpus dataset's name at a slice size: `corpus-64`, `corpus-128`. */
export function corpusDatasetName(size: number): string {
  return `corpus-${size}`;
}

/** Every open source the corpus uses (those marked inCorpus). */
export function corpusSources(): OpenSource[] {
  return OPEN_SOURCES.filter((s) => s.inCorpus);
}

/**
 * The corpus split, by subject, chosen by hand (see the package README for the reasoning in full):
 *
 * - Only four CT subjects exist here, so each split gets at least one and training keeps the one large
 *   head CT (cranium) plus the thorax slice (nema-ct1).
 * - test holds what training never sees: a subject of another body region and protocol (the abdominal
 *   CT angiogram), a scanner maker no training scan has (Toshiba, nema-mr1), a modality none has
 *   (nuclear medicine, nema-nm1), an unseen head MRI with anisotropic 2 x 2 x 3 mm voxels
 *   (itk-kmeans-t1) and a sagittal head MRI (matplotlib-s1045).
 * - val holds another MR contrast family (EPI functional and diffusion MRI), a low-resolution T1 and
 *   the rat thorax, plus the CQ500 head CT (its upstream licence is non-commercial, so the weights are
 *   never trained on it).
 * - train holds the rest, the bulk of the slices: Colin27 with its BrainWeb simulations (T1 and PD),
 *   the macaque template, diffusion b=0, the other T1 heads, the abdominal MRI, the head CT and the
 *   thorax CT.
 */
export const CORPUS_SPLIT_PLAN: SplitPlan = Object.freeze({
  val: Object.freeze(['cq500-ct-310', 'dipy-piesno', 'itk-rat-lung', 'nibabel-fsl-example', 'nibabel-spm-anat']),
  test: Object.freeze(['imageio-stent', 'itk-kmeans-t1', 'matplotlib-s1045', 'nema-mr1', 'nema-nm1']),
});

import { items } from './datasetValues.js';
import type { NaturalDataset } from './parseDicom.js';

/**
 * Enhanced multi-frame objects keep per-frame attributes inside functional groups
 * (PerFrameFunctionalGroupsSequence, then SharedFunctionalGroupsSequence); classic objects keep them at
 * the top level. Returns the dataset in which to look up `macro` attributes for frame `k` (0-based): the
 * first item of the named macro sequence found per frame, then shared, else the top-level dataset.
 */
export function frameMacro(ds: NaturalDataset, k: number, macro: string): NaturalDataset {
  const perFrame = items(ds, 'PerFrameFunctionalGroupsSequence')[k];
  const fromPerFrame = items(perFrame, macro)[0];
  if (fromPerFrame !== undefined) return fromPerFrame;
  const shared = items(ds, 'SharedFunctionalGroupsSequence')[0];
  const fromShared = items(shared, macro)[0];
  if (fromShared !== undefined) return fromShared;
  return ds;
}

import { NoMaskError } from '../errors.js';
import type { CornerstoneGlobals, OhifServices } from '../ohif/ohifTypes.js';
import type { ActiveSlice } from './activeSlice.js';
import { maskArea, rectangleMask, segmentMask, worldToPixel } from './inpaintMask.js';

export type MaskSource = 'segment' | 'rectangle';

/** Two imageIds name the same image when equal, or when one is the other with a scheme prefix. */
function sameImage(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const strip = (s: string) => s.replace(/^[a-z]+:/i, '');
  return a === b || strip(a) === strip(b);
}

function fromSegment(services: OhifServices, slice: ActiveSlice, cs: CornerstoneGlobals): Uint8Array | undefined {
  const seg = services.segmentationService?.getActiveSegmentation(slice.viewportId);
  const segmentIndex = services.segmentationService?.getActiveSegment(slice.viewportId)?.segmentIndex;
  if (!seg || !segmentIndex) return undefined;
  const labelmapId = cs.cornerstoneTools?.segmentation?.getCurrentLabelmapImageIdForViewport?.(slice.viewportId, seg.segmentationId);
  const labels = labelmapId ? cs.cornerstone.cache.getImage(labelmapId) : undefined;
  if (!labels) return undefined;
  const data = labels.voxelManager?.getScalarData() ?? labels.getPixelData();
  if (data.length !== slice.image.data.length) return undefined;
  const mask = segmentMask(data, segmentIndex);
  return maskArea(mask) > 0 ? mask : undefined;
}

function fromRectangle(slice: ActiveSlice, cs: CornerstoneGlobals): Uint8Array | undefined {
  const all = cs.cornerstoneTools?.annotation?.state?.getAllAnnotations?.() ?? [];
  const rects = all.filter((a) => a.metadata?.toolName === 'RectangleROI' && sameImage(a.metadata.referencedImageId, slice.imageId));
  const last = rects[rects.length - 1];
  const points = last?.data?.handles?.points;
  if (!points?.length) return undefined;
  const [rows, columns] = slice.image.shape;
  const mask = rectangleMask(rows, columns, points.map((p) => worldToPixel(slice.image.geometry, p)));
  return maskArea(mask) > 0 ? mask : undefined;
}

/**
 * The region to inpaint on the active slice: the active segment of the active labelmap when it has
 * pixels on this slice, else the most recent Rectangle annotation on this slice. Throws NoMaskError
 * when there is neither.
 */
export function readInpaintMask(services: OhifServices, slice: ActiveSlice, cs: CornerstoneGlobals): { mask: Uint8Array; source: MaskSource } {
  const segment = fromSegment(services, slice, cs);
  if (segment) return { mask: segment, source: 'segment' };
  const rect = fromRectangle(slice, cs);
  if (rect) return { mask: rect, source: 'rectangle' };
  throw new NoMaskError();
}

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

/**
 * The labelmap images of a segmentation that lie on the active image. cornerstone3D 4 (OHIF 3.13)
 * looks them up by image; older versions by viewport; the representation data maps referenced
 * images to labelmap images as a last resort.
 */
function labelmapImageIds(cs: CornerstoneGlobals, services: OhifServices, slice: ActiveSlice, segmentationId: string, perImage: boolean): string[] {
  const seg = cs.cornerstoneTools?.segmentation;
  const byImage = seg?.getLabelmapImageIdsForImageId?.(slice.imageId, segmentationId);
  if (byImage?.length) return byImage;
  // The viewport's labelmap is the one of the slice it shows: no answer for another slice.
  const byViewport = perImage ? undefined : (seg?.getCurrentLabelmapImageIdsForViewport?.(slice.viewportId, segmentationId) ?? seg?.getCurrentLabelmapImageIdForViewport?.(slice.viewportId, segmentationId));
  if (byViewport) return Array.isArray(byViewport) ? byViewport : [byViewport];
  const labelmap = services.segmentationService?.getSegmentation?.(segmentationId)?.representationData?.Labelmap;
  const k = labelmap?.referencedImageIds?.indexOf(slice.imageId) ?? -1;
  const id = k >= 0 ? labelmap?.imageIds?.[k] : undefined;
  return id ? [id] : [];
}

function fromSegment(services: OhifServices, slice: ActiveSlice, cs: CornerstoneGlobals, perImage: boolean): Uint8Array | undefined {
  const seg = services.segmentationService?.getActiveSegmentation(slice.viewportId);
  const segmentIndex = services.segmentationService?.getActiveSegment(slice.viewportId)?.segmentIndex;
  if (!seg || !segmentIndex) return undefined;
  const mask = new Uint8Array(slice.image.data.length);
  for (const id of labelmapImageIds(cs, services, slice, seg.segmentationId, perImage)) {
    const labels = cs.cornerstone.cache.getImage(id);
    const data = labels ? (labels.voxelManager?.getScalarData() ?? labels.getPixelData()) : undefined;
    if (!data || data.length !== mask.length) continue;
    const part = segmentMask(data, segmentIndex);
    for (let i = 0; i < mask.length; i++) mask[i] = mask[i]! | part[i]!;
  }
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
 * when there is neither. `perImage` (a slice of a whole-series run, not the one shown) looks the
 * labelmap up by the slice's image only.
 */
export function readInpaintMask(services: OhifServices, slice: ActiveSlice, cs: CornerstoneGlobals, { perImage = false } = {}): { mask: Uint8Array; source: MaskSource } {
  const segment = fromSegment(services, slice, cs, perImage);
  if (segment) return { mask: segment, source: 'segment' };
  const rect = fromRectangle(slice, cs);
  if (rect) return { mask: rect, source: 'rectangle' };
  throw new NoMaskError();
}

import { describe, expect, it } from 'vitest';
import { ColourImageError } from '../errors.js';
import { sliceGeometry, toModalityUnits } from './activeSlice.js';
import { checkGreyscale, describeNonImage } from './inputChecks.js';
import { maskArea, rectangleMask, segmentMask, worldToPixel } from './inpaintMask.js';

describe('inputs from the viewer', () => {
  it('recognises series that are not images by SOP class, then by modality', () => {
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.88.22' })).toMatch(/structured report/);
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.88.59' })).toMatch(/key object/);
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.66.4' })).toMatch(/segmentation \(SEG\)/);
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.104.1' })).toMatch(/PDF/);
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.481.3' })).toMatch(/RTSTRUCT/);
    expect(describeNonImage({ modality: 'SR' })).toMatch(/structured report/);
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.4', modality: 'MR' })).toBeUndefined();
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.2', modality: 'CT' })).toBeUndefined();
    // 1.2.840.10008.5.1.4.1.1.6.1 is ultrasound, not "1.2.840.10008.5.1.4.1.1.66".
    expect(describeNonImage({ sopClassUID: '1.2.840.10008.5.1.4.1.1.6.1' })).toBeUndefined();
  });

  it('accepts greyscale and refuses colour images', () => {
    expect(() => checkGreyscale({ photometricInterpretation: 'MONOCHROME2', samplesPerPixel: 1 })).not.toThrow();
    expect(() => checkGreyscale({ photometricInterpretation: 'MONOCHROME1' })).not.toThrow();
    expect(() => checkGreyscale({ photometricInterpretation: 'RGB', samplesPerPixel: 3 })).toThrow(ColourImageError);
    expect(() => checkGreyscale({ photometricInterpretation: 'YBR_FULL_422' })).toThrow(/colour image \(YBR_FULL_422\)/);
    expect(() => checkGreyscale({ photometricInterpretation: 'MONOCHROME2', color: true })).toThrow(ColourImageError);
  });

  it('applies the rescale only when the loader has not', () => {
    const image = { rows: 1, columns: 3, getPixelData: () => new Int16Array([0, 10, 20]) };
    expect(Array.from(toModalityUnits(image, { RescaleSlope: 2, RescaleIntercept: -1024 }))).toEqual([-1024, -1004, -984]);
    expect(Array.from(toModalityUnits({ ...image, preScale: { scaled: true } }, { RescaleSlope: 2, RescaleIntercept: -1024 }))).toEqual([0, 10, 20]);
    expect(Array.from(toModalityUnits({ ...image, voxelManager: { getScalarData: () => new Float32Array([1, 2, 3]) } }, {}))).toEqual([1, 2, 3]);
  });

  it('reads the image plane: spacing along columns first, direction with its normal', () => {
    const g = sliceGeometry({ PixelSpacing: [0.5, 0.7], SliceThickness: 3, ImageOrientationPatient: [0, 1, 0, 0, 0, -1], ImagePositionPatient: [10, 20, 30] });
    expect(g.spacing).toEqual([0.7, 0.5, 3]);
    expect(g.origin).toEqual([10, 20, 30]);
    expect(Array.from(g.direction)).toEqual([0, 1, 0, 0, 0, -1, -1, 0, 0]);
  });

  it('builds inpainting masks from a rectangle in patient coordinates and from a segment', () => {
    // Non-square pixels (0.5 mm across, 2 mm down) on a plane rotated about z.
    const c = Math.cos(0.4);
    const sn = Math.sin(0.4);
    const geometry = { spacing: [0.5, 2, 1], origin: [10, -20, 5], direction: [c, sn, 0, -sn, c, 0, 0, 0, 1] };
    const world = (i: number, j: number) => [10 + i * 0.5 * c - j * 2 * sn, -20 + i * 0.5 * sn + j * 2 * c, 5];
    const [i, j] = worldToPixel(geometry, world(3.25, 7.5));
    expect(i).toBeCloseTo(3.25, 10);
    expect(j).toBeCloseTo(7.5, 10);
    // Corners between pixel centres 2..4.5 (i) and 1..3.2 (j): pixels i = 2, 3, 4 by j = 1, 2, 3.
    const corners = [world(2, 1), world(4.5, 1), world(4.5, 3.2), world(2, 3.2)].map((p) => worldToPixel(geometry, p));
    const m = rectangleMask(6, 8, corners);
    expect(maskArea(m)).toBe(9);
    expect(m[1 * 8 + 2]).toBe(1);
    expect(m[3 * 8 + 4]).toBe(1);
    expect(m[4 * 8 + 4]).toBe(0);
    expect(m[1 * 8 + 5]).toBe(0);
    // Clipped to the image.
    expect(maskArea(rectangleMask(4, 4, [[-3, -3], [10, 10]]))).toBe(16);
    expect(maskArea(rectangleMask(4, 4, []))).toBe(0);
    expect(Array.from(segmentMask([0, 1, 2, 2, 1], 2))).toEqual([0, 0, 1, 1, 0]);
  });
});

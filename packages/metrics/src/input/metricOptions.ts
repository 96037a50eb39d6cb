import type { MaskInput } from './maskInput';
import type { SpatialDims } from './optionChecks';

/** Options shared by every image metric. */
export interface RegionOptions {
  /** Score only where the mask is 1 (e.g. the inpainted region). */
  readonly mask?: MaskInput;
  /** 2 (default) for slices, 3 for volumes; decides how the input's axes are read. */
  readonly spatialDims?: SpatialDims;
}

/** Options of metrics whose constants depend on the intensity scale. */
export interface RangeOptions extends RegionOptions {
  /** Span of the intensity scale (1 for [0, 1], 2 for [-1, 1], 255 for 8-bit). Required. */
  readonly dataRange: number;
  /**
   * An image whose max - min exceeds dataRange * (1 + rangeTolerance) is
   * rejected with DataRangeError, which catches images on different scales.
   * Default 0.1; Infinity turns the check off.
   */
  readonly rangeTolerance?: number;
}

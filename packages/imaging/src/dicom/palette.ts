/**
 * Colour palettes for PALETTE COLOR images (PS3.3 C.7.6.3.1.5-6): 256 entries, 16 bits per channel.
 * A palette turns a map of one quantity (the spread of a model's samples) into colour that any DICOM
 * viewer shows as it is, with no presentation state to apply.
 */

export interface ColorPalette {
  /** Said in ImageComments and in the series' description of its scale. */
  readonly name: string;
  readonly red: Uint16Array;
  readonly green: Uint16Array;
  readonly blue: Uint16Array;
}

export const PALETTE_ENTRIES = 256;

/** A channel that rises linearly from 0 at entry `from` to full at entry `to`, full after. */
function ramp(from: number, to: number): Uint16Array {
  const out = new Uint16Array(PALETTE_ENTRIES);
  for (let i = 0; i < PALETTE_ENTRIES; i++) out[i] = Math.round(65535 * Math.min(1, Math.max(0, (i - from) / (to - from))));
  return out;
}

/**
 * Black through red and yellow to white: brightness rises monotonically with the value, so the map
 * reads the same in greyscale print, and the hue separates low, middle and high at a glance.
 */
export const HEAT_PALETTE: ColorPalette = {
  name: 'heat (black, red, yellow, white)',
  red: ramp(0, 96),
  green: ramp(96, 192),
  blue: ramp(192, 255),
};

/** The palette index of each value: `range[0]` maps to 0, `range[1]` and above to 255. */
export function paletteIndices(values: Float32Array, range: readonly [number, number]): Uint8Array {
  const [lo, hi] = range;
  if (!(hi > lo)) throw new RangeError(`paletteIndices: range must rise, got [${lo}, ${hi}]`);
  const scale = (PALETTE_ENTRIES - 1) / (hi - lo);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Math.min(PALETTE_ENTRIES - 1, Math.max(0, (values[i]! - lo) * scale)));
  return out;
}

/**
 * Greyscale RGBA pixels for a canvas: values windowed between their 1st and 99th percentiles
 * (robust to a few extreme pixels), as a viewer's default window does.
 */
export function toGreyRgba(pixels: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  const n = pixels.length;
  const sorted = Float32Array.from(pixels).sort();
  const lo = sorted[Math.floor(0.01 * (n - 1))] ?? 0;
  const hi = sorted[Math.ceil(0.99 * (n - 1))] ?? 1;
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const rgba = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    const g = (pixels[i]! - lo) * scale;
    rgba[4 * i] = g;
    rgba[4 * i + 1] = g;
    rgba[4 * i + 2] = g;
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

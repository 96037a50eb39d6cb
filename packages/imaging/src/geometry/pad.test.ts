import { describe, expect, it } from 'vitest';
import { cropPadding, padTo, padToMultiple } from './pad.js';

describe('padding', () => {
  const d = Float32Array.from({ length: 3 * 5 }, (_, i) => i + 1);
  it('pads to a multiple and crops back to the same pixels', () => {
    for (const mode of ['constant', 'edge', 'reflect'] as const) {
      const p = padToMultiple(d, 3, 5, 8, { mode, value: -1 });
      expect([p.rows, p.cols]).toEqual([8, 8]);
      expect(p.padding).toEqual({ top: 2, bottom: 3, left: 1, right: 2 });
      expect(Array.from(cropPadding(p.data, 8, 8, p.padding))).toEqual(Array.from(d));
    }
  });
  it('fills as asked', () => {
    const c = padTo(d, 3, 5, 3, 7, { mode: 'constant', value: -1 }).data;
    expect(Array.from(c.subarray(0, 7))).toEqual([-1, 1, 2, 3, 4, 5, -1]);
    const e = padTo(d, 3, 5, 3, 9, { mode: 'edge' }).data;
    expect(Array.from(e.subarray(0, 9))).toEqual([1, 1, 1, 2, 3, 4, 5, 5, 5]);
    const r = padTo(d, 3, 5, 3, 9, { mode: 'reflect' }).data;
    expect(Array.from(r.subarray(0, 9))).toEqual([3, 2, 1, 2, 3, 4, 5, 4, 3]);
    const end = padTo(d, 3, 5, 4, 6, { align: 'end' });
    expect(end.padding).toEqual({ top: 0, bottom: 1, left: 0, right: 1 });
  });
  it('an exact multiple is unchanged', () => {
    const p = padToMultiple(d, 3, 5, 1);
    expect(Array.from(p.data)).toEqual(Array.from(d));
  });
});

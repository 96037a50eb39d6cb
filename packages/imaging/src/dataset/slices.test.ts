import { describe, expect, it } from 'vitest';
import { chooseSlices, splitSubjects, squareSlice, volumeToSlices } from './slices.js';
import type { Volume } from '../image.js';

describe('slices for training', () => {
  it('splits subjects, never slices, reproducibly', () => {
    const subjects = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const s1 = splitSubjects([...subjects, 'a', 'b'], 0.25, 7);
    const s2 = splitSubjects([...subjects].reverse(), 0.25, 7);
    expect(s1).toEqual(s2);
    expect(s1.val).toHaveLength(2);
    expect([...s1.train, ...s1.val].sort()).toEqual(subjects);
    expect(s1.train.filter((x) => s1.val.includes(x))).toEqual([]);
    expect(splitSubjects(['only'], 0.25, 0)).toEqual({ train: ['only'], val: [] });
    expect(splitSubjects(['x', 'y'], 0.1, 0).val).toHaveLength(1);
  });
  it('chooses foreground slices, evenly spaced', () => {
    expect(chooseSlices([0, 0.5, 0.5, 0.5, 0.5, 0.5, 0], 0.1, 3)).toEqual([1, 3, 5]);
  });
  it('squares a slice: pads with -1, then resizes', () => {
    const s = squareSlice(new Float32Array(2 * 4).fill(1), 2, 4, 8);
    expect(s.length).toBe(64);
    expect(s[0]).toBe(-1);
    expect(s[4 * 8 + 4]).toBe(1);
  });
  it('volumeToSlices normalises per volume and returns the stats that undo it', () => {
    const shape: [number, number, number] = [6, 10, 10];
    const data = Float32Array.from({ length: 600 }, (_, i) => (Math.floor(i / 100) === 0 ? 0 : 100 + (i % 37)));
    const v: Volume = { data, shape, geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, source: { format: 'array', files: [] } };
    const r = volumeToSlices(v, { size: 16, maxSlices: 10 });
    expect(r.indices).toEqual([1, 2, 3, 4, 5]); // slice 0 is all background
    for (const s of r.slices) for (const x of s) expect(Math.abs(x)).toBeLessThanOrEqual(1);
    expect(r.stats.high).toBeGreaterThan(r.stats.low);
  });
});

import { describe, expect, it } from 'vitest';
import { parseFrameList } from './frameList.js';

describe('parseFrameList', () => {
  it('reads the frames asked for, in order', () => {
    expect(parseFrameList('3,1, 2', 3)).toEqual([3, 1, 2]);
  });

  it('refuses repeated frames, more frames than the instance has, and junk', () => {
    expect(() => parseFrameList('1,1', 4)).toThrow(/listed twice/);
    expect(() => parseFrameList(Array(2000).fill(1).join(','), 1)).toThrow(/2000 frames asked for, but the instance has 1/);
    expect(() => parseFrameList('0', 1)).toThrow(/not a positive integer/);
    expect(() => parseFrameList('1.5', 2)).toThrow(/not a positive integer/);
    expect(() => parseFrameList('', 2)).toThrow(/not a positive integer/);
    expect(() => parseFrameList('5', 2)).toThrow(expect.objectContaining({ status: 404 }));
  });
});

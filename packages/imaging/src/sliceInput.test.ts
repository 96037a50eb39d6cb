import { describe, expect, it } from 'vitest';
import { sliceProblem } from './sliceInput.js';

describe('sliceProblem', () => {
  const slice = (rows: number, cols: number) => ({ data: new Float32Array(rows * cols), shape: [rows, cols] as const });

  it('accepts a 2-D Float32Array slice and says what is wrong with anything else', () => {
    expect(sliceProblem(slice(8, 9), 'the slice', 8)).toBeUndefined();
    expect(sliceProblem({ data: new Float32Array(8), shape: [2, 2, 2] } as never, 'source T1', 2)).toMatch(/^source T1 must be a 2-D slice.*one slice at a time/);
    expect(sliceProblem({ data: [1, 2, 3, 4], shape: [2, 2] } as never, 'the slice', 2)).toMatch(/Float32Array/);
    expect(sliceProblem(slice(4, 9), 'source T2', 8)).toBe('source T2 must have at least 8 x 8 pixels, got 4 x 9.');
    expect(sliceProblem({ data: new Float32Array(10), shape: [4, 4] }, 'the slice', 2)).toBe('the slice has 10 values but its shape is 4 x 4.');
    const nan = slice(3, 3);
    nan.data[5] = Number.NaN;
    expect(sliceProblem(nan, 'the slice', 2)).toMatch(/pixel 5 \(row 1, column 2\) is NaN/);
  });
});

import { describe, expect, it } from 'vitest';
import { allCells, cellOf, cellSplit, distanceToTraining, drawProtocolValues, SPLIT_NAMES, validateProtocolSplit } from './protocolCells';
import { PROTOCOL_CONTRASTS, PROTOCOL_RANGES, type SequenceVariant } from './protocolRanges';
import { seededRandom } from './random';

const variant: SequenceVariant = { kind: 'spin-echo', axes: [{ name: 'tr', range: [400, 800] }, { name: 'te', range: [10, 20] }], description: 'test' };

describe('protocol cells', () => {
  it('give every cell one split; with 4 bins half train, a quarter each val and test, each split meeting every bin of every parameter (Latin square)', () => {
    for (const k of [1, 2, 3]) {
      const cells = allCells(k, 4);
      expect(cells.length).toBe(4 ** k);
      const by = Object.fromEntries(SPLIT_NAMES.map((s) => [s, cells.filter((c) => cellSplit(c, 4) === s)]));
      expect(by.train!.length).toBe(cells.length / 2);
      expect(by.val!.length).toBe(cells.length / 4);
      expect(by.test!.length).toBe(cells.length / 4);
      if (k > 1) for (const s of SPLIT_NAMES) for (let d = 0; d < k; d++) expect(new Set(by[s]!.map((c) => c[d])).size).toBe(4);
    }
    // By hand, 2 parameters: (0,0) sums to 0 (test), (1,1) to 2 (val), (0,1) to 1 (train), (3,1) to 0 (test).
    expect([cellSplit([0, 0], 4), cellSplit([1, 1], 4), cellSplit([0, 1], 4), cellSplit([3, 1], 4), cellSplit([-1, 2], 4), cellSplit([2, 4], 4)]).toEqual(['test', 'val', 'train', 'test', 'test', 'test']);
  });

  it('place values in bins and measure the distance to the nearest training cell in range widths', () => {
    expect(cellOf(variant, { tr: 400, te: 10 }, 4)).toEqual([0, 0]);
    expect(cellOf(variant, { tr: 799, te: 20 }, 4)).toEqual([3, 3]);
    expect(cellOf(variant, { tr: 390, te: 21 }, 4)).toEqual([-1, 4]);
    // (0.5 + 0.5) / 4 of TR, inside cell (1, 0), a training cell: distance 0.
    expect(distanceToTraining(variant, { tr: 550, te: 11 }, 4)).toBe(0);
    // Centre of test cell (0, 0) at u = (0.125, 0.125): nearest training cells (1, 0) and (0, 1) are 0.125 away.
    expect(distanceToTraining(variant, { tr: 450, te: 11.25 }, 4)).toBeCloseTo(0.125, 12);
    // 10 % of the TR range below it, TE in a cell whose neighbours (bin 0 of TR) are train: (0, 1) is train, so 0.1.
    expect(distanceToTraining(variant, { tr: 360, te: 13.75 }, 4)).toBeCloseTo(0.1, 12);
  });

  it('draw every split only inside its own cells; the test draws beyond the range lie on one parameter within the band', () => {
    const random = seededRandom(4);
    for (const c of PROTOCOL_CONTRASTS) {
      for (const v of PROTOCOL_RANGES[c]) {
        for (const split of SPLIT_NAMES) {
          for (let i = 0; i < 300; i++) {
            const { values, cell, outside } = drawProtocolValues(v, split, random);
            expect(cellSplit(cell, 4)).toBe(split);
            const beyond = v.axes.filter((a) => values[a.name]! < a.range[0] || values[a.name]! > a.range[1]);
            expect(beyond.length).toBe(outside ? 1 : 0);
            for (const a of beyond) expect(Math.abs(values[a.name]! - (values[a.name]! < a.range[0] ? a.range[0] : a.range[1]))).toBeLessThanOrEqual(0.15 * (a.range[1] - a.range[0]));
            if (outside) expect(split).toBe('test');
          }
        }
      }
    }
  });

  it('refuse plans that cannot give each split its own cells', () => {
    expect(() => validateProtocolSplit({ bins: 2, outerBand: 0.1, outerShare: 0.2 })).toThrow(/at least 3/);
    expect(() => validateProtocolSplit({ bins: 4, outerBand: 0.9, outerShare: 0.2 })).toThrow(/outerBand/);
  });
});

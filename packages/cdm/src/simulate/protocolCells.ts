import { ConfigError } from '@meddiff/diffusion-core';
import { SPLIT_NAMES, type DatasetSplitName } from '@meddiff/imaging';
import type { Random } from './random';
import type { ProtocolParameter, SequenceVariant } from './protocolRanges';

/**
 * How protocol settings are split between train, val and test, so that a model is judged on
 * settings it never trained on. Each parameter's range is cut into `bins` equal bins; a variant's
 * parameter space is then a grid of cells (bins^k for k parameters), and a cell belongs to one split
 * by the sum of its bin indices modulo `bins`: 0 is test, bins/2 (rounded down) is val, the rest train
 * (for 4 bins: half the cells train, a quarter each val and test). Every split so covers every bin
 * of every parameter but never another split's combination of them (a Latin-square design): test
 * settings are new combinations, each parameter within the range trained on. On top, a share of the
 * test draws (`outerShare`) lies outside the whole range on one parameter, by up to `outerBand` of
 * its width: settings beyond anything trained on, to show how quality falls off outside the ranges.
 */
/** The dataset splits (the imaging package's slice format names them). */
export { SPLIT_NAMES };
export type SplitName = DatasetSplitName;

export interface ProtocolSplitPlan {
  bins: number;
  /** Test draws outside the range go up to this share of its width beyond it. */
  outerBand: number;
  /** Share of test draws taken outside the range (on one parameter). */
  outerShare: number;
}

export const DEFAULT_PROTOCOL_SPLIT: Readonly<ProtocolSplitPlan> = Object.freeze({ bins: 4, outerBand: 0.15, outerShare: 0.3 });

export function validateProtocolSplit(p: ProtocolSplitPlan): void {
  if (!Number.isInteger(p.bins) || p.bins < 3) throw new ConfigError(`protocol split bins must be an integer of at least 3 (one residue each for train, val and test), got ${p.bins}.`);
  if (!(p.outerBand >= 0 && p.outerBand <= 0.5)) throw new ConfigError(`protocol split outerBand must be in [0, 0.5] (a share of each range's width), got ${p.outerBand}.`);
  if (!(p.outerShare >= 0 && p.outerShare <= 1)) throw new ConfigError(`protocol split outerShare must be in [0, 1], got ${p.outerShare}.`);
}

/** The split a cell belongs to; a bin outside [0, bins) (beyond the range) is always test. */
export function cellSplit(cell: readonly number[], bins: number): SplitName {
  if (cell.some((b) => b < 0 || b >= bins)) return 'test';
  const r = cell.reduce((a, b) => a + b, 0) % bins;
  if (r === 0) return 'test';
  return r === Math.floor(bins / 2) ? 'val' : 'train';
}

/** Every cell of a k-parameter grid inside the ranges. */
export function allCells(k: number, bins: number): number[][] {
  let cells: number[][] = [[]];
  for (let d = 0; d < k; d++) cells = cells.flatMap((c) => Array.from({ length: bins }, (_, b) => [...c, b]));
  return cells;
}

/** The cell that parameter values fall in (bins -1 and `bins` for values below and above the range). */
export function cellOf(variant: SequenceVariant, values: Readonly<Partial<Record<ProtocolParameter, number>>>, bins: number): number[] {
  return variant.axes.map((a) => {
    const x = values[a.name];
    if (x === undefined) throw new ConfigError(`Protocol values lack ${a.name} for a ${variant.kind} protocol.`);
    const u = (x - a.range[0]) / (a.range[1] - a.range[0]);
    if (u < 0) return -1;
    if (u >= 1) return u === 1 ? bins - 1 : bins;
    return Math.min(bins - 1, Math.floor(u * bins));
  });
}

/**
 * Distance, in units of each range's width, from the values to the nearest training cell (0 inside
 * one): how far a setting lies from anything a model trained on, for reporting quality against it.
 */
export function distanceToTraining(variant: SequenceVariant, values: Readonly<Partial<Record<ProtocolParameter, number>>>, bins: number): number {
  const u = variant.axes.map((a) => (values[a.name]! - a.range[0]) / (a.range[1] - a.range[0]));
  let best = Infinity;
  for (const cell of allCells(variant.axes.length, bins)) {
    if (cellSplit(cell, bins) !== 'train') continue;
    let d2 = 0;
    cell.forEach((b, i) => {
      const lo = b / bins;
      const hi = (b + 1) / bins;
      const gap = Math.max(0, lo - u[i]!, u[i]! - hi);
      d2 += gap * gap;
    });
    best = Math.min(best, d2);
  }
  return Math.sqrt(best);
}

/** Draws parameter values for `split`: uniformly in a uniformly chosen cell of that split (or, for a share of test draws, beyond the range on one parameter). */
export function drawProtocolValues(variant: SequenceVariant, split: SplitName, random: Random, plan: ProtocolSplitPlan = DEFAULT_PROTOCOL_SPLIT): { values: Partial<Record<ProtocolParameter, number>>; cell: number[]; outside: boolean } {
  validateProtocolSplit(plan);
  const k = variant.axes.length;
  const cells = allCells(k, plan.bins);
  const outside = split === 'test' && plan.outerBand > 0 && random.uniform() < plan.outerShare;
  const values: Partial<Record<ProtocolParameter, number>> = {};
  if (outside) {
    // Inside the range on every parameter but one, which lies beyond the low or the high end.
    const pushed = Math.min(k - 1, Math.floor(random.uniform() * k));
    const above = random.uniform() < 0.5;
    variant.axes.forEach((a, i) => {
      const [lo, hi] = a.range;
      const w = hi - lo;
      // Strictly beyond the end (1e-6 of the band at least), so the cell is never an inside one.
      const beyond = w * plan.outerBand * random.between(1e-6, 1);
      values[a.name] = i === pushed ? (above ? hi + beyond : lo - beyond) : random.between(lo, hi);
    });
  } else {
    const mine = cells.filter((c) => cellSplit(c, plan.bins) === split);
    const cell = mine[Math.min(mine.length - 1, Math.floor(random.uniform() * mine.length))]!;
    variant.axes.forEach((a, i) => {
      const [lo, hi] = a.range;
      const w = (hi - lo) / plan.bins;
      // Kept off the cell's far edge, where rounding could put the value in the next cell (another split).
      values[a.name] = lo + w * (cell[i]! + random.between(0, 1 - 1e-9));
    });
  }
  const cell = cellOf(variant, values, plan.bins);
  if (cellSplit(cell, plan.bins) !== split) throw new ConfigError(`drawProtocolValues: a ${split} draw fell in a ${cellSplit(cell, plan.bins)} cell (${cell.join(',')}); this is a bug, please report it.`);
  return { values, cell, outside };
}

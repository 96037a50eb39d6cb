import { InvalidOptionError } from '../errors';

/** Number of spatial axes of one image: 2 for slices, 3 for volumes. */
export type SpatialDims = 2 | 3;

export function checkSpatialDims(fn: string, value: unknown): SpatialDims {
  if (value === undefined) return 2;
  if (value !== 2 && value !== 3) {
    throw new InvalidOptionError(`${fn}: spatialDims must be 2 or 3, got ${String(value)}.`);
  }
  return value;
}

export function checkPositive(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(
      `${fn}: ${name} must be a finite number > 0, got ${String(value)}.` +
        (name === 'dataRange' ? ' Pass the span of the intensity scale, e.g. 1 for [0, 1], 2 for [-1, 1], 255 for 8-bit.' : ''),
    );
  }
  return value;
}

export function checkNonNegative(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new InvalidOptionError(`${fn}: ${name} must be a number >= 0 (Infinity allowed), got ${String(value)}.`);
  }
  return value;
}

export function checkPositiveInteger(fn: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`${fn}: ${name} must be an integer >= ${min}, got ${String(value)}.`);
  }
  return value;
}

export function checkOneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionError(
      `${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`,
    );
  }
  return value as T;
}

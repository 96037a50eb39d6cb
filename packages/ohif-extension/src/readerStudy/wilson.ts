/** The standard normal quantile at 0.975: a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

export interface ProportionInterval {
  low: number;
  high: number;
}

/**
 * Wilson's score interval for a binomial proportion (Wilson 1927; the method scipy's
 * `binomtest(...).proportion_ci(method='wilson')` uses): k successes in n trials, `z` the normal
 * quantile of the confidence level (95 % by default). Unlike the Wald interval it stays inside
 * [0, 1] and is not empty at k = 0 or k = n, the usual case of a short reader study.
 */
export function wilsonInterval(k: number, n: number, z = Z_95): ProportionInterval {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`wilsonInterval: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`wilsonInterval: k must be an integer in [0, ${n}], got ${k}`);
  if (!(z > 0)) throw new RangeError(`wilsonInterval: z must be positive, got ${z}`);
  const z2 = z * z;
  // (1) centre and half-width of the score interval.
  const centre = (k + z2 / 2) / (n + z2);
  const half = (z / (n + z2)) * Math.sqrt((k * (n - k)) / n + z2 / 4);
  // (2) at k = 0 and k = n one end is exactly the boundary (rounding would leave 1e-17).
  return { low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

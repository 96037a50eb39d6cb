/**
 * The exact two-sided binomial test of k successes in n trials against success probability p0
 * (50 %: a reader who cannot tell the real slice from the model's). The p-value is the total
 * probability, under p0, of every outcome no more likely than the one observed, the definition
 * scipy's `binomtest(k, n, p0, alternative='two-sided')` uses (with its relative tolerance 1e-7
 * for ties).
 */
export function binomialTestTwoSided(k: number, n: number, p0 = 0.5): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`binomialTestTwoSided: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`binomialTestTwoSided: k must be an integer in [0, ${n}], got ${k}`);
  if (!(p0 > 0 && p0 < 1)) throw new RangeError(`binomialTestTwoSided: p0 must be in (0, 1), got ${p0}`);
  const logPmf = binomialLogPmf(n, p0);
  const threshold = logPmf[k]! + Math.log1p(1e-7);
  let p = 0;
  for (let i = 0; i <= n; i++) if (logPmf[i]! <= threshold) p += Math.exp(logPmf[i]!);
  return Math.min(1, p);
}

/** log P(X = i) for X ~ Binomial(n, p), i = 0..n, with the binomial coefficients built up in log space. */
function binomialLogPmf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let logC = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    out[i] = logC + i * lp + (n - i) * lq;
  }
  return out;
}

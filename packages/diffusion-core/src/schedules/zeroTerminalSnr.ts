/**
 * Lin et al. 2024, "Common diffusion noise schedules and sample steps are flawed", Algorithm 1:
 * shift and scale sqrt(alpha-bar) so that the last step has zero SNR and the first is unchanged.
 * Only v- or x0-prediction models can be trained on the result (epsilon is undefined at zero SNR).
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const n = betas.length;
  const sqrtAbar = new Float64Array(n);
  let cum = 1;
  for (let i = 0; i < n; i++) {
    cum *= 1 - betas[i]!;
    sqrtAbar[i] = Math.sqrt(cum);
  }
  const first = sqrtAbar[0]!;
  const last = sqrtAbar[n - 1]!;
  for (let i = 0; i < n; i++) sqrtAbar[i] = ((sqrtAbar[i]! - last) * first) / (first - last);
  const out = new Float64Array(n);
  let prev = 1;
  for (let i = 0; i < n; i++) {
    const abar = sqrtAbar[i]! ** 2;
    out[i] = 1 - abar / prev;
    prev = abar;
  }
  return out;
}

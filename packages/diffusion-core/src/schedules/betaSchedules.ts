import { ConfigError } from '../errors';

/** Options every beta schedule receives; a schedule may ignore the ones it does not use. */
export interface BetaScheduleOptions {
  betaStart: number;
  betaEnd: number;
}

/** A pure function from the number of training steps to the betas, in float64. */
export type BetaScheduleFn = (numTrainTimesteps: number, options: BetaScheduleOptions) => Float64Array;

const MAX_BETA = 0.999;

function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = start + ((end - start) * i) / (n - 1);
  return out;
}

/** Betas from a continuous alpha-bar function on [0, 1]: beta_i = 1 - abar(t_{i+1}) / abar(t_i), clipped. */
function betasFromAlphaBar(n: number, alphaBar: (t: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), MAX_BETA);
  }
  return out;
}

/** Ho et al. 2020: betas evenly spaced. Med-cDiff uses T = 2000, 1e-4 to 0.02. */
const linear: BetaScheduleFn = (n, { betaStart, betaEnd }) => linspace(betaStart, betaEnd, n);

/** Latent-diffusion schedule: square roots of the betas evenly spaced. CDM's MDN uses 0.0015 to 0.0195, T = 1000. */
const scaledLinear: BetaScheduleFn = (n, { betaStart, betaEnd }) =>
  linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), n).map((b) => b * b);

/** Nichol and Dhariwal 2021, eq. 17, with offset s = 0.008. */
const cosine: BetaScheduleFn = (n) => {
  const s = 0.008;
  return betasFromAlphaBar(n, (t) => Math.cos((((t + s) / (1 + s)) * Math.PI) / 2) ** 2);
};

/** Jabri et al. 2023 (RIN), sigmoid alpha-bar with start -3, end 3, tau 1. */
const sigmoid: BetaScheduleFn = (n) => {
  const start = -3;
  const end = 3;
  const tau = 1;
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  const vStart = sig(start / tau);
  const vEnd = sig(end / tau);
  // alpha-bar reaches exactly 0 at t = 1; clip like the other schedules so the last beta stays < 1.
  return betasFromAlphaBar(n, (t) => Math.max((vEnd - sig((t * (end - start) + start) / tau)) / (vEnd - vStart), 1e-12));
};

const builtIn = { linear, 'scaled-linear': scaledLinear, cosine, sigmoid } as const;

/** The names of the built-in beta schedules. */
export type BuiltInBetaSchedule = keyof typeof builtIn;

/**
 * Named beta schedules. A registry (rather than a switch) so a user can add one and still save it
 * by name in a JSON config. Registration is explicit, never an import side effect.
 */
export class BetaScheduleRegistry {
  private readonly schedules = new Map<string, BetaScheduleFn>(Object.entries(builtIn));

  register(name: string, fn: BetaScheduleFn): void {
    if (this.schedules.has(name)) throw new ConfigError(`Beta schedule '${name}' is already registered.`);
    this.schedules.set(name, fn);
  }

  names(): string[] {
    return [...this.schedules.keys()];
  }

  get(name: string): BetaScheduleFn {
    const fn = this.schedules.get(name);
    if (!fn) {
      throw new ConfigError(`Unknown beta schedule '${name}'. Allowed: ${this.names().join(', ')}. Register your own with betaSchedules.register(name, fn).`);
    }
    return fn;
  }
}

/** The registry every NoiseSchedule reads from. */
export const betaSchedules = new BetaScheduleRegistry();

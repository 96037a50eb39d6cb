import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';
import type { NoiseSchedule } from '../schedules/noiseSchedule';
import { toX0AndEpsilon } from '../schedules/parameterization';
import { BaseScheduler, type SchedulerOptions, type StepResult } from './scheduler';
import { processX0 } from './x0Processing';

/**
 * The reverse-process variance. Ho et al. 2020, sec. 3.2, found both work:
 * `beta` (sigma_t^2 = beta_t, the upper bound; Med-cDiff's choice) and
 * `posterior` (sigma_t^2 = beta-tilde_t, eq. 7, the lower bound).
 */
export type DdpmVariance = 'beta' | 'posterior';

export interface DdpmOptions extends SchedulerOptions {
  variance: DdpmVariance;
}

/**
 * Ancestral DDPM sampling (Ho et al. 2020, Algorithm 2), written through x0 so that it also
 * works with fewer steps than training: between chosen timesteps t > s the effective beta is
 * 1 - ab_t / ab_s, and with every step chosen this is exactly the paper's update.
 */
export class DdpmScheduler extends BaseScheduler {
  readonly name = 'DDPM';
  readonly stochastic = true;
  readonly variance: DdpmVariance;

  constructor(schedule: NoiseSchedule, options: Partial<DdpmOptions> = {}) {
    super(schedule, options);
    this.variance = options.variance ?? 'beta';
    if (this.variance !== 'beta' && this.variance !== 'posterior') {
      throw new ConfigError(`Unknown DDPM variance '${String(this.variance)}'. Allowed: beta, posterior.`);
    }
  }

  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise?: tf.Tensor): StepResult {
    const s = this.nextTimestep(t);
    const isLast = s < 0;
    const z = isLast ? undefined : this.requireNoise(noise, sample);
    return tf.tidy(() => {
      const abT = this.schedule.alphaBar(t);
      const abS = this.schedule.alphaBar(s);
      const beta = 1 - abT / abS;
      // 1. predicted x0 from the network output, then clipped or thresholded.
      const { x0 } = toX0AndEpsilon(this.predictionType, modelOutput, sample, abT);
      const predX0 = processX0(x0, this.x0Processing);
      // 2. posterior mean, eq. 7: coef1 * x0 + coef2 * x_t.
      const coef1 = (Math.sqrt(abS) * beta) / (1 - abT);
      const coef2 = (Math.sqrt(1 - beta) * (1 - abS)) / (1 - abT);
      const mean = tf.add(tf.mul(predX0, coef1), tf.mul(sample, coef2));
      if (isLast || !z) return { prevSample: mean, predX0 };
      // 3. add noise with the chosen variance (none at the last step, Algorithm 2 line 3).
      const variance = this.variance === 'beta' ? beta : Math.max((beta * (1 - abS)) / (1 - abT), 1e-20);
      return { prevSample: tf.add(mean, tf.mul(z, Math.sqrt(variance))), predX0 };
    });
  }
}

import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors';
import type { NoiseSchedule } from '../schedules/noiseSchedule';
import { epsilonFromX0, toX0AndEpsilon } from '../schedules/parameterization';
import { BaseScheduler, type SchedulerOptions, type StepResult } from './scheduler';
import { processX0 } from './x0Processing';

export interface DdimOptions extends SchedulerOptions {
  /** 0 gives the deterministic DDIM sampler; 1 matches DDPM's posterior variance. */
  eta: number;
}

/** Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12. */
export class DdimScheduler extends BaseScheduler {
  readonly name = 'DDIM';
  readonly eta: number;

  constructor(schedule: NoiseSchedule, options: Partial<DdimOptions> = {}) {
    super(schedule, options);
    this.eta = options.eta ?? 0;
    if (!(this.eta >= 0)) throw new ConfigError(`DDIM eta must be >= 0, got ${this.eta}.`);
  }

  get stochastic(): boolean {
    return this.eta > 0;
  }

  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, noise?: tf.Tensor): StepResult {
    const s = this.nextTimestep(t);
    const abT = this.schedule.alphaBar(t);
    const abS = this.schedule.alphaBar(s);
    // eq. 16: sigma_t(eta); zero at the last step, where ab_s = 1.
    const sigma = this.eta * Math.sqrt(((1 - abS) / (1 - abT)) * (1 - abT / abS));
    const z = sigma > 0 ? this.requireNoise(noise, sample) : undefined;
    return tf.tidy(() => {
      // 1. predicted x0, clipped; the noise is recomputed from the clipped x0 so both stay consistent.
      const { x0 } = toX0AndEpsilon(this.predictionType, modelOutput, sample, abT);
      const predX0 = processX0(x0, this.x0Processing);
      const eps = epsilonFromX0(predX0, sample, abT);
      // 2. eq. 12: sqrt(ab_s) x0 + sqrt(1 - ab_s - sigma^2) eps + sigma z.
      const dir = tf.mul(eps, Math.sqrt(Math.max(1 - abS - sigma * sigma, 0)));
      let prev = tf.add(tf.mul(predX0, Math.sqrt(abS)), dir);
      if (z) prev = tf.add(prev, tf.mul(z, sigma));
      return { prevSample: prev, predX0 };
    });
  }
}

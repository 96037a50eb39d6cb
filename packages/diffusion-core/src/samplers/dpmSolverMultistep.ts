import * as tf from '@tensorflow/tfjs-core';
import type { NoiseSchedule } from '../schedules/noiseSchedule';
import { toX0AndEpsilon } from '../schedules/parameterization';
import { BaseScheduler, type SchedulerOptions, type StepResult } from './scheduler';
import { processX0 } from './x0Processing';

export interface DpmSolverOptions extends SchedulerOptions {
  /** Use the first-order update at the last step when there are fewer than 15 steps (more stable). */
  lowerOrderFinal: boolean;
}

/**
 * DPM-Solver++(2M), Lu et al. 2022, "DPM-Solver++", Algorithm 2: a second-order multistep solver
 * of the diffusion ODE in data-prediction form, with lambda = log(alpha / sigma).
 * Deterministic; keeps the previous x0 prediction between steps.
 */
export class DpmSolverMultistepScheduler extends BaseScheduler {
  readonly name = 'DPM-Solver++(2M)';
  readonly stochastic = false;
  override readonly multistep = true;
  readonly lowerOrderFinal: boolean;
  private previous: { x0: tf.Tensor; lambda: number } | null = null;

  constructor(schedule: NoiseSchedule, options: Partial<DpmSolverOptions> = {}) {
    super(schedule, { timestepSpacing: 'logsnr', ...options });
    this.lowerOrderFinal = options.lowerOrderFinal ?? true;
  }

  override reset(): void {
    this.previous?.x0.dispose();
    this.previous = null;
  }

  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor): StepResult {
    const s = this.nextTimestep(t);
    const abT = this.schedule.alphaBar(t);
    const abS = this.schedule.alphaBar(s);
    const lambdaT = 0.5 * Math.log(abT / (1 - abT));
    const result = tf.tidy(() => {
      // 1. data prediction x0_theta(x_t, t), clipped.
      const { x0 } = toX0AndEpsilon(this.predictionType, modelOutput, sample, abT);
      const predX0 = processX0(x0, this.x0Processing);
      // 2. at the clean end (sigma_s = 0) the ODE solution is the x0 estimate itself.
      if (s < 0) return { prevSample: predX0.clone(), predX0 };
      const lambdaS = 0.5 * Math.log(abS / (1 - abS));
      const h = lambdaS - lambdaT;
      const sigmaRatio = Math.sqrt((1 - abS) / (1 - abT));
      const expm1 = Math.expm1(-h); // e^{-h} - 1, accurate for small h
      const isFinal = this.nextTimestep(s) < 0;
      const useFirstOrder = !this.previous || (this.lowerOrderFinal && isFinal && this.timesteps.length < 15);
      // 3. D = x0 (first order) or the second-order combination of the last two x0 predictions (eq. 9 of Alg. 2).
      let d: tf.Tensor = predX0;
      if (!useFirstOrder && this.previous) {
        const r = (lambdaT - this.previous.lambda) / h;
        d = tf.sub(tf.mul(predX0, 1 + 1 / (2 * r)), tf.mul(this.previous.x0, 1 / (2 * r)));
      }
      // 4. x_s = (sigma_s / sigma_t) x_t - alpha_s (e^{-h} - 1) D.
      const prev = tf.sub(tf.mul(sample, sigmaRatio), tf.mul(d, Math.sqrt(abS) * expm1));
      return { prevSample: prev, predX0 };
    });
    this.previous?.x0.dispose();
    this.previous = { x0: result.predX0.clone(), lambda: lambdaT };
    return result;
  }
}

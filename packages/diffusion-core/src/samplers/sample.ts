import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, ShapeError, throwIfAborted } from '../errors';
import { yieldToEventLoop } from '../runtime/yieldToEventLoop';
import { addNoise } from '../schedules/forwardProcess';
import { repaintSchedule, type LevelMove, type ResamplingOptions } from './repaintSchedule';
import type { Scheduler } from './scheduler';
import { randomSeed, seededNormal } from './seededNoise';

/**
 * The network, seen by a sampler: the noisy sample and its integer timestep in, the prediction
 * (of the scheduler's prediction type) out. Conditioning is the caller's closure. The sampler
 * owns and disposes the returned tensor and never disposes what it passes in.
 */
export type Denoiser = (sample: tf.Tensor, timestep: number) => tf.Tensor | Promise<tf.Tensor>;

export interface SamplingProgress {
  /** Network evaluations done so far, 1-based. */
  step: number;
  total: number;
  timestep: number;
  elapsedMs: number;
  /** Remaining time at the average pace so far. */
  etaMs: number;
}

/**
 * Inpainting: the pixels outside `regionToFill` are known; at every level they are replaced by
 * a forward-process sample of `known` (Lugmayr et al. 2022, eq. 8), and the result keeps them exactly.
 */
export interface InpaintingOptions {
  known: tf.Tensor;
  /** Boolean or 0/1 tensor of the sample's shape (or broadcastable to it); 1 where pixels are generated. */
  regionToFill: tf.Tensor;
  /** RePaint resampling; default none. Needs a scheduler without multistep history. */
  resampling?: ResamplingOptions;
}

export interface SampleOptions {
  scheduler: Scheduler;
  denoiser: Denoiser;
  /** Shape of the sample, e.g. [batch, height, width, channels]. */
  shape: number[];
  numInferenceSteps: number;
  /** Same seed, same result on every backend. Random when omitted. */
  seed?: number;
  /**
   * Scales the starting noise and the scheduler's per-step noise (default 1: samples of the
   * model's distribution). Below 1 trades detail and diversity for fidelity to the mean; 0 with a
   * deterministic scheduler (DDIM eta 0, DPM-Solver) gives one image whatever the seed.
   */
  temperature?: number;
  inpainting?: InpaintingOptions;
  signal?: AbortSignal;
  onProgress?: (progress: SamplingProgress) => void;
}

const STREAM_INITIAL = 0;
const STREAM_MOVES = 1;

/**
 * Runs the reverse process from pure noise to a sample. The scheduler decides each update; this
 * loop owns noise, cancellation, progress, inpainting and memory. All per-step math stays on the
 * device: nothing is read back until the caller reads the result, which the caller owns.
 * tf.memory().numTensors is unchanged afterwards except for the result, also on abort or error.
 */
export async function sample(options: SampleOptions): Promise<tf.Tensor> {
  const { scheduler, denoiser, shape, signal, onProgress, inpainting } = options;
  if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(`sample: shape must be positive integers with a batch axis, got [${shape}].`);
  }
  const seed = options.seed ?? randomSeed();
  const temperature = options.temperature ?? 1;
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new ConfigError(`sample: temperature must be a finite number >= 0, got ${String(temperature)}.`);
  scheduler.setTimesteps(options.numInferenceSteps);
  const timesteps = scheduler.timesteps;
  const n = timesteps.length;
  const moves: LevelMove[] = inpainting?.resampling ? repaintSchedule(n, inpainting.resampling) : repaintSchedule(n);
  if (inpainting) validateInpainting(inpainting, shape, scheduler, moves.length > n);
  const fill = inpainting ? tf.tidy(() => tf.cast(inpainting.regionToFill, 'bool')) : null;
  const total = moves.filter((m) => m.kind === 'denoise').length;
  const started = performance.now();
  let x = scaledNoise(shape, seed, STREAM_INITIAL, temperature);
  let evaluations = 0;
  let handedOver = false;
  // Progress reports in step order, each once its step has been computed (see below).
  let reported: Promise<void> = Promise.resolve();
  // Reads of the last denoising steps not yet known to have run, oldest first.
  const inFlight: Promise<void>[] = [];
  let failed = false;
  try {
    for (let m = 0; m < moves.length; m++) {
      throwIfAborted(signal);
      // WebGPU and WebGL queue a step's work and return at once. The device stays at most
      // STEPS_AHEAD steps ahead of what is known to have run: enough to keep it busy, few enough
      // that a cancellation (or an error) takes effect within a few steps, not after every step
      // the loop could queue.
      while (inFlight.length >= STEPS_AHEAD) await inFlight.shift();
      throwIfAborted(signal);
      const move = moves[m]!;
      const stream = STREAM_MOVES + m;
      const next = move.kind === 'denoise'
        ? await denoiseMove(options, x, timesteps[move.from]!, seed, stream)
        : renoise(scheduler, x, timesteps[move.from] ?? -1, timesteps[move.to]!, seed, stream);
      x.dispose();
      x = next;
      // Known pixels are re-imposed after each denoising move; re-noising keeps them consistent already.
      if (inpainting && fill && move.kind === 'denoise') {
        const level = move.to < n ? timesteps[move.to]! : -1;
        const imposed = imposeKnown(x, inpainting.known, fill, scheduler, level, seed, stream);
        x.dispose();
        x = imposed;
      }
      if (move.kind === 'denoise') {
        const done = computed(x);
        // Handled here so that a failed read is not reported as unhandled before the loop awaits it.
        done.catch(() => {});
        inFlight.push(done);
        if (onProgress) {
          // A step is reported when that read resolves, so progress (and an ETA made from it)
          // counts finished steps, not queued ones.
          const step = ++evaluations;
          const timestep = timesteps[move.from]!;
          reported = reported.then(async () => {
            await done;
            if (failed) return;
            const elapsedMs = performance.now() - started;
            onProgress({ step, total, timestep, elapsedMs, etaMs: (elapsedMs / step) * (total - step) });
          });
        }
      }
      await yieldToEventLoop();
    }
    await Promise.all(inFlight);
    await reported;
    throwIfAborted(signal);
    handedOver = true;
    return x;
  } catch (e) {
    failed = true;
    // Let the pending reads finish (their reports are dropped), so no tensor of theirs outlives the call.
    await Promise.allSettled(inFlight);
    await reported.catch(() => {});
    throw e;
  } finally {
    if (!handedOver) x.dispose();
    fill?.dispose();
    scheduler.reset();
  }
}

async function denoiseMove(options: SampleOptions, x: tf.Tensor, t: number, seed: number, stream: number): Promise<tf.Tensor> {
  const { scheduler, denoiser } = options;
  const output = await denoiser(x, t);
  const noise = scheduler.stochastic ? scaledNoise(x.shape, seed, stream, options.temperature ?? 1) : undefined;
  try {
    if (!tf.util.arraysEqual(output.shape, x.shape)) {
      throw new ShapeError(`sample: the denoiser returned shape [${output.shape}] for a sample of shape [${x.shape}].`);
    }
    const { prevSample, predX0 } = scheduler.step(output, t, x, noise);
    predX0.dispose();
    return prevSample;
  } finally {
    output.dispose();
    noise?.dispose();
  }
}

function scaledNoise(shape: number[], seed: number, stream: number, temperature: number): tf.Tensor {
  if (temperature === 1) return seededNormal(shape, seed, stream);
  return tf.tidy(() => tf.mul(seededNormal(shape, seed, stream), temperature));
}

/** q(x_t | x_s) for t noisier than s: x_t = sqrt(ab_t / ab_s) x_s + sqrt(1 - ab_t / ab_s) z. */
function renoise(scheduler: Scheduler, x: tf.Tensor, from: number, to: number, seed: number, stream: number): tf.Tensor {
  const ratio = scheduler.schedule.alphaBar(to) / scheduler.schedule.alphaBar(from);
  return tf.tidy(() => addNoise(x, seededNormal(x.shape, seed, stream), ratio));
}

function imposeKnown(x: tf.Tensor, known: tf.Tensor, fill: tf.Tensor, scheduler: Scheduler, t: number, seed: number, stream: number): tf.Tensor {
  return tf.tidy(() => {
    // At the clean end the known pixels go in exactly, not a noisy copy of them.
    const knownAtT = t < 0 ? known : addNoise(known, seededNormal(known.shape, seed, stream + 0x4000_0000), scheduler.schedule.alphaBar(t));
    return tf.where(tf.broadcastTo(fill, x.shape), x, knownAtT);
  });
}

function validateInpainting(p: InpaintingOptions, shape: number[], scheduler: Scheduler, resamples: boolean): void {
  if (!tf.util.arraysEqual(p.known.shape, shape)) {
    throw new ShapeError(`sample: inpainting.known has shape [${p.known.shape}] but the sample has [${shape}].`);
  }
  const maskShape = p.regionToFill.shape;
  const broadcastable = maskShape.length === shape.length && maskShape.every((d, i) => d === shape[i] || d === 1);
  if (!broadcastable) {
    throw new ShapeError(`sample: inpainting.regionToFill has shape [${maskShape}], which does not broadcast to the sample's [${shape}].`);
  }
  if (resamples && scheduler.multistep) {
    throw new ConfigError(`${scheduler.name} keeps history between steps and cannot jump back for RePaint resampling; use DDPM or DDIM, or set resampleCount to 1.`);
  }
}

/**
 * Denoising steps the device may run ahead of the last one known to have finished (see sample):
 * a whole short run (the viewer's whole-series calls take 2 to 6) is queued at once, as the ETA
 * measured from its reports assumes, and a long one is cancelled within 8 steps.
 */
const STEPS_AHEAD = 8;

/** Resolves once the work that produces `x` has run on the backend (by reading back one value); `x` may be disposed meanwhile. */
function computed(x: tf.Tensor): Promise<void> {
  const one = tf.tidy(() => tf.slice(tf.reshape(x, [-1]), [0], [1]));
  return one.data().then(
    () => one.dispose(),
    (e: unknown) => {
      one.dispose();
      throw e;
    },
  );
}

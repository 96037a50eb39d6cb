import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/*
 * A small diffusion U-Net training step written with the ops the project's
 * networks use, so that one run exercises every kernel their backward pass
 * needs. Used by the wasm gradient tests and the kernel coverage script; not
 * part of the public API.
 */

export interface ProbeSize {
  readonly batch: number;
  /** Square image side; must be even (one stride-2 level). */
  readonly size: number;
  /** Channels of the first level; the second level has twice as many. */
  readonly base: number;
  /** Group-norm groups; must divide `base`. */
  readonly groups: number;
  /** Length of the noise schedule the timesteps index. */
  readonly timesteps: number;
  /** Rows of the trainable class-embedding table (class-conditional models). */
  readonly classes: number;
}

export type ProbeParams = Readonly<Record<string, tf.Variable>>;

export interface ProbeBatch {
  readonly x0: tf.Tensor4D;
  readonly noise: tf.Tensor4D;
  readonly t: tf.Tensor1D;
  /** Class labels, int32 in [0, classes). */
  readonly labels: tf.Tensor1D;
}

const IMAGE_CHANNELS = 3;

/** Deterministic parameters: seeded random values are generated in JS, so every backend gets the same numbers. */
export function createProbeParams(s: ProbeSize, seed: number): ProbeParams {
  const b = s.base;
  const shapes: Record<string, number[]> = {
    tW1: [b, b],
    tb1: [b],
    tLnG: [b],
    tLnB: [b],
    tW2: [b, 2 * b],
    tb2: [2 * b],
    classEmb: [s.classes, 2 * b],
    kIn: [3, 3, IMAGE_CHANNELS, b],
    bIn: [b],
    gn0G: [b],
    gn0B: [b],
    kDown: [3, 3, b, 2 * b],
    bDown: [2 * b],
    gn1G: [2 * b],
    gn1B: [2 * b],
    wq: [2 * b, 2 * b],
    wk: [2 * b, 2 * b],
    wv: [2 * b, 2 * b],
    wo: [2 * b, 2 * b],
    bo: [2 * b],
    kUp: [3, 3, 3 * b, b],
    bUp: [b],
    gn2G: [b],
    gn2B: [b],
    divScale: [b],
    kOut: [1, 1, b, IMAGE_CHANNELS],
    bOut: [IMAGE_CHANNELS],
  };
  const params: Record<string, tf.Variable> = {};
  let i = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const fanIn = shape.length === 1 ? 1 : shape.slice(0, -1).reduce((p, q) => p * q, 1);
    const isGain = name.endsWith('G');
    params[name] = tf.tidy(() => {
      const r = tf.randomNormal(shape, 0, shape.length === 1 ? 0.1 : 1 / Math.sqrt(fanIn), 'float32', seed + i);
      return tf.variable(isGain ? tf.add(r, 1) : r, true);
    });
    i += 1;
  }
  return params;
}

export function createProbeBatch(s: ProbeSize, seed: number): ProbeBatch {
  return tf.tidy(() => ({
    x0: tf.randomUniform([s.batch, s.size, s.size, IMAGE_CHANNELS], -1, 1, 'float32', seed) as tf.Tensor4D,
    noise: tf.randomNormal([s.batch, s.size, s.size, IMAGE_CHANNELS], 0, 1, 'float32', seed + 1) as tf.Tensor4D,
    t: tf.tensor1d(
      Array.from({ length: s.batch }, (_, k) => (k * 7919 + seed) % s.timesteps),
      'int32',
    ),
    labels: tf.tensor1d(
      Array.from({ length: s.batch }, (_, k) => (k * 5 + seed) % s.classes),
      'int32',
    ),
  }));
}

/** The batch's tensors, e.g. for tf.dispose. */
export function probeBatchTensors(b: ProbeBatch): tf.Tensor[] {
  return [b.x0, b.noise, b.t, b.labels];
}

function p(params: ProbeParams, name: string): tf.Variable {
  const v = params[name];
  if (v === undefined) throw new Error(`probe parameter ${name} missing`);
  return v;
}

function swish(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** Group normalisation (Wu & He 2018, eq. 1-3) from reshape / mean / rsqrt. */
function groupNorm(x: tf.Tensor4D, groups: number, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const xg = tf.reshape(x, [n, h, w, groups, c / groups]);
  const mean = tf.mean(xg, [1, 2, 4], true);
  const centred = tf.sub(xg, mean);
  const variance = tf.mean(tf.square(centred), [1, 2, 4], true);
  const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(tf.reshape(normed, [n, h, w, c]), gamma), beta) as tf.Tensor4D;
}

/** Layer normalisation over the last axis, written with sqrt and div. */
function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), -1, true), 1e-5));
  return tf.add(tf.mul(tf.div(centred, std), gamma), beta) as tf.Tensor2D;
}

/** Sinusoidal timestep embedding (Vaswani et al. 2017, section 3.5). */
function timestepEmbedding(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const freqs = tf.exp(tf.mul(tf.range(0, half, 1, 'float32'), -Math.log(10000) / half));
  const args = tf.mul(tf.expandDims(tf.cast(t, 'float32'), 1), tf.expandDims(freqs, 0));
  return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D;
}

function selfAttention(x: tf.Tensor4D, params: ProbeParams): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const flat = tf.reshape(x, [n * h * w, c]);
  const q = tf.reshape(tf.matMul(flat, p(params, 'wq')), [n, h * w, c]);
  const k = tf.reshape(tf.matMul(flat, p(params, 'wk')), [n, h * w, c]);
  const v = tf.reshape(tf.matMul(flat, p(params, 'wv')), [n, h * w, c]);
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(c));
  const attended = tf.matMul(tf.softmax(scores), v);
  const projected = tf.fused.matMul({
    a: tf.reshape(attended, [n * h * w, c]),
    b: p(params, 'wo'),
    bias: p(params, 'bo'),
  });
  return tf.reshape(projected, [n, h, w, c]) as tf.Tensor4D;
}

/** The network's noise prediction for a noised batch. */
export function probeForward(
  params: ProbeParams,
  s: ProbeSize,
  xt: tf.Tensor4D,
  t: tf.Tensor1D,
  labels: tf.Tensor1D,
  dropoutSeed: number,
): tf.Tensor4D {
  const b = s.base;
  let temb: tf.Tensor = tf.add(tf.matMul(timestepEmbedding(t, b), p(params, 'tW1')), p(params, 'tb1'));
  temb = swish(layerNorm(temb as tf.Tensor2D, p(params, 'tLnG'), p(params, 'tLnB')));
  temb = tf.fused.matMul({ a: temb as tf.Tensor2D, b: p(params, 'tW2'), bias: p(params, 'tb2') });
  // Class conditioning: a lookup in a trainable table (its gradient is UnsortedSegmentSum).
  temb = tf.add(temb, tf.gather(p(params, 'classEmb'), labels));

  let h0 = tf.add(tf.conv2d(xt, p(params, 'kIn') as tf.Tensor4D, 1, 'same'), p(params, 'bIn')) as tf.Tensor4D;
  h0 = swish(groupNorm(h0, s.groups, p(params, 'gn0G'), p(params, 'gn0B'))) as tf.Tensor4D;

  let h1 = tf.fused.conv2d({
    x: h0,
    filter: p(params, 'kDown') as tf.Tensor4D,
    strides: 2,
    pad: 'same',
    bias: p(params, 'bDown'),
  });
  h1 = tf.add(h1, tf.reshape(temb, [s.batch, 1, 1, 2 * b])) as tf.Tensor4D;
  h1 = swish(groupNorm(h1, s.groups, p(params, 'gn1G'), p(params, 'gn1B'))) as tf.Tensor4D;
  h1 = tf.add(h1, selfAttention(h1, params)) as tf.Tensor4D;
  h1 = tf.dropout(h1, 0.1, undefined, dropoutSeed) as tf.Tensor4D;

  const up = tf.image.resizeNearestNeighbor(h1, [s.size, s.size]);
  let h2 = tf.fused.conv2d({
    x: tf.concat([up, h0], 3) as tf.Tensor4D,
    filter: p(params, 'kUp') as tf.Tensor4D,
    strides: 1,
    pad: 'same',
    bias: p(params, 'bUp'),
  });
  h2 = swish(groupNorm(h2, s.groups, p(params, 'gn2G'), p(params, 'gn2B'))) as tf.Tensor4D;
  h2 = tf.div(h2, tf.add(1, tf.square(p(params, 'divScale')))) as tf.Tensor4D;
  return tf.add(tf.conv2d(h2, p(params, 'kOut') as tf.Tensor4D, 1, 'valid'), p(params, 'bOut')) as tf.Tensor4D;
}

/** Epsilon-prediction loss (Ho et al. 2020, eq. 14) plus an L1 term. */
export function probeLoss(params: ProbeParams, s: ProbeSize, batch: ProbeBatch, alphasBar: tf.Tensor1D, dropoutSeed: number): tf.Scalar {
  return tf.tidy(() => {
    // q(x_t | x_0) (Ho et al. 2020, eq. 4), coefficients looked up by timestep.
    const ab = tf.reshape(tf.gather(alphasBar, batch.t), [s.batch, 1, 1, 1]);
    const xt = tf.add(tf.mul(tf.sqrt(ab), batch.x0), tf.mul(tf.sqrt(tf.sub(1, ab)), batch.noise)) as tf.Tensor4D;
    const err = tf.sub(probeForward(params, s, xt, batch.t, batch.labels, dropoutSeed), batch.noise);
    return tf.add(tf.mean(tf.square(err)), tf.mul(0.1, tf.mean(tf.abs(err)))) as tf.Scalar;
  });
}

/** Scales all gradients by min(1, maxNorm / globalNorm) (Pascanu et al. 2013). */
function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const names = Object.keys(grads);
  const squares = names.map((n) => tf.sum(tf.square(grads[n] as tf.Tensor)));
  const norm = tf.sqrt(tf.addN(squares));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-6)));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n] as tf.Tensor, scale);
  return out;
}

/**
 * One training step: loss, gradients, clipping by global norm, Adam update and
 * decoupled weight decay (AdamW, Loshchilov & Hutter 2019, algorithm 2 line 12).
 * Returns the loss before the update.
 */
export function probeTrainingStep(
  params: ProbeParams,
  s: ProbeSize,
  batch: ProbeBatch,
  alphasBar: tf.Tensor1D,
  optimizer: tf.Optimizer,
  step: number,
): number {
  const lr = 1e-3;
  const weightDecay = 1e-2;
  return tf.tidy(() => {
    const vars = Object.values(params);
    const { value, grads } = tf.variableGrads(() => probeLoss(params, s, batch, alphasBar, 1000 + step), vars);
    optimizer.applyGradients(clipByGlobalNorm(grads, 1.0));
    for (const v of vars) {
      if (v.rank > 1) v.assign(tf.sub(v, tf.mul(lr * weightDecay, v)));
    }
    return value.dataSync()[0] ?? Number.NaN;
  });
}

/** A tfjs-layers functional model with the layer types the project's networks use. */
export function createProbeLayersModel(s: ProbeSize): tfl.LayersModel {
  const input = tfl.input({ shape: [s.size, s.size, IMAGE_CHANNELS] });
  const a = tfl.layers
    .conv2d({ filters: s.base, kernelSize: 3, padding: 'same', activation: 'swish' })
    .apply(input) as tfl.SymbolicTensor;
  let b = tfl.layers
    .conv2d({ filters: 2 * s.base, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })
    .apply(a) as tfl.SymbolicTensor;
  b = tfl.layers.dropout({ rate: 0.1, seed: 7 }).apply(b) as tfl.SymbolicTensor;
  const u = tfl.layers.upSampling2d({ size: [2, 2] }).apply(b) as tfl.SymbolicTensor;
  const c = tfl.layers.concatenate({ axis: -1 }).apply([u, a]) as tfl.SymbolicTensor;
  const d = tfl.layers.dense({ units: s.base, activation: 'tanh' }).apply(c) as tfl.SymbolicTensor;
  const o = tfl.layers.conv2d({ filters: IMAGE_CHANNELS, kernelSize: 1 }).apply(d) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: o });
}

/** One Adam step of `model` on a mean-squared error; returns the loss before the update. */
export function probeLayersTrainingStep(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor4D): number {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = optimizer.minimize(
      () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
      vars,
    );
    return loss?.dataSync()[0] ?? Number.NaN;
  });
}

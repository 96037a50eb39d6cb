import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeError } from '../errors';
import { attentionBlock, conv3x3, downsample, resBlock, silu, upsample, type ResBlockOptions } from './blocks';
import { registerCustomLayers } from './customLayers';
import { GroupNormalization } from './groupNormalization';
import { SinusoidalEmbedding } from './sinusoidalEmbedding';
import { resolveUNetConfig, unetSizeMultiple, type UNetConfig } from './unetConfig';

type Sym = tfl.SymbolicTensor;

/** Inputs of one forward pass. `timesteps` and `condition` are required exactly when the config has them. */
export interface UNetInputs {
  /** (B, H, W, inChannels), H and W multiples of 2^(levels - 1). */
  x: tf.Tensor4D;
  /** One timestep for the whole batch, or one per example (B). */
  timesteps?: number | tf.Tensor1D;
  /** (B, conditionDim). */
  condition?: tf.Tensor2D;
}

/**
 * A config-driven U-Net (Ronneberger et al. 2015, in the form of Ho et al. 2020 and Dhariwal and
 * Nichol 2021) built as a tfjs-layers functional model, so topology and weights travel in the
 * standard Layers format. Spatial size is free; the config fixes everything else.
 */
export class UNet {
  private constructor(
    readonly config: Readonly<UNetConfig>,
    readonly model: tfl.LayersModel,
  ) {}

  /** Builds a freshly initialised network. */
  static create(overrides: Partial<UNetConfig> = {}): UNet {
    const config = resolveUNetConfig(overrides);
    return new UNet(Object.freeze(config), buildUNetModel(config));
  }

  /** Wraps a loaded Layers model whose topology was built from `config`. */
  static fromModel(config: UNetConfig, model: tfl.LayersModel): UNet {
    return new UNet(Object.freeze(resolveUNetConfig(config)), model);
  }

  get sizeMultiple(): number {
    return unetSizeMultiple(this.config);
  }

  countParams(): number {
    return this.model.countParams();
  }

  /**
   * One forward pass. With `training` true, dropout is active and the call can sit inside
   * tf.variableGrads. The caller owns the result.
   */
  apply(inputs: UNetInputs, training = false): tf.Tensor4D {
    const list = this.inputList(inputs);
    try {
      return this.model.apply(list.tensors, { training }) as tf.Tensor4D;
    } finally {
      list.owned.forEach((t) => t.dispose());
    }
  }

  dispose(): void {
    this.model.dispose();
  }

  private inputList(inputs: UNetInputs): { tensors: tf.Tensor[]; owned: tf.Tensor[] } {
    const c = this.config;
    const { x } = inputs;
    if (x.rank !== 4) throw new ShapeError(`UNet.apply: expected x of rank 4 (batch, height, width, channels), got rank ${x.rank}.`);
    const [batch, height, width, channels] = x.shape;
    if (channels !== c.inChannels) throw new ShapeError(`UNet.apply: expected ${c.inChannels} input channels, got ${channels}.`);
    const m = this.sizeMultiple;
    if (height % m !== 0 || width % m !== 0) {
      throw new ShapeError(`UNet.apply: height and width must be multiples of ${m} for ${c.channelMultipliers.length} levels, got ${height} x ${width}; pad the image first (see the pipeline's padding).`);
    }
    const tensors: tf.Tensor[] = [x];
    const owned: tf.Tensor[] = [];
    if (c.timeEmbedding) {
      const t = inputs.timesteps;
      if (t === undefined) throw new ShapeError('UNet.apply: this network takes a timestep; pass inputs.timesteps.');
      let tt: tf.Tensor;
      if (typeof t === 'number') {
        tt = tf.fill([batch, 1], t);
        owned.push(tt);
      } else {
        if (t.rank !== 1 || t.shape[0] !== batch) throw new ShapeError(`UNet.apply: expected timesteps of shape [${batch}], got [${t.shape}].`);
        tt = tf.reshape(tf.cast(t, 'float32'), [batch, 1]);
        owned.push(tt);
      }
      tensors.push(tt);
    } else if (inputs.timesteps !== undefined) {
      throw new ShapeError('UNet.apply: this network has no time input (timeEmbedding is false); do not pass timesteps.');
    }
    if (c.conditionDim > 0) {
      const cond = inputs.condition;
      if (!cond) throw new ShapeError(`UNet.apply: this network takes a condition vector of length ${c.conditionDim}; pass inputs.condition.`);
      if (cond.rank !== 2 || cond.shape[0] !== batch || cond.shape[1] !== c.conditionDim) {
        throw new ShapeError(`UNet.apply: expected condition of shape [${batch}, ${c.conditionDim}], got [${cond.shape}].`);
      }
      tensors.push(cond);
    } else if (inputs.condition) {
      throw new ShapeError('UNet.apply: this network takes no condition vector (conditionDim is 0).');
    }
    return { tensors, owned };
  }
}

function embeddingMlp(x: Sym, units: number, name: string): Sym {
  const h = tfl.layers.dense({ units, name: `${name}_dense1` }).apply(x) as Sym;
  return tfl.layers.dense({ units, name: `${name}_dense2` }).apply(silu(h, `${name}_act`)) as Sym;
}

function buildUNetModel(c: UNetConfig): tfl.LayersModel {
  registerCustomLayers();
  const inputs: Sym[] = [];
  const x = tfl.input({ shape: [null, null, c.inChannels], name: 'x' });
  inputs.push(x);
  const embDim = 4 * c.baseChannels;
  const embeddings: Sym[] = [];
  if (c.timeEmbedding) {
    const t = tfl.input({ shape: [1], name: 'timesteps' });
    inputs.push(t);
    const sinusoid = new SinusoidalEmbedding({ dim: c.baseChannels, name: 'time_sinusoid' }).apply(t) as Sym;
    embeddings.push(embeddingMlp(sinusoid, embDim, 'time_embedding'));
  }
  if (c.conditionDim > 0) {
    const cond = tfl.input({ shape: [c.conditionDim], name: 'condition' });
    inputs.push(cond);
    embeddings.push(embeddingMlp(cond, embDim, 'condition_embedding'));
  }
  const summed = embeddings.length > 1 ? (tfl.layers.add({ name: 'embedding_sum' }).apply(embeddings) as Sym) : embeddings[0];
  // Every block projects SiLU(emb); applying the activation once here is the same computation.
  const emb = summed ? silu(summed, 'embedding_act') : null;
  const o: ResBlockOptions = { groups: c.groups, dropout: c.dropout, injection: c.embeddingInjection };

  let h = conv3x3(x, c.baseChannels, 'input_conv');
  const skips: Sym[] = [h];
  const last = c.channelMultipliers.length - 1;
  c.channelMultipliers.forEach((mult, level) => {
    for (let r = 0; r < c.numResBlocks[level]!; r++) {
      h = resBlock(h, emb, c.baseChannels * mult, `down${level}_res${r}`, o);
      if (c.attentionLevels[level]) h = attentionBlock(h, c.numHeads, c.groups, `down${level}_attn${r}`);
      skips.push(h);
    }
    if (level < last) {
      h = downsample(h, `down${level}_downsample`);
      skips.push(h);
    }
  });
  const bottom = h.shape[3]!;
  h = resBlock(h, emb, bottom, 'middle_res0', o);
  h = attentionBlock(h, c.numHeads, c.groups, 'middle_attn');
  h = resBlock(h, emb, bottom, 'middle_res1', o);
  for (let level = last; level >= 0; level--) {
    const mult = c.channelMultipliers[level]!;
    for (let r = 0; r <= c.numResBlocks[level]!; r++) {
      h = tfl.layers.concatenate({ axis: -1, name: `up${level}_concat${r}` }).apply([h, skips.pop()!]) as Sym;
      h = resBlock(h, emb, c.baseChannels * mult, `up${level}_res${r}`, o);
      if (c.attentionLevels[level]) h = attentionBlock(h, c.numHeads, c.groups, `up${level}_attn${r}`);
    }
    if (level > 0) h = upsample(h, `up${level}_upsample`);
  }
  const normed = new GroupNormalization({ groups: c.groups, name: 'output_norm' }).apply(h) as Sym;
  const out = conv3x3(silu(normed, 'output_act'), c.outChannels, 'output_conv', { zeroInit: true });
  return tfl.model({ inputs, outputs: out, name: 'unet' });
}

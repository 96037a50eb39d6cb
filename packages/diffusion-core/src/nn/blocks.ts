import * as tfl from '@tensorflow/tfjs-layers';
import { EmbeddingInjection, type EmbeddingInjectionMode } from './embeddingInjection';
import { GroupNormalization } from './groupNormalization';
import { SpatialSelfAttention } from './spatialSelfAttention';

type Sym = tfl.SymbolicTensor;

/** SiLU, x * sigmoid(x) (Elfwing et al. 2018), which tfjs-layers names 'swish'. */
export function silu(x: Sym, name: string): Sym {
  return tfl.layers.activation({ activation: 'swish', name }).apply(x) as Sym;
}

export function conv3x3(x: Sym, filters: number, name: string, options: { strides?: number; zeroInit?: boolean } = {}): Sym {
  return tfl.layers
    .conv2d({
      filters,
      kernelSize: 3,
      strides: options.strides ?? 1,
      padding: 'same',
      name,
      kernelInitializer: options.zeroInit ? 'zeros' : 'glorotUniform',
    })
    .apply(x) as Sym;
}

function groupNorm(x: Sym, groups: number, name: string): Sym {
  return new GroupNormalization({ groups, name }).apply(x) as Sym;
}

export interface ResBlockOptions {
  groups: number;
  dropout: number;
  injection: EmbeddingInjectionMode;
}

/**
 * Residual block of the DDPM / ADM U-Net: GroupNorm, SiLU, conv; the embedding projected per
 * channel and injected; GroupNorm, SiLU, dropout, conv (zero-initialised, so the block starts as
 * the identity); a 1x1 conv on the shortcut when the channel count changes.
 * `emb` is the already-activated embedding, or null for a network without one.
 */
export function resBlock(x: Sym, emb: Sym | null, outChannels: number, name: string, o: ResBlockOptions): Sym {
  const inChannels = x.shape[x.shape.length - 1];
  let h = conv3x3(silu(groupNorm(x, o.groups, `${name}_norm1`), `${name}_act1`), outChannels, `${name}_conv1`);
  let projected: Sym | null = null;
  if (emb) {
    const units = o.injection === 'scale-shift' ? 2 * outChannels : outChannels;
    projected = tfl.layers.dense({ units, name: `${name}_emb_proj` }).apply(emb) as Sym;
    if (o.injection === 'add') h = new EmbeddingInjection({ mode: 'add', name: `${name}_emb_add` }).apply([h, projected]) as Sym;
  }
  h = groupNorm(h, o.groups, `${name}_norm2`);
  if (projected && o.injection === 'scale-shift') {
    h = new EmbeddingInjection({ mode: 'scale-shift', name: `${name}_emb_scale_shift` }).apply([h, projected]) as Sym;
  }
  h = silu(h, `${name}_act2`);
  if (o.dropout > 0) h = tfl.layers.dropout({ rate: o.dropout, name: `${name}_dropout` }).apply(h) as Sym;
  h = conv3x3(h, outChannels, `${name}_conv2`, { zeroInit: true });
  const skip = inChannels === outChannels ? x : (tfl.layers.conv2d({ filters: outChannels, kernelSize: 1, name: `${name}_skip` }).apply(x) as Sym);
  return tfl.layers.add({ name: `${name}_residual` }).apply([skip, h]) as Sym;
}

/** Self-attention block: GroupNorm, q/k/v projections, attention, output projection (zero-initialised), residual. */
export function attentionBlock(x: Sym, numHeads: number, groups: number, name: string): Sym {
  const channels = x.shape[x.shape.length - 1]!;
  const normed = groupNorm(x, groups, `${name}_norm`);
  const qkv = tfl.layers.dense({ units: 3 * channels, name: `${name}_qkv` }).apply(normed) as Sym;
  const attended = new SpatialSelfAttention({ numHeads, name: `${name}_attention` }).apply(qkv) as Sym;
  const out = tfl.layers.dense({ units: channels, name: `${name}_proj`, kernelInitializer: 'zeros' }).apply(attended) as Sym;
  return tfl.layers.add({ name: `${name}_residual` }).apply([x, out]) as Sym;
}

/** Halves the resolution with a stride-2 3x3 convolution. */
export function downsample(x: Sym, name: string): Sym {
  return conv3x3(x, x.shape[x.shape.length - 1]!, name, { strides: 2 });
}

/** Doubles the resolution: nearest-neighbour upsampling then a 3x3 convolution (avoids checkerboard artefacts). */
export function upsample(x: Sym, name: string): Sym {
  const up = tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'nearest', name: `${name}_nearest` }).apply(x) as Sym;
  return conv3x3(up, x.shape[x.shape.length - 1]!, `${name}_conv`);
}

import * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, registerCustomLayers, SinusoidalEmbedding } from '@meddiff/diffusion-core';

type Sym = tfl.SymbolicTensor;

export interface ResidualMlpOptions {
  /** Length of the vectors being denoised. */
  dataDim: number;
  /** Length of the condition vector; 0 for an unconditional network. */
  conditionDim: number;
  hiddenDim: number;
  numBlocks: number;
  timeEmbeddingDim: number;
}

function silu(x: Sym, name: string): Sym {
  return tfl.layers.activation({ activation: 'swish', name }).apply(x) as Sym;
}

function dense(x: Sym, units: number, name: string, zero = false): Sym {
  return tfl.layers.dense({ units, name, ...(zero ? { kernelInitializer: 'zeros' } : {}) }).apply(x) as Sym;
}

/**
 * The MDN's denoiser: a residual MLP over vectors (in the manner of the representation diffusion
 * model of Li et al. 2024, RCG, that CDM's MDN follows). Inputs `x` (B, dataDim), `timesteps`
 * (B, 1) and, when conditioned, `condition` (B, conditionDim). The timestep's sinusoidal features
 * and the condition each pass an MLP; their sum is added inside every block:
 *   h = Linear(x);  per block: h = h + Linear(SiLU(Linear(SiLU(LayerNorm(h) + Linear(SiLU(emb))))));
 *   out = Linear_0(SiLU(LayerNorm(h))), the last Linear zero-initialised so training starts from x0 = 0.
 */
export function buildResidualMlp(o: ResidualMlpOptions): tfl.LayersModel {
  for (const k of ['dataDim', 'hiddenDim', 'numBlocks', 'timeEmbeddingDim'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new ConfigError(`Residual MLP: ${k} must be a positive integer, got ${o[k]}.`);
  }
  if (!Number.isInteger(o.conditionDim) || o.conditionDim < 0) throw new ConfigError(`Residual MLP: conditionDim must be an integer >= 0, got ${o.conditionDim}.`);
  registerCustomLayers();
  const x = tfl.input({ shape: [o.dataDim], name: 'x' });
  const t = tfl.input({ shape: [1], name: 'timesteps' });
  const inputs = [x, t];
  const sinusoid = new SinusoidalEmbedding({ dim: o.timeEmbeddingDim, name: 'time_sinusoid' }).apply(t) as Sym;
  let emb = dense(silu(dense(sinusoid, o.hiddenDim, 'time_dense1'), 'time_act'), o.hiddenDim, 'time_dense2');
  if (o.conditionDim > 0) {
    const c = tfl.input({ shape: [o.conditionDim], name: 'condition' });
    inputs.push(c);
    const cemb = dense(silu(dense(c, o.hiddenDim, 'condition_dense1'), 'condition_act'), o.hiddenDim, 'condition_dense2');
    emb = tfl.layers.add({ name: 'embedding_sum' }).apply([emb, cemb]) as Sym;
  }
  const embAct = silu(emb, 'embedding_act');
  let h = dense(x, o.hiddenDim, 'input_proj');
  for (let b = 0; b < o.numBlocks; b++) {
    const n = `block${b}`;
    let a = tfl.layers.layerNormalization({ axis: -1, name: `${n}_norm` }).apply(h) as Sym;
    a = tfl.layers.add({ name: `${n}_emb_add` }).apply([a, dense(embAct, o.hiddenDim, `${n}_emb_proj`)]) as Sym;
    a = dense(silu(a, `${n}_act1`), o.hiddenDim, `${n}_dense1`);
    a = dense(silu(a, `${n}_act2`), o.hiddenDim, `${n}_dense2`);
    h = tfl.layers.add({ name: `${n}_residual` }).apply([h, a]) as Sym;
  }
  const normed = tfl.layers.layerNormalization({ axis: -1, name: 'output_norm' }).apply(h) as Sym;
  const out = dense(silu(normed, 'output_act'), o.dataDim, 'output_dense', true);
  return tfl.model({ inputs, outputs: out, name: 'mdn_residual_mlp' });
}

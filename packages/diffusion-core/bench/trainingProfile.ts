/**
 * Where one training step goes: the training bench's presets (tiny, small) at 64 x 64 with one
 * worker's share of the batch (4 rows), in this thread on WASM, profiled kernel by kernel with
 * tf.profile (forward, backward, clipping, AdamW and EMA). The table is what to make faster next.
 * Usage: npx tsx bench/trainingProfile.ts [--preset tiny|small] [--batch 4]
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, Trainer, type UNetPresetName } from '../src/index';
import { kernelFlops } from './flops';
import { createTrainingReplica } from './trainingReplica';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const presets = (arg('--preset') ? [arg('--preset')] : ['tiny', 'small']) as UNetPresetName[];
const batch = Number(arg('--batch') ?? 4);

await selectBackend({ preferred: ['wasm'] });
for (const preset of presets) {
  const replica = createTrainingReplica({ preset, size: 64, batch });
  const trainer = new Trainer<tf.Tensor>({ model: replica.model, modelConfig: null, batchSize: batch, loss: replica.loss, data: replica.data, config: { steps: 1_000_000, ema: { maxDecay: 0.999, warmup: true } } });
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  const t0 = performance.now();
  await trainer.trainStep();
  const wall = performance.now() - t0;
  const profile = await tf.profile(async () => {
    await trainer.trainStep();
    return tf.scalar(0);
  });
  const byKernel = new Map<string, { ms: number; calls: number; flops: number }>();
  for (const k of profile.kernels.filter((r) => !r.name.endsWith('__op'))) {
    const key = `${k.name} ${k.name === 'BatchMatMul' || k.name === 'Softmax' || k.name === 'Transpose' ? JSON.stringify(k.inputShapes) : ''}`.trim();
    const e = byKernel.get(key) ?? { ms: 0, calls: 0, flops: 0 };
    e.flops += kernelFlops(k);
    e.ms += k.kernelTimeMs as number;
    e.calls++;
    byKernel.set(key, e);
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`\n${preset}, batch ${batch}, 64 x 64: one step ${wall.toFixed(0)} ms wall, ${total.toFixed(0)} ms in kernels`);
  console.table(
    [...byKernel.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([kernel, e]) => ({ kernel, ms: +e.ms.toFixed(1), share: `${((100 * e.ms) / total).toFixed(1)} %`, calls: e.calls, 'GFLOP/s': e.flops ? +(e.flops / e.ms / 1e6).toFixed(1) : '' })),
  );
  await trainer.dispose();
  replica.dispose();
}

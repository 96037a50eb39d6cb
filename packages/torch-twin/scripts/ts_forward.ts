/**
 * Runs the TypeScript networks forward for the PyTorch twin's parity and round-trip tests.
 * Usage: tsx scripts/ts_forward.ts <jobs.json>. Each job names a model folder, what to run and its
 * inputs (raw little-endian float32 files, channels last, with their shapes); the output is written
 * beside them the same way, and its shape is printed as one JSON line per job. Besides the networks:
 * 'mdn-ddim' runs the MDN's own DDIM scheduler from the given x_T (options.steps) and standardises
 * the result as `sampleSync` does; 'prepare-slices' runs the CDM trainer's `prepareSlices` on x
 * (one channel per slice, options.size and options.normalization; no model).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { loadUNet } from '@meddiff/diffusion-core';
import { fileWeightsStore, selectNodeBackend } from '@meddiff/diffusion-core/node';
import { MedCDiffModel } from '@meddiff/med-cdiff';
import { CdmModel, prepareSlices, standardizeGroups } from '@meddiff/cdm';

interface Job {
  model: string;
  run: 'unet' | 'med-cdiff' | 'mrm-reconstruct' | 'mrm-encode' | 'mdn' | 'cunet' | 'mdn-ddim' | 'prepare-slices';
  x: { file: string; shape: number[] };
  condition?: { file: string; shape: number[] };
  timesteps?: number[];
  options?: { steps?: number; size?: number; normalization?: { lowPercentile: number; highPercentile: number } };
  output: string;
}

function readTensor(t: { file: string; shape: number[] }): tf.Tensor {
  const bytes = readFileSync(t.file);
  return tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), t.shape, 'float32');
}

async function runJob(job: Job): Promise<tf.Tensor> {
  if (job.run === 'prepare-slices') {
    const [count, size] = job.x.shape as [number, number, number];
    const bytes = readFileSync(job.x.file);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    const out = job.options!.size!;
    return tf.tensor(prepareSlices({ data, count, size, channels: ['image'] }, out, job.options!.normalization!).data, [count, out, out]);
  }
  const store = fileWeightsStore(job.model);
  const x = readTensor(job.x);
  const condition = job.condition ? readTensor(job.condition) : undefined;
  const t = job.timesteps ? tf.tensor1d(job.timesteps, 'float32') : undefined;
  try {
    switch (job.run) {
      case 'unet': {
        const { unet } = await loadUNet(store);
        try {
          return unet.apply({ x: x as tf.Tensor4D, ...(t ? { timesteps: t as tf.Tensor1D } : {}), ...(condition ? { condition: condition as tf.Tensor2D } : {}) });
        } finally {
          unet.dispose();
        }
      }
      case 'med-cdiff': {
        const model = await MedCDiffModel.load(store);
        try {
          return model.predict(x, condition!, t as tf.Tensor1D);
        } finally {
          model.dispose();
        }
      }
      default: {
        const model = await CdmModel.load(store);
        try {
          if (job.run === 'mrm-reconstruct') return model.mrm.reconstruct(x as tf.Tensor4D);
          if (job.run === 'mrm-encode') return model.mrm.encode(x as tf.Tensor4D);
          if (job.run === 'mdn') return model.mdn.predict(x, t as tf.Tensor1D, condition as tf.Tensor2D | undefined);
          if (job.run === 'mdn-ddim') {
            const scheduler = model.mdn.scheduler();
            scheduler.setTimesteps(job.options!.steps!);
            let sample = x.clone();
            for (const step of scheduler.timesteps) {
              const out = model.mdn.predict(sample, step, condition as tf.Tensor2D | undefined);
              const { prevSample, predX0 } = scheduler.step(out, step, sample);
              tf.dispose([out, predX0, sample]);
              sample = prevSample;
            }
            try {
              return standardizeGroups(sample as tf.Tensor2D, model.config.modalities.targets.length);
            } finally {
              sample.dispose();
            }
          }
          return model.cunet.apply({ x: x as tf.Tensor4D, condition: condition as tf.Tensor2D });
        } finally {
          model.dispose();
        }
      }
    }
  } finally {
    tf.dispose([x, ...(condition ? [condition] : []), ...(t ? [t] : [])]);
  }
}

async function main(): Promise<void> {
  await selectNodeBackend('wasm');
  const jobs = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job[];
  for (const job of jobs) {
    const out = await runJob(job);
    writeFileSync(job.output, new Uint8Array((await out.data() as Float32Array).buffer));
    console.log(JSON.stringify({ output: job.output, shape: out.shape }));
    out.dispose();
  }
}

await main();

import type { NodeBackend } from '@meddiff/diffusion-core/node';
import type { MedCDiffConfig } from '../config';
import type { SamplingChunk } from './chunkSampler';

/** What a sampling worker is started with: the network's config and weights, and its backend. */
export interface SamplingWorkerSetup {
  config: MedCDiffConfig;
  weights: Array<{ data: Float32Array; shape: number[] }>;
  backend: NodeBackend;
}

export type ToSamplingWorker = { type: 'sample'; id: number; chunk: SamplingChunk } | { type: 'abort'; id: number };

export type FromSamplingWorker =
  | { type: 'ready' }
  | { type: 'step'; id: number; timestep: number }
  | { type: 'done'; id: number; values: Float32Array }
  | { type: 'error'; id: number; name: string; code: string | undefined; message: string };

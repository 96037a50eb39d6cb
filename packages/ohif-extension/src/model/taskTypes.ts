/**
 * The boundary between the viewer and the models: plain, structured-cloneable data that crosses
 * to the inference worker. Nothing here knows OHIF or tfjs.
 */

export const TASK_KINDS = ['super-resolve', 'denoise', 'inpaint'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const SR_FACTORS = [2, 4] as const;
export type SrFactor = (typeof SR_FACTORS)[number];

export const SAMPLERS = ['ddpm', 'ddim', 'dpm-solver'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** What to do. A super-resolution names its factor, so a typo in the factor fails to compile. */
export type Task = { kind: 'super-resolve'; factor: SrFactor } | { kind: 'denoise' } | { kind: 'inpaint' };

/** A grey slice in modality units (HU for CT), row-major. */
export interface TaskImage {
  pixels: Float32Array;
  rows: number;
  columns: number;
}

export interface SamplingOptions {
  sampler: SamplerName;
  /** Network evaluations per sample (speed against quality). */
  steps: number;
  /** Same seed, same result. */
  seed: number;
  /** Independent samples; with more than one, the result is their mean and `std` their spread. */
  samples: number;
}

export interface TaskRequest {
  task: Task;
  image: TaskImage;
  /** Inpainting: 1 where pixels are generated, 0 where they are kept; rows x columns. */
  mask?: Uint8Array;
  options: SamplingOptions;
  /** Folder URL of the model's weights. */
  modelUrl: string;
  /** Largest tile edge (in output pixels) run in one pass; larger images are tiled. */
  maxPassSize: number;
}

export interface TaskProgress {
  /** Network evaluations done and to do, over all tiles and samples. */
  done: number;
  total: number;
  tile: number;
  tiles: number;
  sample: number;
  samples: number;
  elapsedMs: number;
  etaMs: number;
}

export interface TaskResult {
  /** Mean over samples, in modality units. */
  pixels: Float32Array;
  rows: number;
  columns: number;
  /** Per-pixel standard deviation over samples (modality units), when samples > 1. */
  std?: Float32Array;
  samples: number;
  tiles: number;
  backend: BackendName;
  elapsedMs: number;
}

/** A model's card, as saved beside its weights. */
export interface ModelCard {
  name: string;
  trainedOn: string;
  intendedUse: string;
  tasks?: string[];
  [key: string]: unknown;
}

/** Which tfjs backend runs, and why each better one does not. */
export interface BackendReport {
  backend: BackendName;
  unavailable: { backend: BackendName; reason: string }[];
  summary: string;
}

export const DEFAULT_SAMPLING: Readonly<SamplingOptions> = Object.freeze({ sampler: 'dpm-solver', steps: 20, seed: 0, samples: 1 });
export const DEFAULT_MAX_PASS_SIZE = 128;

/** Output size of a task for an input size. */
export function outputSize(task: Task, rows: number, columns: number): { rows: number; columns: number } {
  const f = task.kind === 'super-resolve' ? task.factor : 1;
  return { rows: rows * f, columns: columns * f };
}

export function taskLabel(task: Task): string {
  return task.kind === 'super-resolve' ? `super-resolution x${task.factor}` : task.kind === 'denoise' ? 'denoising' : 'inpainting';
}

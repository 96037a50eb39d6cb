/**
 * The boundary between the viewer and the models: plain, structured-cloneable data that crosses
 * to the inference worker. Nothing here knows OHIF or tfjs (the sampler names come from med-cdiff,
 * whose modules have no side effects, so a bundle keeps only the list).
 */
import { SAMPLER_NAMES, type SamplerName } from '@meddiff/med-cdiff';
import type { ImageGeometry } from '@meddiff/imaging';

export const TASK_KINDS = ['super-resolve', 'denoise', 'inpaint', 'translate'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** Which model a folder of weights holds: Med-cDiff (one task per model) or CDM (contrast translation). */
export const MODEL_FAMILIES = ['med-cdiff', 'cdm'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export const SR_FACTORS = [2, 4] as const;
export type SrFactor = (typeof SR_FACTORS)[number];

/** The samplers, from their owner (med-cdiff's pipeline), default first. */
export const SAMPLERS = SAMPLER_NAMES;
export type { SamplerName };

/**
 * Where tfjs-backend-wasm fetches its .wasm files: a folder URL ending in '/', or a URL per file
 * (tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm).
 */
export type WasmPaths = string | Readonly<Record<string, string>>;

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * What to do. A super-resolution names its factor, so a typo in the factor fails to compile; a
 * translation names the target contrast ('' until a CDM model's card says which it offers).
 */
export type Task = { kind: 'super-resolve'; factor: SrFactor } | { kind: 'denoise' } | { kind: 'inpaint' } | { kind: 'translate'; target: string };
/** The tasks that turn one slice into one slice (Med-cDiff's). */
export type ImageTask = Exclude<Task, { kind: 'translate' }>;
export type TranslateTask = Extract<Task, { kind: 'translate' }>;

/** A grey slice in modality units (HU for CT), row-major. */
export interface TaskImage {
  pixels: Float32Array;
  rows: number;
  columns: number;
}

/** A slice with its place in space, so co-registration can be checked where the pixels are used. */
export interface PlacedImage extends TaskImage {
  geometry?: ImageGeometry;
  frameOfReferenceUID?: string;
}

export interface SamplingOptions {
  /** Med-cDiff's sampler; CDM always samples its representation with DDIM. */
  sampler: SamplerName;
  /** Network evaluations per sample (speed against quality). */
  steps: number;
  /** Same seed, same result. */
  seed: number;
  /** Independent samples; with more than one, the result is their mean and `std` their spread. */
  samples: number;
}

/** A Med-cDiff task on one slice. */
export interface ImageTaskRequest {
  task: ImageTask;
  image: TaskImage;
  /** Inpainting: 1 where pixels are generated, 0 where they are kept; rows x columns. */
  mask?: Uint8Array;
  options: SamplingOptions;
  /** Folder URL of the model's weights. */
  modelUrl: string;
}

/** The intensity range mapped to the network's [-1, 1] (Med-cDiff normalisation), in modality units. */
export interface IntensityRange {
  low: number;
  high: number;
}

/**
 * Several slices of one series, of one size, in one call (a whole-series run): the pipeline
 * batches their tiles and samples through the network together. The result stacks their outputs
 * in order (`depth` slices).
 */
export interface ImageSeriesRequest {
  task: ImageTask;
  images: TaskImage[];
  /** Inpainting: one mask per image (1 = generate). */
  masks?: Uint8Array[];
  /** The series' range (the model's percentiles of all its slices), so every slice is normalised alike; default each slice's own. */
  normalization?: IntensityRange;
  /** `seed` is the first network call's; later calls take the next seeds. */
  options: SamplingOptions;
  modelUrl: string;
}

/** A CDM contrast translation of one slice position. */
export interface TranslateRequest {
  task: TranslateTask;
  /** One co-registered slice per source contrast the model takes, keyed by contrast (e.g. T1, T2). */
  sources: Record<string, PlacedImage>;
  /** `steps` are the MDN's DDIM steps; `samples` MDN draws give a mean and a spread. */
  options: SamplingOptions;
  modelUrl: string;
}

export type TaskRequest = ImageTaskRequest | ImageSeriesRequest | TranslateRequest;

export interface TaskProgress {
  /** Network evaluations done and to do, over all tiles and samples (and slices of a whole series). */
  done: number;
  total: number;
  /** A whole-series run: the first slice being run (1-based), how many there are, and how many are finished. */
  slice?: number;
  slices?: number;
  slicesDone?: number;
  /** What the model is doing, when it works in stages (CDM: encode, sample, translate). */
  stage?: string;
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
  /** Several slices (a series): how many, stacked one after another in `pixels` and `std`; default 1. */
  depth?: number;
  backend: BackendName;
  elapsedMs: number;
}

/** A model's card, as saved beside its weights. */
export interface ModelCard {
  name: string;
  trainedOn: string;
  intendedUse: string;
  tasks?: string[];
  family?: ModelFamily;
  /** Med-cDiff: the percentiles of a slice (or series) mapped to the network's -1 and 1. */
  normalization?: { lowPercentile: number; highPercentile: number };
  /** CDM: the contrasts the model translates from (all needed) and to. */
  modalities?: { sources: string[]; targets: string[] };
  /** From the saved card (diffusion-core's ModelCard): the weights' version and licence, and what they expect. */
  version?: string;
  license?: string;
  input?: { modalities: string[]; planes: string[]; pixelSpacingMm: [number, number] | null };
  [key: string]: unknown;
}

/** Which tfjs backend runs, and why each better one does not. */
export interface BackendReport {
  backend: BackendName;
  unavailable: { backend: BackendName; reason: string }[];
  summary: string;
}

export const DEFAULT_SAMPLING: Readonly<SamplingOptions> = Object.freeze({ sampler: 'dpm-solver', steps: 20, seed: 0, samples: 1 });

/** Output size of a task for an input size. */
export function outputSize(task: Task, rows: number, columns: number): { rows: number; columns: number } {
  const f = task.kind === 'super-resolve' ? task.factor : 1;
  return { rows: rows * f, columns: columns * f };
}

export function taskLabel(task: Task): string {
  switch (task.kind) {
    case 'super-resolve':
      return `super-resolution x${task.factor}`;
    case 'denoise':
      return 'denoising';
    case 'inpaint':
      return 'inpainting';
    case 'translate':
      return `translation to ${task.target || 'a contrast'}`;
  }
}

/** Narrows a request by its task (TypeScript does not narrow a union by a nested discriminant). */
export function isTranslateRequest(r: TaskRequest): r is TranslateRequest {
  return r.task.kind === 'translate';
}

export function isSeriesRequest(r: TaskRequest): r is ImageSeriesRequest {
  return 'images' in r;
}

import type { WireError } from './model/workerProtocol.js';

/** Stable codes for everything a user can cause; the panel shows the message, tests check the code. */
export const ERROR_CODES = [
  'NO_ACTIVE_IMAGE',
  'NOT_AN_IMAGE',
  'COLOUR_IMAGE',
  'NO_MASK',
  'UNIFORM_IMAGE',
  'IMAGE_TOO_LARGE',
  'INVALID_TASK',
  'NOT_COREGISTERED',
  'UNSUPPORTED_MODALITY',
  'MODEL_NOT_FOUND',
  'MODEL_CORRUPT',
  'MODEL_MISMATCH',
  'NO_BACKEND',
  'WORKER_CRASHED',
  'STORE_FAILED',
  'REGISTER_FAILED',
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base of the extension's errors: a code and a message that says what was wrong and what to do. */
export class DiffusionToolError extends Error {
  override name = 'DiffusionToolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class NoActiveImageError extends DiffusionToolError {
  override name = 'NoActiveImageError';
  constructor(message = 'No image is shown in the active viewport. Open a series and click the viewport you want to process.') {
    super('NO_ACTIVE_IMAGE', message);
  }
}

export class NotAnImageError extends DiffusionToolError {
  override name = 'NotAnImageError';
  constructor(what: string) {
    super('NOT_AN_IMAGE', `The active series is ${what}, not an image: the diffusion tools work on greyscale images (CT, MR, ...). Choose an image series.`);
  }
}

export class ColourImageError extends DiffusionToolError {
  override name = 'ColourImageError';
  constructor(photometric: string) {
    super('COLOUR_IMAGE', `The active image is a colour image (${photometric}); the models work on greyscale images only. Choose a greyscale series.`);
  }
}

export class NoMaskError extends DiffusionToolError {
  override name = 'NoMaskError';
  constructor(message = 'Inpainting needs a region: draw a Rectangle annotation on this slice, or paint a segment of the active labelmap, then run again.') {
    super('NO_MASK', message);
  }
}

export class UniformImageError extends DiffusionToolError {
  override name = 'UniformImageError';
  constructor() {
    super('UNIFORM_IMAGE', 'The slice has a single value everywhere, so it cannot be normalised; choose a slice with content.');
  }
}

export class ImageTooLargeError extends DiffusionToolError {
  override name = 'ImageTooLargeError';
  constructor(rows: number, columns: number, limit: number) {
    super('IMAGE_TOO_LARGE', `The result would be ${rows} x ${columns} pixels, more than the ${limit} x ${limit} this tool writes; choose a smaller factor.`);
  }
}

export class InvalidTaskError extends DiffusionToolError {
  override name = 'InvalidTaskError';
  constructor(message: string) {
    super('INVALID_TASK', message);
  }
}

/**
 * Translation sources that do not share one pixel grid at the slice shown (another size, spacing,
 * position, orientation or frame of reference), or a source series with no slice there.
 */
export class NotCoregisteredError extends DiffusionToolError {
  override name = 'NotCoregisteredError';
  constructor(message: string) {
    super('NOT_COREGISTERED', message);
  }
}

/** A contrast the loaded model does not translate from or to. */
export class UnsupportedModalityError extends DiffusionToolError {
  override name = 'UnsupportedModalityError';
  constructor(message: string) {
    super('UNSUPPORTED_MODALITY', message);
  }
}

export class ModelLoadError extends DiffusionToolError {
  override name = 'ModelLoadError';
  constructor(code: 'MODEL_NOT_FOUND' | 'MODEL_CORRUPT' | 'MODEL_MISMATCH', message: string) {
    super(code, message);
  }
}

export class BackendUnavailableError extends DiffusionToolError {
  override name = 'BackendUnavailableError';
  constructor(message: string) {
    super('NO_BACKEND', message);
  }
}

export class WorkerCrashedError extends DiffusionToolError {
  override name = 'WorkerCrashedError';
  constructor(message: string) {
    super('WORKER_CRASHED', `The inference worker stopped: ${message}. The viewer is unaffected; run again to restart it.`);
  }
}

export class StoreFailedError extends DiffusionToolError {
  override name = 'StoreFailedError';
  constructor(message: string) {
    super('STORE_FAILED', `Storing the result to the PACS failed: ${message}. The result is kept in this browser; use Retry to store it again.`);
  }
}

export class RegisterFailedError extends DiffusionToolError {
  override name = 'RegisterFailedError';
  constructor(message: string) {
    super('REGISTER_FAILED', message);
  }
}

/** A run stopped by the user. Named AbortError, as fetch and AbortSignal do. */
export class TaskCancelledError extends DiffusionToolError {
  override name = 'AbortError';
  constructor() {
    super('CANCELLED', 'The run was cancelled; nothing was written.');
  }
}

export function toWire(e: unknown): WireError {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/**
 * Rebuilds a typed error on the main thread from what the worker sent: the extension's own codes
 * keep their class; diffusion-core's WeightsError codes become ModelLoadError; anything else keeps
 * its message.
 */
export function fromWire(w: WireError): Error {
  if (w.name === 'AbortError' || w.code === 'CANCELLED') return new TaskCancelledError();
  switch (w.code) {
    case 'WEIGHTS_NOT_FOUND':
      return new ModelLoadError('MODEL_NOT_FOUND', `The model's weights could not be fetched: ${w.message}`);
    case 'WEIGHTS_CORRUPT':
      return new ModelLoadError('MODEL_CORRUPT', `The model's weights failed their integrity check: ${w.message}`);
    case 'WEIGHTS_MISMATCH':
      return new ModelLoadError('MODEL_MISMATCH', `The weights do not fit this model: ${w.message}`);
    case 'BACKEND_UNAVAILABLE':
      return new BackendUnavailableError(w.message);
    case 'NOT_COREGISTERED':
      return new NotCoregisteredError(w.message);
    case 'UNSUPPORTED_MODALITY':
      return new UnsupportedModalityError(w.message);
    case 'INVALID_INPUT':
      return new InvalidTaskError(w.message);
  }
  if (w.code && (ERROR_CODES as readonly string[]).includes(w.code)) {
    const e = new DiffusionToolError(w.code as ErrorCode, w.message);
    e.name = w.name;
    return e;
  }
  const e = new Error(w.message);
  e.name = w.name;
  return e;
}

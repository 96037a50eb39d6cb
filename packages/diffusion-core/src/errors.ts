/**
 * Errors a user of the package can cause. Each carries a stable `code` so callers (the viewer, CLIs)
 * can react without parsing messages, and a message that says what was wrong and what to do.
 */
export class MedDiffError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A config value is missing, out of range or inconsistent. */
export class ConfigError extends MedDiffError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** A tensor or array has the wrong rank, size or dtype for the function it was given to. */
export class ShapeError extends MedDiffError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** An object was used before it was ready, e.g. `step` before `setTimesteps`. */
export class StateError extends MedDiffError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

export type WeightsErrorCode = 'WEIGHTS_NOT_FOUND' | 'WEIGHTS_CORRUPT' | 'WEIGHTS_MISMATCH';

/** Weights could not be read, failed their integrity check, or do not fit the model asked for. */
export class WeightsError extends MedDiffError {
  constructor(code: WeightsErrorCode, message: string) {
    super(code, message);
  }
}

/** No usable TensorFlow.js backend, or the one asked for is unavailable here. */
export class BackendError extends MedDiffError {
  constructor(message: string) {
    super('BACKEND_UNAVAILABLE', message);
  }
}

/** A long run was cancelled through its AbortSignal. `name` is 'AbortError' as for fetch(). */
export class CancelledError extends MedDiffError {
  constructor(message = 'The operation was cancelled.') {
    super('CANCELLED', message);
    this.name = 'AbortError';
  }
}

/** Throws `CancelledError` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Training produced a NaN or infinite loss or gradient. The last good checkpoint is kept. */
export class TrainingDivergedError extends MedDiffError {
  constructor(
    readonly step: number,
    readonly batch: string,
    message: string,
  ) {
    super('TRAINING_DIVERGED', message);
  }
}

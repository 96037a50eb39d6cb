import { MedDiffError } from '@meddiff/diffusion-core';

/** A translation the loaded model was not trained for: another source set or another target. */
export class UnsupportedModalityError extends MedDiffError {
  constructor(message: string) {
    super('UNSUPPORTED_MODALITY', message);
  }
}

/** Source images that do not share one pixel grid: they cannot be stacked on the channel axis. */
export class NotCoregisteredError extends MedDiffError {
  constructor(
    message: string,
    /** What differs: 'shape', 'spacing', 'origin', 'direction' or 'frameOfReference'. */
    readonly differs: readonly string[],
  ) {
    super('NOT_COREGISTERED', message);
  }
}

/** An input image or option that cannot be processed as given. */
export class InvalidInputError extends MedDiffError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** A T1 volume the simulator cannot segment (no contrast, no head, too small). */
export class SimulationError extends MedDiffError {
  constructor(message: string) {
    super('SIMULATION_FAILED', message);
  }
}

import { MedDiffError } from '@meddiff/diffusion-core';

/** A request the loaded model was not trained for: another task, an untrained factor. */
export class UnsupportedRequestError extends MedDiffError {
  constructor(message: string) {
    super('UNSUPPORTED_REQUEST', message);
  }
}

/** An input image or mask that cannot be processed as given. */
export class InvalidInputError extends MedDiffError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

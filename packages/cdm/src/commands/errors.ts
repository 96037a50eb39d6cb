import { MedDiffError } from '@meddiff/diffusion-core';

/** An output (run folder, report, derived series) is already there; nothing is overwritten without asking. */
export class OutputExistsError extends MedDiffError {
  constructor(message: string) {
    super('OUTPUT_EXISTS', message);
  }
}

/** Command-line options that cannot be used as given (a bad value, a combination that does not fit). */
export class UsageError extends MedDiffError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

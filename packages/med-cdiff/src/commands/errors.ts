import { MedDiffError } from '@meddiff/diffusion-core';

/** An output (run folder, report folder, derived series) is already there; nothing is overwritten without asking. */
export class OutputExistsError extends MedDiffError {
  constructor(message: string) {
    super('OUTPUT_EXISTS', message);
  }
}

/** `--resume` was asked for but the run folder holds no run to continue. */
export class NothingToResumeError extends MedDiffError {
  constructor(message: string) {
    super('NOTHING_TO_RESUME', message);
  }
}

/** Command-line options that cannot be used as given (a bad value, a combination that does not fit). */
export class UsageError extends MedDiffError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A results file (CSV or JSON) that is not what the reader study writes; says where and what. */
export class ReaderStudyFormatError extends Error {
  override name = 'ReaderStudyFormatError';
  constructor(
    message: string,
    /** 1-based line of a CSV file, when the fault is on one. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** A study that cannot be planned or run as configured (too few slices, an unknown task, ...). */
export class ReaderStudyConfigError extends Error {
  override name = 'ReaderStudyConfigError';
}

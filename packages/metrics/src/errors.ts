/**
 * Errors a caller can cause. Each message names the function, what it got and
 * what to do; catch `MetricsError` to handle them all.
 */
export class MetricsError extends Error {
  /** The class name in upper snake case without "Error" (e.g. INVALID_SHAPE), like the other packages' codes. */
  readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
    this.code = new.target.name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() || 'METRICS';
  }
}

/** An input has a rank or size the function cannot use. */
export class InvalidShapeError extends MetricsError {}

/** Two inputs that must match (reference and test, image and mask) do not. */
export class ShapeMismatchError extends MetricsError {}

/** An image's values span more than the `dataRange` the caller declared. */
export class DataRangeError extends MetricsError {}

/** An input holds NaN or an infinity. */
export class NonFiniteValueError extends MetricsError {}

/** A mask holds values other than 0 and 1. */
export class InvalidMaskError extends MetricsError {}

/** A mask (or the part of it a metric can use) selects no pixel. */
export class EmptyMaskError extends MetricsError {}

/** An option is missing, out of range or not one of the allowed values. */
export class InvalidOptionError extends MetricsError {}

/**
 * What the packages' command lines share: option parsers for commander and one rule for exit
 * codes, so `meddiff-imaging`, `med-cdiff` and `cdm` answer bad input and Ctrl-C alike.
 */
import { InvalidArgumentError, type Command } from 'commander';

/** Parses an integer option of at least `min`. */
export const integerOption = (min: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}`);
  return n;
};

export const positiveOption = (value: string): number => {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number');
  return n;
};

export const nonNegativeOption = (value: string): number => {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};

/** A comma-separated list, e.g. `--slices 40,41,42`. */
export const listOption = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The exit code for a failure, after saying what went wrong: 130 for a cancelled run (Ctrl-C), 1
 * with one line for a typed error (one with a string `code`, which every package's errors have),
 * and 1 with the stack for anything else, which is a bug.
 */
export function exitCodeFor(e: unknown, log: (line: string) => void): number {
  const err = e as { code?: unknown; message?: unknown };
  if (err?.code === 'CANCELLED') {
    log(`stopped: ${String(err.message)}`);
    return 130;
  }
  if (e instanceof Error && typeof err.code === 'string') {
    log(`error [${err.code}]: ${e.message.split('\n')[0]}`);
    return 1;
  }
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  return 1;
}

/**
 * Runs a command line to its end and exits with exitCodeFor's code. Native backends (Dawn) may
 * hold the event loop, so the process leaves a second after the output has drained.
 */
export function runCommandLine(program: Command, log: (line: string) => void, argv: readonly string[] = process.argv): void {
  void program
    .parseAsync([...argv])
    .then(
      () => 0,
      (e: unknown) => exitCodeFor(e, log),
    )
    .then((code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 1000).unref();
    });
}

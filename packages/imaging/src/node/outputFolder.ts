import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The entries of an output folder that a command did not write: names not matching `own` (its
 * own file-name pattern), dotfiles aside; [] when the folder does not exist. A command that
 * replaces its earlier output (`--force`) checks this first: deleting only its own files and
 * writing beside someone else's would leave two series in one folder, and deleting theirs would
 * lose what the user had.
 */
export function foreignEntries(dir: string, own: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && !own.test(n)).sort();
}

/** Removes the files of `dir` whose names match `own`: an earlier run's output, about to be replaced. */
export function removeOwnEntries(dir: string, own: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (own.test(n)) rmSync(join(dir, n));
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExternalCommandError } from '../errors.js';

/** What dciodvfy (David Clunie's dicom3tools) says of one Part-10 file, line by line. */
export interface DicomConformance {
  errors: string[];
  warnings: string[];
}

/**
 * Checks a Part-10 file against its IOD with `dciodvfy -new` (Debian package dicom3tools, which
 * scripts/setup.sh installs). The written DICOM of every command and of the viewer is checked with
 * it in the tests. Throws ExternalCommandError when dciodvfy is not installed.
 */
export function dciodvfy(part10: Uint8Array): DicomConformance {
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-dciodvfy-'));
  try {
    const file = join(dir, 'instance.dcm');
    writeFileSync(file, part10);
    const run = spawnSync('dciodvfy', ['-new', file], { encoding: 'utf8' });
    if (run.error) {
      const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ExternalCommandError('dciodvfy -new', missing ? 'dciodvfy is not installed: apt-get install dicom3tools (scripts/setup.sh does)' : run.error.message);
    }
    const lines = `${run.stdout}\n${run.stderr}`.split('\n');
    return { errors: lines.filter((l) => l.startsWith('Error')), warnings: lines.filter((l) => l.startsWith('Warning')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

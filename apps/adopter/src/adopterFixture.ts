import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBRARY_APP, OHIF_APP } from './apps.js';
import { installFreshApp } from './freshApp.js';
import { packAll, type Tarball } from './pack.js';

/** What every test of this project works on: the packed tarballs and the fresh apps that installed them. */
export interface AdopterFixture {
  work: string;
  tarballs: Tarball[];
  libraryApp: string;
  ohifApp: string;
}

export async function prepareAdopter({ offline }: { offline: boolean }): Promise<AdopterFixture> {
  const work = mkdtempSync(join(tmpdir(), 'meddiff-adopter-'));
  const dest = join(work, 'tarballs');
  mkdirSync(dest);
  const tarballs = packAll(dest);
  // One after the other: npm's cache is shared, and two installs at once gain nothing on 2 cores.
  const libraryApp = await installFreshApp(LIBRARY_APP, tarballs, { offline });
  const ohifApp = await installFreshApp(OHIF_APP, tarballs, { offline });
  return { work, tarballs: [...tarballs.values()], libraryApp, ohifApp };
}

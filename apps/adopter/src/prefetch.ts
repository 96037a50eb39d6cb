// Fills npm's cache with everything the adopter tests install, by doing their installs once online;
// the tests then install with --offline. scripts/setup.sh runs this (npx nx run @meddiff/adopter:prefetch).
import { rmSync } from 'node:fs';
import { prepareAdopter } from './adopterFixture.js';

const started = performance.now();
const f = await prepareAdopter({ offline: false });
for (const dir of [f.libraryApp, f.ohifApp, f.work]) rmSync(dir, { recursive: true, force: true });
process.stderr.write(`adopter: npm cache ready for the offline installs (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);

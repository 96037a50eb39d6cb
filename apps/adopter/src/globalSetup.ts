import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { prepareAdopter, type AdopterFixture } from './adopterFixture.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adopter: AdopterFixture;
  }
}

/** Packs and installs once for all test files, offline (see freshApp.ts), and removes it all afterwards. */
export default async function setup(project: TestProject): Promise<() => void> {
  const fixture = await prepareAdopter({ offline: true });
  project.provide('adopter', fixture);
  return () => {
    for (const dir of [fixture.libraryApp, fixture.ohifApp, fixture.work]) rmSync(dir, { recursive: true, force: true });
  };
}

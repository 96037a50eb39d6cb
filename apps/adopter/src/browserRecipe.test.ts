import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Metafile } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.js';
import { runIn } from './run.js';
import { serveFolders } from './staticServer.js';
import { mrSmallJ2k, SHIPPED_MODELS } from './testData.js';
import { REPO_ROOT } from './workspace.js';

const { libraryApp } = inject('adopter');
const web = join(libraryApp, 'web');
let browser: Browser;

beforeAll(async () => {
  mkdirSync(web, { recursive: true });
  cpSync(join(REPO_ROOT, 'apps/adopter/recipes/browser'), web, { recursive: true });
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** Serves a built app as the recipe says (the model folder and the .wasm files beside it) and reads what the page wrote. */
async function runPage(dist: string): Promise<{ text: string; missing: string[]; errors: string[]; requested: string[] }> {
  const site = await serveFolders({ '/': dist, '/models/': SHIPPED_MODELS, '/tfjs-wasm/': join(libraryApp, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'), '/data/': dirname(mrSmallJ2k()) });
  const page = await browser.newPage();
  const errors: string[] = [];
  const requested: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  try {
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => document.querySelector('#out')?.textContent !== 'Running…', undefined, { timeout: 90_000 });
    return { text: (await page.textContent('#out')) ?? '', missing: site.missing, errors, requested };
  } finally {
    await page.close();
    await site.close();
  }
}

// Headless Chromium here has no WebGPU adapter: the page says so and runs on WASM.
const EXPECTED = /^Running on wasm \(webgpu: .+\)\. Denoised 64 x 64 pixels\.$/;

describe("the README's browser recipe, bundled from the packed tarballs with no extra flags", () => {
  it('esbuild bundles it (no Node built-in reachable, no DICOM code) and it runs in Chromium, the model in a Web Worker', async () => {
    // Two entry points: the page, and the worker it starts by `new URL('./worker.js', import.meta.url)`.
    await runIn(web, join(REPO_ROOT, 'node_modules/.bin/esbuild'), ['main.js', 'worker.js', '--bundle', '--format=esm', '--outdir=dist-esbuild', '--metafile=dist-esbuild/meta.json', '--log-level=warning']);
    // What ended up in the bundle (esbuild also lists the modules it parsed and then dropped).
    const meta = JSON.parse(readFileSync(join(web, 'dist-esbuild/meta.json'), 'utf8')) as Metafile;
    const bundled = Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([f]) => f));
    expect(bundled.filter((f) => /node_modules\/(dcmjs|@cornerstonejs|nifti-reader-js)\/|imaging\/dist\/dicom\//.test(f)), 'DICOM and NIfTI code').toEqual([]);
    cpSync(join(web, 'index.html'), join(web, 'dist-esbuild/index.html'));
    const run = await runPage(join(web, 'dist-esbuild'));
    expect(run.errors).toEqual([]);
    expect(run.missing).toEqual([]);
    expect(run.text).toMatch(EXPECTED);
  });

  it('a minified bundle keeps the error class names (and their codes)', async () => {
    cpSync(join(REPO_ROOT, 'apps/adopter/fixtures/errorNames.js'), join(web, 'errorNames.js'));
    await runIn(web, join(REPO_ROOT, 'node_modules/.bin/esbuild'), ['errorNames.js', '--bundle', '--minify', '--format=esm', '--outfile=dist-names/main.js', '--log-level=warning']);
    cpSync(join(web, 'index.html'), join(web, 'dist-names/index.html'));
    const run = await runPage(join(web, 'dist-names'));
    expect(run.text.split('\n')).toEqual(['WeightsError WEIGHTS_CORRUPT', 'InvalidInputError INVALID_INPUT', 'NotDicomError NOT_DICOM']);
  });

  it('beyond the recipe: a page that reads a JPEG 2000 DICOM file and translates it with CDM bundles with no flags and runs', async () => {
    cpSync(join(REPO_ROOT, 'apps/adopter/fixtures/dicomAndCdm.js'), join(web, 'dicomAndCdm.js'));
    await runIn(web, join(REPO_ROOT, 'node_modules/.bin/esbuild'), ['dicomAndCdm.js', '--bundle', '--format=esm', '--outfile=dist-dicom/main.js', '--log-level=warning']);
    cpSync(join(web, 'index.html'), join(web, 'dist-dicom/index.html'));
    const run = await runPage(join(web, 'dist-dicom'));
    expect(run.errors).toEqual([]);
    expect(run.text).toBe('wasm: read 64 x 64 from JPEG 2000; FLAIR 64 x 64, finite; card cdm-t1-t2-to-flair-pd-small-64px 0.2.0');
  });

  it('Vite builds it (minified, the worker too) and it runs in Chromium; no DICOM code is fetched', async () => {
    await runIn(web, 'node', [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
    const run = await runPage(join(web, 'dist'));
    expect(run.errors).toEqual([]);
    expect(run.missing).toEqual([]);
    expect(run.text).toMatch(EXPECTED);
    const scripts = run.requested.filter((p) => p.endsWith('.js')).map((p) => readFileSync(join(web, 'dist', p), 'utf8'));
    expect(scripts.some((s) => s.includes('DicomMessage')), 'dcmjs loaded').toBe(false);
  });
});

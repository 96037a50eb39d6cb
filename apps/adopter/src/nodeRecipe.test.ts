import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicom } from '@meddiff/imaging';
import { describe, expect, inject, it } from 'vitest';
import { LIBRARIES } from './apps.js';
import { runIn } from './run.js';
import { CDM_MODEL, DENOISING_MODEL, mrSmall } from './testData.js';
import { REPO_ROOT } from './workspace.js';

const { libraryApp } = inject('adopter');

describe('a Node app with the packed libraries alone', () => {
  it('runs the README\'s Node recipe: a model folder path, a DICOM slice in, a derived series out', async () => {
    copyFileSync(join(REPO_ROOT, 'apps/adopter/recipes/node/denoise.mjs'), join(libraryApp, 'denoise.mjs'));
    const out = join(libraryApp, 'denoised');
    const { stdout } = await runIn(libraryApp, 'node', ['denoise.mjs', DENOISING_MODEL, mrSmall(), out]);
    expect(stdout).toMatch(/Running on wasm\. Wrote 1 instance\(s\) of series [0-9.]+ to .*denoised\./);
    const files = readdirSync(out);
    expect(files).toEqual(['IM1.dcm']);
    const source = await readDicom(readFileSync(mrSmall()));
    const result = await readDicom(readFileSync(join(out, 'IM1.dcm')));
    expect(result.shape).toEqual(source.shape);
    expect(result.source.dicomAttributes).toMatchObject({ StudyInstanceUID: source.source.dicomAttributes!['StudyInstanceUID'] });
  });

  it('loads a CDM model from a folder path and from a file: URL', async () => {
    const script = `import { pathToFileURL } from 'node:url';
import { selectNodeBackend } from '@meddiff/diffusion-core/node';
import { CdmPipeline } from '@meddiff/cdm';
await selectNodeBackend('wasm');
for (const source of [process.argv[1], pathToFileURL(process.argv[1])]) {
  const p = await CdmPipeline.load(source);
  console.log(JSON.stringify(p.modalities));
  p.dispose();
}`;
    const { stdout } = await runIn(libraryApp, 'node', ['--input-type=module', '-e', script, CDM_MODEL]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { sources: string[]; targets: string[] });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual(lines[0]);
    expect(lines[0]!.sources).toEqual(['T1', 'T2']);
  });

  it('installed tfjs-core and tfjs-layers as the libraries\' peers, without the app listing them', () => {
    const app = JSON.parse(readFileSync(join(libraryApp, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(app.dependencies)).not.toContain('@tensorflow/tfjs-core');
    for (const p of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']) expect(JSON.parse(readFileSync(join(libraryApp, 'node_modules', p, 'package.json'), 'utf8')).version).toBe('4.22.0');
  });

  it('serves CommonJS callers too: Node >= 20.19 require()s these ES modules', async () => {
    const script = `for (const p of ${JSON.stringify(LIBRARIES)}) console.log(p, Object.keys(require(p)).length > 0);`;
    const { stdout, stderr } = await runIn(libraryApp, 'node', ['-e', script]);
    expect(stdout.trim().split('\n')).toEqual(LIBRARIES.map((p) => `${p} true`));
    expect(stderr).not.toMatch(/ERR_|Error/);
  });

  it('each command line tool says its version', async () => {
    for (const cli of ['med-cdiff', 'cdm', 'meddiff-imaging']) {
      const { stdout } = await runIn(libraryApp, join('node_modules', '.bin', cli), ['--version']);
      expect(stdout.trim(), cli).toBe('0.1.0');
    }
  });
});

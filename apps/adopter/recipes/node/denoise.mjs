// node denoise.mjs <model folder> <DICOM file> <output folder>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectNodeBackend } from '@meddiff/diffusion-core/node';
import { readDicom, volumeSlice, writeDerivedSeries } from '@meddiff/imaging';
import { MedCDiffPipeline } from '@meddiff/med-cdiff';

const [modelFolder, dicomFile, outFolder] = process.argv.slice(2);
const backend = await selectNodeBackend('wasm'); // tfjs's WebAssembly backend (@tensorflow/tfjs-backend-wasm)
const pipeline = await MedCDiffPipeline.load(modelFolder); // a folder path, a file: URL or an http(s) URL
const slice = volumeSlice(await readDicom(readFileSync(dicomFile)), 0); // modality units, with geometry
const result = await pipeline.denoise(slice, { sampler: 'ddim', steps: 10, seed: 1 });
const series = writeDerivedSeries(result.image, slice, { description: 'Med-cDiff denoising (DDIM, 10 steps)', seriesLabel: 'denoised' });
mkdirSync(outFolder, { recursive: true });
series.files.forEach((bytes, i) => writeFileSync(join(outFolder, `IM${i + 1}.dcm`), bytes));
console.log(`${backend.summary} Wrote ${series.files.length} instance(s) of series ${series.seriesInstanceUID} to ${outFolder}.`);
pipeline.dispose();

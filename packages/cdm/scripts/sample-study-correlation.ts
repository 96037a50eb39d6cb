// Scores CDM model folders on the viewer's simulated multi-contrast study at its full 217 x 181
// resolution: mean over its 24 slices of the correlation, inside the head (T1 above a tenth of its
// maximum), between each translated target and its simulated series (DDIM 20 steps, seed 0, WASM).
// Needs the study (`npm run -w @meddiff/cdm setup-data` or the viewer's prepare step).
// Usage: npx tsx scripts/sample-study-correlation.ts <model folder> [<model folder> ...]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { resolveCacheDir } from '@meddiff/imaging/node';
import { selectBackend } from '@meddiff/diffusion-core';
import { readDicomSeries, volumeSlice } from '@meddiff/imaging';
import { CdmPipeline } from '@meddiff/cdm';
const root = join(resolveCacheDir(), 'sample-studies-cdm', 'mr-brain-simulated-multicontrast');
const pearson = (a: Float32Array, b: Float32Array) => { const n=a.length; let ma=0,mb=0; for(let i=0;i<n;i++){ma+=a[i]!;mb+=b[i]!;} ma/=n;mb/=n; let ab=0,aa=0,bb=0; for(let i=0;i<n;i++){ab+=(a[i]!-ma)*(b[i]!-mb);aa+=(a[i]!-ma)**2;bb+=(b[i]!-mb)**2;} return ab/Math.sqrt(aa*bb); };
await selectBackend({ preferred: ['wasm'] });
const series = Object.fromEntries(await Promise.all(readdirSync(root).map(async (d) => { const files = readdirSync(join(root, d)).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(root, d, f))) })); return [d.split('-').pop()!, (await readDicomSeries(files)).volume]; })));
for (const dir of process.argv.slice(2)) {
  const p = await CdmPipeline.load(fileWeightsStore(dir));
  const { sources, targets } = p.model.config.modalities;
  const acc: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t, []]));
  const t0 = performance.now();
  for (let k = 0; k < 24; k++) {
    const t1 = volumeSlice(series.T1, k);
    const r = await p.translate(Object.fromEntries(sources.map((c) => [c, volumeSlice(series[c]!, k)])), [...targets], { ddimSteps: 20, seed: 0 });
    const mx = Math.max(...t1.data); const idx = [...t1.data.keys()].filter((i) => t1.data[i]! > 0.1 * mx);
    const pick = (a: Float32Array) => Float32Array.from(idx, (i) => a[i]!);
    for (const tg of targets) acc[tg]!.push(pearson(pick(r.images[tg]!.data), pick(volumeSlice(series[tg]!, k).data)));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(dir, 'in-head correlation over 24 slices (217x181):', targets.map((t) => `${t} ${mean(acc[t]!).toFixed(3)}`).join(' '), `${((performance.now() - t0) / 24).toFixed(0)} ms/slice`);
  p.dispose();
}

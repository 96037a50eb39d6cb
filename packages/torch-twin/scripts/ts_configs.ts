/**
 * Prints, as one JSON object, the configs the TypeScript packages build for every preset: the
 * diffusion-core U-Net presets, Med-cDiff's task x preset configs and CDM's size presets. The
 * PyTorch twin's tests build their networks from exactly these, so presets keep one home.
 * With arguments, prints one config: `med-cdiff <task> <preset>` or `cdm <modalities> <size>`.
 */
import { resolveUNetConfig, UNET_PRESETS, unetPreset, type UNetPresetName } from '@meddiff/diffusion-core';
import { MED_CDIFF_TASKS, medCDiffConfig, type MedCDiffPresetName } from '@meddiff/med-cdiff';
import { CDM_SIZE_PRESETS, cdmConfig, type CdmSizePresetName, type ModalityPresetName } from '@meddiff/cdm';
import type { MedCDiffTask } from '@meddiff/med-cdiff';

const [family, a, b] = process.argv.slice(2);
if (family === 'med-cdiff') {
  console.log(JSON.stringify(medCDiffConfig(a as MedCDiffTask, b as MedCDiffPresetName), null, 1));
  process.exit(0);
}
if (family === 'cdm') {
  console.log(JSON.stringify(cdmConfig({ modalities: a as ModalityPresetName, size: b as CdmSizePresetName }), null, 1));
  process.exit(0);
}
if (family) throw new Error(`Unknown family '${family}'. Use: med-cdiff <task> <preset> | cdm <modalities> <size>.`);

const unet = Object.fromEntries(
  (Object.keys(UNET_PRESETS) as UNetPresetName[]).map((name) => [name, resolveUNetConfig({ ...unetPreset(name), inChannels: 2, outChannels: 1 })]),
);
// The time and condition embeddings together, and the 'add' injection, on the smallest network.
unet['tiny-condition-add'] = resolveUNetConfig({ ...unetPreset('tiny'), inChannels: 3, outChannels: 2, conditionDim: 6, embeddingInjection: 'add' });
const medCDiff = Object.fromEntries(
  MED_CDIFF_TASKS.flatMap((task) => (['tiny', 'small', 'paper'] as MedCDiffPresetName[]).map((preset) => [`${task}/${preset}`, medCDiffConfig(task, preset)])),
);
const cdm = Object.fromEntries(CDM_SIZE_PRESETS.map((size) => [size, cdmConfig({ modalities: 't1-t2-to-flair-pd', size })]));
cdm['tiny-unconditional'] = cdmConfig({ modalities: 't1-to-t2', size: 'tiny', overrides: { mdn: { ...cdmConfig({ size: 'tiny' }).mdn, conditioning: 'none' } } });
console.log(JSON.stringify({ unet, medCDiff, cdm }));

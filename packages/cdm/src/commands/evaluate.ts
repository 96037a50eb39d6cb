import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { nextVersionProblem } from '@meddiff/diffusion-core';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import { loadPlainUNet } from '../baselines/plainUNet';
import { evaluateTranslation, scoresTable, type MethodScores } from '../evaluate/evaluateTranslation';
import { protocolBreakdown } from '../evaluate/protocolBreakdown';
import { cardWithEvaluation } from '../evaluate/recordEvaluation';
import { montageColumns, translationMontage } from '../evaluate/translationMontage';
import { readSliceProtocols } from '../node/protocolDataset';
import { spreadIndices, spreadSlices } from '../train/pairedSlices';
import { loadPipeline, occupied, readPairedSlices, resolveDatasetDir, useBackend, type CommandBackend, type Log } from './common';
import { CdmModel } from '../model';
import { OutputExistsError, UsageError } from './errors';

export interface EvaluateCommandOptions {
  /** A model folder (<run>/model) or URL. */
  model: string;
  /** Dataset folder or name; default cdm-sim-64. */
  data?: string;
  split?: 'val' | 'train' | 'test';
  /** The plain U-Net baseline's folder; default <run>/baseline beside the model, when there. */
  baseline?: string;
  /** Score this many slices spread over the split; default all. */
  count?: number;
  ddimSteps?: number;
  seed?: number;
  /** CDM's output: the mean over this many MDN draws; default 1. */
  samples?: number;
  /** Folder for report.json, report.md and montage-<target>.png; none prints only. */
  out?: string;
  /** Slices shown in each montage, spread over those scored; 0 for none. Default 4. */
  montageSlices?: number;
  force?: boolean;
  /** Write this evaluation into the model folder's card as this new version (a local folder only). */
  record?: string;
  cacheDir?: string;
  backend?: CommandBackend;
  log?: Log;
  signal?: AbortSignal;
}

export interface EvaluationReport {
  model: string;
  data: string;
  split: 'val' | 'train' | 'test';
  slices: number;
  sources: string[];
  targets: string[];
  ddimSteps: number;
  seed: number;
  samples: number;
  methods: MethodScores[];
}

/** The protocol-distance tables of a protocol dataset, for the scored slices `items` of the split. */
function breakdowns(methods: MethodScores[], targets: readonly string[], protocols: NonNullable<ReturnType<typeof readSliceProtocols>>, items: number[]): string[] {
  return [
    '## Against the distance of the target protocol from the training protocols',
    '',
    'Mean PSNR by where each slice\'s target protocol lies: inside the training ranges (in a cell of the parameter grid never trained on) or beyond them on one parameter, and its distance to the nearest training cell in units of each range\'s width (the dataset\'s protocols.json).',
    '',
    ...targets.flatMap((t) => [protocolBreakdown(methods, t, items.map((i) => protocols[t]![i]!)), '']),
  ];
}

/** Scores a CDM model on a paired dataset beside histogram matching and the plain U-Net baseline. */
export async function evaluate(o: EvaluateCommandOptions): Promise<{ report: EvaluationReport; markdown: string; files: string[] }> {
  const log = o.log ?? (() => undefined);
  const out = o.out ? resolve(o.out) : undefined;
  if (out && occupied(join(out, 'report.json')) && !o.force) throw new OutputExistsError(`${out} already holds a report; choose another --out or pass --force.`);
  if (o.record !== undefined && /^https?:/i.test(o.model)) throw new UsageError(`--record ${o.record} writes the evaluation into the model's card, so --model must be a local model folder, not a URL.`);
  if (o.backend) log(`backend: ${(await useBackend(o.backend)).summary}`);
  const pipeline = await loadPipeline(o.model);
  const model = pipeline.model;
  if (o.record !== undefined) {
    const problem = model.card ? nextVersionProblem(model.card, o.record) : 'the model has no card to record into';
    if (problem) {
      pipeline.dispose();
      throw new UsageError(`--record ${o.record}: ${problem}.`);
    }
  }
  const baselineDir = o.baseline ?? (/^https?:/i.test(o.model) ? undefined : join(dirname(resolve(o.model)), 'baseline'));
  const baseline = baselineDir && existsSync(join(baselineDir, 'model.json')) ? await loadPlainUNet(fileWeightsStore(baselineDir), model.config as never) : null;
  try {
    const dataDir = resolveDatasetDir(o.data, o.cacheDir);
    const split = o.split ?? 'val';
    let slices = readPairedSlices(dataDir, split, model.config);
    const all = slices.count;
    if (o.count) slices = spreadSlices(slices, o.count);
    const protocols = readSliceProtocols(dataDir, split, model.config.modalities.targets);
    const ddimSteps = o.ddimSteps ?? model.config.mdn.samplingSteps;
    const seed = o.seed ?? 0;
    log(`scoring ${slices.count} ${split} slices of ${dataDir}${baseline ? ` (baseline: ${baselineDir})` : ' (no plain U-Net baseline: train it with `cdm train --stage baseline`)'}`);
    const samples = o.samples ?? 1;
    const { sources, targets } = model.config.modalities;
    const examples = out ? spreadIndices(slices.count, o.montageSlices ?? 4) : [];
    const methods = await evaluateTranslation(model, slices, { ddimSteps, seed, samples, baseline, examples, ...(o.signal ? { signal: o.signal } : {}) });
    const montages = examples.length ? targets.map((t) => ({ file: `montage-${t}.png`, target: t, png: translationMontage(slices, examples, sources, t, methods) })) : [];
    const forReport = methods.map(({ examples: _, ...scores }) => scores);
    const report: EvaluationReport = { model: o.model, data: dataDir, split, slices: slices.count, sources: [...sources], targets: [...targets], ddimSteps, seed, samples, methods: forReport };
    const markdown = [
      `# CDM evaluation`,
      '',
      `${sources.join(' + ')} -> ${targets.join(', ')}; ${slices.count} ${split} slices of ${dataDir}; DDIM ${ddimSteps} steps, seed ${seed}${samples > 1 ? `, mean of ${samples} draws` : ''}. Scores on the [-1, 1] scale (PSNR with data range 2), mean ± sample standard deviation over the slices.`,
      '',
      ...methods.map((m) => `- **${m.name}**: ${m.description}`),
      '',
      ...targets.flatMap((t) => {
        const montage = montages.find((m) => m.target === t);
        return [`## ${t}`, '', scoresTable(methods, t), '', ...(montage ? [`![${t}, examples](${montage.file})`, '', `Columns: ${montageColumns(sources, methods).join(', ')}; rows: ${examples.length} of the scored slices, evenly spaced.`, ''] : [])];
      }),
      ...(protocols ? breakdowns(methods, targets, protocols, spreadIndices(all, o.count ?? all)) : []),
    ].join('\n');
    const files: string[] = [];
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
      writeFileSync(join(out, 'report.md'), `${markdown}\n`);
      files.push(join(out, 'report.json'), join(out, 'report.md'));
      for (const m of montages) {
        writeFileSync(join(out, m.file), m.png);
        files.push(join(out, m.file));
      }
    }
    if (o.record !== undefined) {
      const label = `${basename(dataDir)} ${split} split (${slices.count === all ? `all ${all}` : `${slices.count} of ${all}`} slices)`;
      const sampling = `DDIM ${ddimSteps} steps, seed ${seed}, ${samples > 1 ? `mean of ${samples} draws` : 'one draw'}`;
      const card = cardWithEvaluation(model.card!, { data: label, sampling, sources, targets, methods }, o.record);
      await CdmModel.writeIndex(fileWeightsStore(resolve(o.model)), model.config, card, true);
      log(`recorded in ${join(resolve(o.model), 'cdm.json')}'s card as version ${o.record}`);
    }
    return { report, markdown, files };
  } finally {
    baseline?.dispose();
    pipeline.dispose();
  }
}

#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { integerOption, nonNegativeOption, positiveOption, runCommandLine } from '@meddiff/imaging/node';
import { consoleTrainingLogger, interruptible } from '@meddiff/diffusion-core/node';
import { MED_CDIFF_TASKS, type MedCDiffPresetName, type MedCDiffTask } from './config';
import { SAMPLER_NAMES, type SamplerName } from './pipeline/samplers';
import { COMMAND_BACKENDS, type CommandBackend } from './commands/common';
import { train, PRESETS } from './commands/train';
import { evaluate } from './commands/evaluate';
import { runModel } from './commands/run';
import { conditionTable } from './evaluate/report';

const log = (line: string) => process.stderr.write(`${line}\n`);


/** Sampling progress: a rewritten line on a terminal, nothing in logs. */
function progressLine(): (slices: readonly number[], p: { step: number; total: number; etaMs: number }) => void {
  return (slices, p) => {
    if (!process.stderr.isTTY) return;
    const which = slices.length > 1 ? `slices ${slices[0]}-${slices.at(-1)}` : `slice ${slices[0]}`;
    process.stderr.write(`\r  ${which}: step ${p.step}/${p.total}, eta ${Math.round(p.etaMs / 1000)} s   ${p.step === p.total ? '\n' : ''}`);
  };
}

/** `--noise 0.1,0.05`: a Gaussian sigma and a salt-and-pepper share; the range checks are evaluate's. */
const noiseOption = (value: string): { sigma: number; impulses: number } => {
  const parts = value.split(',').map(Number);
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError('must be a Gaussian sigma and a salt-and-pepper share, e.g. 0.1,0.05');
  return { sigma: parts[0]!, impulses: parts[1]! };
};

const backendOption = () => new Option('--backend <backend>', 'TensorFlow.js backend').choices(COMMAND_BACKENDS).default('wasm');
const samplerOption = () => new Option('--sampler <sampler>', 'sampler').choices(SAMPLER_NAMES).default('dpm-solver');

const program = new Command();
program
  .name('med-cdiff')
  .version(pkg.version)
  .description('Med-cDiff (Hung et al. 2023): conditional diffusion for MRI super-resolution, denoising and inpainting. Research use only.')
  .showHelpAfterError();

program
  .command('train')
  .description('train a model on a slice dataset (resumable: checkpoints in <out>/checkpoints, the model in <out>/model)')
  .addOption(new Option('--task <task>', 'what the model learns (required for a new run)').choices(MED_CDIFF_TASKS))
  .addOption(new Option('--preset <preset>', 'network size: paper (63 M parameters, 128 px), small (64 px, trains on a CPU), tiny (tests); default small').choices(PRESETS))
  .option('--data <dataset>', 'dataset folder or name under <cache>/datasets (default: the open dataset at the preset\'s size, open-64 or open)')
  .requiredOption('--out <dir>', 'run folder; must be empty unless --resume')
  .option('--steps <n>', 'total optimisation steps (default 10000; a resumed run may raise it)', integerOption(1))
  .option('--batch-size <n>', 'slices per batch (default 8)', integerOption(1))
  .option('--lr <rate>', 'peak learning rate, AdamW (default 2e-4)', positiveOption)
  .option('--seed <n>', 'seed of batches, degradations and noise (default 0)', integerOption(0))
  .option('--checkpoint-every <n>', 'steps between checkpoints (default 100)', integerOption(0))
  .option('--validate-every <n>', 'steps between fixed-seed validation losses (default 500; 0: only at the end)', integerOption(0))
  .option('--log-every <n>', 'steps between progress lines (default 10)', integerOption(1))
  .option('--resume', 'continue the run in --out from its newest checkpoint')
  .option('--init <model>', 'start from this model folder\'s weights and config (fine-tuning; e.g. one exported by the PyTorch twin)')
  .option('--cache-dir <dir>', 'cache folder (default $MEDDIFF_CACHE, else <repo>/.cache)')
  .addOption(backendOption())
  .option('--workers <n>', 'worker threads sharing each batch on wasm (default: the cores available; the result does not depend on it)', integerOption(1))
  .action(async (o: { task?: MedCDiffTask; preset?: MedCDiffPresetName; data?: string; out: string; steps?: number; batchSize?: number; lr?: number; seed?: number; checkpointEvery?: number; validateEvery?: number; logEvery?: number; resume?: boolean; init?: string; cacheDir?: string; backend: CommandBackend; workers?: number }) => {
    await interruptible((signal) => train({ ...o, log, onLog: consoleTrainingLogger(), signal }), { what: 'training after this step and writing a checkpoint', log });
  });

program
  .command('evaluate')
  .description('score a model on the validation split beside the baselines; writes report.md, report.json and PNG montages')
  .requiredOption('--model <dir|url>', 'model folder (<run>/model) or http(s) URL')
  .option('--data <dataset>', 'dataset folder or name (default: the open dataset at the model\'s training size)')
  .requiredOption('--out <dir>', 'report folder')
  .option('--count <n>', 'score n validation slices, evenly spaced over the split (default all)', integerOption(1))
  .option('--samples <n>', 'samples per slice; their mean is scored (default 1)', integerOption(1))
  .addOption(new Option('--split <split>', 'the split scored: val while choosing a recipe, test for the final tables').choices(['val', 'test']).default('val'))
  .option('--baseline-model <dir>', 'a regression U-Net of the same size (twin: train-med-cdiff --network regression), scored beside the baselines')
  .addOption(samplerOption())
  .option('--steps <n>', 'sampling steps (default 25 for dpm-solver, 50 for ddim, T for ddpm)', integerOption(1))
  .option('--temperature <t>', "scale of the sampler's noise: 1 samples the model's distribution, lower is closer to the mean (higher PSNR, less detail), 0 deterministic (default: the model's sampling.temperature, else 1)", nonNegativeOption)
  .option('--seed <n>', 'seed of the degradations and the sampler (default 0)', integerOption(0))
  .option('--noise <sigma,share>', 'denoising: score one noise setting, Gaussian sigma and salt-and-pepper share on [-1, 1] (e.g. 0.1,0.05), instead of draws over the training ranges', noiseOption)
  .option('--montage-slices <n>', 'slices per montage (default 4; 0 for none)', integerOption(0))
  .option('--force', 'replace a report in --out')
  .option('--record <version>', "write this evaluation into the model folder's card as this new version (metrics and a changelog entry)")
  .option('--cache-dir <dir>', 'cache folder (default $MEDDIFF_CACHE, else <repo>/.cache)')
  .addOption(backendOption())
  .option('--workers <n>', 'worker threads sampling tiles and samples on wasm (default: the cores available; the results do not depend on it)', integerOption(1))
  .action(async (o: { model: string; baselineModel?: string; samples?: number; split: 'val' | 'test'; data?: string; out: string; count?: number; sampler: SamplerName; steps?: number; temperature?: number; seed?: number; noise?: { sigma: number; impulses: number }; montageSlices?: number; force?: boolean; record?: string; cacheDir?: string; backend: CommandBackend; workers?: number }) => {
    const { report, files } = await interruptible((signal) => evaluate({ ...o, log, signal }), { what: 'the evaluation', log });
    for (const c of report.conditions) process.stdout.write(`\n${c.title}, ${c.slices.length} slices:\n\n${conditionTable(c)}\n`);
    log(`\nwrote ${files.join(', ')}`);
  });

program
  .command('run')
  .description('apply a model to a DICOM file, DICOM series folder or NIfTI file and write a derived DICOM series or NIfTI file')
  .requiredOption('--model <dir|url>', 'model folder (<run>/model) or http(s) URL')
  .requiredOption('--input <path>', 'a DICOM file, a folder with a DICOM series, or a .nii/.nii.gz file')
  .requiredOption('--out <path>', 'a folder for the derived DICOM series, or a .nii/.nii.gz file')
  .addOption(new Option('--task <task>', 'default: implied by --factor or --mask, else the model\'s task').choices(MED_CDIFF_TASKS))
  .option('--slice <k>', 'slice index, 0-based (default: the middle slice)', integerOption(0))
  .option('--all-slices', 'process every slice')
  .option('--factor <f>', 'super-resolution factor (default: the model\'s only factor)', positiveOption)
  .option('--mask <mask>', 'inpainting region: a .png or .nii/.nii.gz mask (non-zero = fill) or a rectangle x,y,w,h in pixels')
  .option('--samples <n>', 'samples per slice; the output is their mean, and with n > 1 a standard-deviation map is written too (default 1)', integerOption(1))
  .addOption(samplerOption())
  .option('--steps <n>', 'sampling steps (default 25 for dpm-solver, 50 for ddim, T for ddpm)', integerOption(1))
  .option('--temperature <t>', "scale of the sampler's noise: 1 samples the model's distribution, lower is closer to the mean (higher PSNR, less detail), 0 deterministic (default: the model's sampling.temperature, else 1)", nonNegativeOption)
  .option('--seed <n>', 'seed (plus the slice index; default 0)', integerOption(0))
  .option('--force', 'replace an existing output')
  .addOption(backendOption())
  .option('--workers <n>', 'worker threads sampling tiles and samples on wasm (default: the cores available; the results do not depend on it)', integerOption(1))
  .action(async (o: { model: string; input: string; out: string; task?: MedCDiffTask; slice?: number; allSlices?: boolean; factor?: number; mask?: string; samples?: number; sampler: SamplerName; steps?: number; temperature?: number; seed?: number; force?: boolean; backend: CommandBackend; workers?: number }) => {
    await interruptible((signal) => runModel({ ...o, log, onProgress: progressLine(), signal }), { what: 'after this step', log });
  });

runCommandLine(program, log);

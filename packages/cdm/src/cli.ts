#!/usr/bin/env node
import { Command, InvalidArgumentError as CommanderArgError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { integerOption, listOption, positiveOption, runCommandLine } from '@meddiff/imaging/node';
import { consoleTrainingLogger, interruptible } from '@meddiff/diffusion-core/node';
import { CDM_SIZE_PRESETS, MDN_CONDITIONINGS, type CdmSizePresetName, type MdnConditioning } from './config';
import { MODALITY_PRESETS, SIMULATED_MODALITIES, type ModalityPresetName, type SimulatedModality } from './modalities';
import { COMMAND_BACKENDS, type CommandBackend } from './commands/common';
import { simulate } from './commands/simulate';
import { train, TRAIN_STAGES, type TrainStage } from './commands/train';
import { evaluate } from './commands/evaluate';
import { runModel } from './commands/run';
import { ANATOMY_SOURCES, BRAINWEB_DATASET_SOURCES, type AnatomySourceId } from './node/anatomySources';
import { writeSimulatedBrainStudy } from './node/sampleStudy';

const log = (line: string) => process.stderr.write(`${line}\n`);

const integers = (value: string) => listOption(value).map((s) => integerOption(0)(s));

/** `--source T1=path`, repeatable. */
function sourcePair(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1 || at === value.length - 1) throw new CommanderArgError(`expected <contrast>=<file or folder>, e.g. T1=t1.nii.gz; got '${value}'`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

const backendOption = () => new Option('--backend <backend>', 'TensorFlow.js backend').choices(COMMAND_BACKENDS).default('wasm');
const cacheOption = () => new Option('--cache-dir <dir>', 'cache folder (default $MEDDIFF_CACHE, else <repo>/.cache)');

const program = new Command();
program
  .name('cdm')
  .version(pkg.version)
  .description('CDM (Xing et al. 2024): cross-conditioned diffusion for MRI contrast translation, with a simulator of paired contrasts. Research use only.')
  .showHelpAfterError();

program
  .command('simulate')
  .description('render co-registered T1, T2, PD, FLAIR and T1ce slices from real anatomy (Colin27, INIA19, MNI tissue maps) into <cache>/datasets/cdm-sim-<size>, or with --protocols protocol-varied T1, T2, FLAIR, PD from every open anatomy into cdm-protocols-<size>')
  .option('--size <px>', 'side of the square slices (default 64)', integerOption(16))
  .option('--slices <n>', 'axial slices per virtual subject (default 24; with --protocols 4)', integerOption(1))
  .option('--slice-pool <n>', 'evenly spaced slices per anatomy that the virtual subjects take turns at (default: --slices; with --protocols 48)', integerOption(1))
  .option('--virtual-subjects <n>', 'tissue-property and acquisition draws per anatomy (default 6; with --protocols 512)', integerOption(1))
  .option('--sources <ids>', `anatomies, from ${ANATOMY_SOURCES.join(',')} (default ${BRAINWEB_DATASET_SOURCES.join(',')}; with --protocols all)`, listOption)
  .option('--val-subjects <ids>', 'anatomies that form the validation split (default inia19; with --protocols inia19,dipy-t1-coronal; with --from, the last scan)', listOption)
  .option('--protocols', 'render cdm-protocols-<size> instead: field strength, tissue properties, resolution and protocols (spin echo, gradient echo, inversion recovery) drawn per virtual subject; train/val/test split by subject and by protocol')
  .option('--test-subjects <ids>', 'with --protocols: anatomies that form the test split (default itk-kmeans-t1)', listOption)
  .option('--modalities <list>', `contrasts (default ${SIMULATED_MODALITIES.join(',')})`, listOption)
  .option('--from <files>', 'render from your own T1-weighted head scans instead (comma-separated NIfTI files or DICOM folders, one subject each)', listOption)
  .option('--out <dir>', 'with --from: the dataset folder to write')
  .option('--preview <png>', 'write a contact sheet (one column per contrast)')
  .option('--seed <n>', 'seed of the virtual subjects (default 0)', integerOption(0))
  .option('--force', 'render again even when up to date')
  .option('--sample-study', 'also write the simulated multi-contrast DICOM study for the viewer (<cache>/sample-studies-cdm)')
  .addOption(cacheOption())
  .action(async (o: { size?: number; slices?: number; slicePool?: number; virtualSubjects?: number; sources?: AnatomySourceId[]; valSubjects?: string[]; testSubjects?: string[]; protocols?: boolean; modalities?: SimulatedModality[]; from?: string[]; out?: string; preview?: string; seed?: number; force?: boolean; sampleStudy?: boolean; cacheDir?: string }) => {
    await simulate({ ...o, ...(o.slices ? { slicesPerSubject: o.slices } : {}), log });
    if (o.sampleStudy) {
      const { dir, built } = writeSimulatedBrainStudy({ ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}), ...(o.force ? { force: true } : {}), log });
      log(`${built ? 'wrote' : 'up to date:'} ${dir}`);
    }
  });

program
  .command('train')
  .description('train CDM in stages (mrm, mdn, cunet) and the plain U-Net baseline; each stage resumes from its checkpoints, a finished stage is skipped')
  .addOption(new Option('--stage <stage>', 'what to train').choices(TRAIN_STAGES).default('all'))
  .requiredOption('--out <dir>', 'run folder (run.json, checkpoints/, model/, baseline/)')
  .option('--data <dataset>', 'dataset folder or name under <cache>/datasets (default cdm-sim-64)')
  .option('--from <folder>', 'your co-registered NIfTI cases, BraTS layout (<case>/<case>_t1.nii.gz, ...), made into a dataset first')
  .addOption(new Option('--modalities <preset>', 'sources and targets by name (default t1-to-t2-flair)').choices(Object.keys(MODALITY_PRESETS)))
  .option('--sources <list>', 'source contrasts, e.g. T1,T2 (with --targets)', listOption)
  .option('--targets <list>', 'target contrasts, e.g. T1ce,FLAIR', listOption)
  .addOption(new Option('--size <preset>', 'network size: paper (128 px, 192-long vectors), small (64 px), tiny (32 px); default small').choices(CDM_SIZE_PRESETS))
  .option('--image-size <px>', 'training slice size (default from --size)', integerOption(8))
  .addOption(new Option('--loss <loss>', 'MRM is always MSE; C-UNet and baseline loss (default l1)').choices(['l1', 'mse']))
  .addOption(new Option('--mdn-conditioning <c>', 'MDN conditioned on the sources\' vectors (3-D code) or unconditional (2-D code); default source').choices(MDN_CONDITIONINGS))
  .option('--steps <n>', 'steps of each stage trained now (default per size: tiny 600/2000/1500/1500 for mrm/mdn/cunet/baseline)', integerOption(1))
  .option('--mrm-steps <n>', 'steps of the MRM stage', integerOption(1))
  .option('--mdn-steps <n>', 'steps of the MDN stage', integerOption(1))
  .option('--cunet-steps <n>', 'steps of the C-UNet stage', integerOption(1))
  .option('--baseline-steps <n>', 'steps of the baseline', integerOption(1))
  .option('--batch-size <n>', 'batch size (default 8; 64 for the MDN)', integerOption(1))
  .option('--lr <rate>', 'peak learning rate (AdamW, warm-up, cosine to a tenth; default 1e-3)', positiveOption)
  .option('--seed <n>', 'seed of the run (default 0)', integerOption(0))
  .option('--checkpoint-every <n>', 'steps between checkpoints', integerOption(0))
  .option('--validate-every <n>', 'steps between validation metrics', integerOption(0))
  .option('--log-every <n>', 'steps between progress lines', integerOption(1))
  .addOption(cacheOption())
  .addOption(backendOption())
  .option('--workers <n>', 'worker threads sharing each batch on wasm (default: the cores available; the result does not depend on it)', integerOption(1))
  .action(async (o: { stage: TrainStage | 'all'; out: string; data?: string; from?: string; modalities?: ModalityPresetName; sources?: string[]; targets?: string[]; size?: CdmSizePresetName; imageSize?: number; loss?: 'l1' | 'mse'; mdnConditioning?: MdnConditioning; steps?: number; mrmSteps?: number; mdnSteps?: number; cunetSteps?: number; baselineSteps?: number; batchSize?: number; lr?: number; seed?: number; checkpointEvery?: number; validateEvery?: number; logEvery?: number; cacheDir?: string; backend: CommandBackend; workers?: number }) => {
    const stageSteps = { ...(o.mrmSteps ? { mrm: o.mrmSteps } : {}), ...(o.mdnSteps ? { mdn: o.mdnSteps } : {}), ...(o.cunetSteps ? { cunet: o.cunetSteps } : {}), ...(o.baselineSteps ? { baseline: o.baselineSteps } : {}) };
    const { stages } = await interruptible((signal) => train({ ...o, stageSteps, log, onLog: consoleTrainingLogger(), signal }), { what: 'training after this step and writing a checkpoint', log });
    for (const s of stages) if (!s.skipped) log(`${s.stage}: ${s.steps} steps in ${s.seconds.toFixed(0)} s`);
  });

program
  .command('evaluate')
  .description('PSNR, SSIM and MAE per target contrast on the validation (or test) split, beside histogram matching and the plain U-Net baseline')
  .requiredOption('--model <dir|url>', 'model folder (<run>/model) or http(s) URL')
  .option('--data <dataset>', 'dataset folder or name (default cdm-sim-64)')
  .addOption(new Option('--split <split>', 'which split').choices(['val', 'test', 'train']).default('val'))
  .option('--baseline <dir>', 'plain U-Net folder (default <run>/baseline)')
  .option('--count <n>', 'score n slices spread over the split (default all)', integerOption(1))
  .option('--ddim-steps <n>', 'MDN sampling steps (default the model\'s)', integerOption(1))
  .option('--seed <n>', 'seed of the MDN draws (default 0)', integerOption(0))
  .option('--samples <n>', 'MDN draws per slice; CDM is scored on their mean, as `run --samples` gives it (default 1)', integerOption(1))
  .option('--out <dir>', 'write report.json, report.md and a montage per target (PNG) here')
  .option('--montage-slices <n>', 'slices per montage (default 4; 0 for none)', integerOption(0))
  .option('--force', 'replace a report in --out')
  .option('--record <version>', 'write this evaluation into the model folder\'s card as this new version (metrics and a changelog entry)')
  .addOption(cacheOption())
  .addOption(backendOption())
  .action(async (o: { model: string; data?: string; split: 'val' | 'train' | 'test'; baseline?: string; count?: number; ddimSteps?: number; seed?: number; samples?: number; out?: string; montageSlices?: number; force?: boolean; record?: string; cacheDir?: string; backend: CommandBackend }) => {
    const { markdown, files } = await interruptible((signal) => evaluate({ ...o, log, signal }), { what: 'the evaluation', log });
    process.stdout.write(`${markdown}\n`);
    if (files.length) log(`wrote ${files.join(', ')}`);
  });

program
  .command('run')
  .description('translate co-registered source volumes (NIfTI files or DICOM series) slice by slice; writes NIfTI files or derived DICOM series')
  .requiredOption('--model <dir|url>', 'model folder (<run>/model) or http(s) URL')
  .requiredOption('--source <contrast=path>', 'a source: contrast name and NIfTI file or DICOM folder (repeat for each source)', sourcePair)
  .option('--target <list>', 'target contrasts (default all the model\'s targets)', listOption)
  .requiredOption('--out <dir>', 'output folder')
  .addOption(new Option('--format <format>', 'default dicom for DICOM sources, else nifti').choices(['nifti', 'dicom']))
  .option('--slices <list>', 'axial slice indices, e.g. 40,41,42 (default all)', integers)
  .option('--samples <n>', 'MDN draws per slice; the output is their mean (default 1)', integerOption(1))
  .option('--ddim-steps <n>', 'MDN sampling steps (default the model\'s)', integerOption(1))
  .option('--seed <n>', 'seed (plus the slice index; default 0)', integerOption(0))
  .option('--force', 'write into a non-empty --out')
  .addOption(backendOption())
  .action(async (o: { model: string; source: Record<string, string>; target?: string[]; out: string; format?: 'nifti' | 'dicom'; slices?: number[]; samples?: number; ddimSteps?: number; seed?: number; force?: boolean; backend: CommandBackend }) => {
    const { source, target, ...rest } = o;
    await interruptible((signal) => runModel({ ...rest, sources: source, ...(target ? { targets: target } : {}), log, signal }), { what: 'after this slice', log });
  });

runCommandLine(program, log);

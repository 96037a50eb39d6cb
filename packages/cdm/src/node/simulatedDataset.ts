import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@meddiff/diffusion-core';
import { DATASET_FORMAT, DATASET_VERSION, type DatasetManifest, type DatasetVolume, type Provenance } from '@meddiff/imaging';
import { resolveCacheDir } from '@meddiff/imaging/node';
import { defaultSimulationPlan, simulateAnatomy, type SimulationPlan } from '../simulate/simulateAnatomy';
import type { VirtualSubject } from '../simulate/virtualSubject';
import { ANATOMY_SOURCES, loadAnatomy, type AnatomySourceId, type LoadedAnatomy } from './anatomySources';

/** Bumped whenever the simulator's output for the same options changes. */
export const SIMULATOR_VERSION = 1;

export interface SimulatedDatasetOptions extends Partial<SimulationPlan> {
  /** Default: $MEDDIFF_CACHE, else <repo>/.cache. */
  cacheDir?: string;
  /** Folder name under <cache>/datasets; default `cdm-sim-<size>`. */
  name?: string;
  sources?: AnatomySourceId[];
  /** Source subjects whose slices form the validation split (never the training one). */
  valSubjects?: string[];
  force?: boolean;
  log?: (message: string) => void;
}

/** The imaging package's dataset manifest plus what the simulator drew. */
export interface SimulatedDatasetManifest extends DatasetManifest {
  simulation: {
    simulatorVersion: number;
    plan: SimulationPlan;
    virtualSubjects: Array<{ subject: string; split: 'train' | 'val'; slices: number; offset: number; draw: VirtualSubject }>;
  };
}

/**
 * Renders the paired multi-contrast dataset under `<cache>/datasets/cdm-sim-<size>/` in the
 * imaging package's slice format (`train.f32`, `val.f32`: [N, C, size, size] little-endian
 * float32 in [-1, 1]; `manifest.json`), channels T1, T2, PD, FLAIR, T1ce. Splits are by source
 * subject. Does nothing when the manifest records the same inputs; writes to a temporary folder
 * and renames, so an interrupted build leaves the previous dataset intact.
 */
export function buildSimulatedDataset(options: SimulatedDatasetOptions = {}): { dir: string; manifest: SimulatedDatasetManifest; built: boolean } {
  const { cacheDir: explicit, name, sources = [...ANATOMY_SOURCES], valSubjects = ['inia19'], force, log = () => undefined, ...planOverrides } = options;
  for (const s of sources) if (!ANATOMY_SOURCES.includes(s)) throw new ConfigError(`Unknown anatomy source '${s}'. Allowed: ${ANATOMY_SOURCES.join(', ')}.`);
  const cacheDir = resolveCacheDir(explicit);
  const plan = defaultSimulationPlan(planOverrides);
  return writeSimulatedDataset(
    sources.map((id) => ({ id, key: id, load: () => loadAnatomy(id, cacheDir) })),
    { dir: join(cacheDir, 'datasets', name ?? `cdm-sim-${plan.size}`), name: name ?? `cdm-sim-${plan.size}`, plan, valSubjects, ...(force ? { force } : {}), log },
  );
}

/** One anatomy to render: its subject id, what identifies its input (for the up-to-date check), and how to load it. */
export interface AnatomyInput {
  id: string;
  key: string;
  load: () => LoadedAnatomy;
}

/**
 * Renders anatomies into a dataset folder (the format above): the open ones by
 * `buildSimulatedDataset`, a user's T1 scans by `cdm simulate --from`. Subjects in `valSubjects`
 * form the validation split.
 */
export function writeSimulatedDataset(inputs: AnatomyInput[], o: { dir: string; name: string; plan: SimulationPlan; valSubjects: string[]; force?: boolean; log?: (message: string) => void }): { dir: string; manifest: SimulatedDatasetManifest; built: boolean } {
  const { dir, name, plan, valSubjects } = o;
  const log = o.log ?? (() => undefined);
  const sources = inputs.map((i) => i.id);
  const force = o.force;
  if (new Set(sources).size !== sources.length) throw new ConfigError(`Two anatomies share a subject id (${sources.join(', ')}); give each subject one id.`);
  const trainSubjects = sources.filter((s) => !valSubjects.includes(s));
  if (!trainSubjects.length) throw new ConfigError(`Every source (${sources.join(', ')}) is a validation subject; leave at least one for training.`);
  const inputsKey = createHash('sha256').update(JSON.stringify({ SIMULATOR_VERSION, plan, inputs: inputs.map((i) => i.key), valSubjects })).digest('hex');
  const manifestPath = join(dir, 'manifest.json');
  if (!force && existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as SimulatedDatasetManifest;
    if (old.inputsKey === inputsKey && existsSync(join(dir, 'train.f32')) && existsSync(join(dir, 'val.f32'))) {
      log(`simulated dataset is up to date in ${dir}`);
      return { dir, manifest: old, built: false };
    }
  }
  const parts = { train: [] as Float32Array[], val: [] as Float32Array[] };
  const counts = { train: 0, val: 0 };
  const volumes: DatasetVolume[] = [];
  const drawn: SimulatedDatasetManifest['simulation']['virtualSubjects'] = [];
  const provenanceBySubject: Record<string, Provenance[]> = {};
  for (const input of inputs) {
    const id = input.id;
    const started = performance.now();
    const { anatomy, provenance } = input.load();
    provenanceBySubject[id] = provenance;
    const split = valSubjects.includes(id) ? 'val' : 'train';
    const sim = simulateAnatomy(anatomy, plan);
    const perSubject = sim.count / sim.virtualSubjects.length;
    sim.virtualSubjects.forEach((draw, v) => {
      const offset = counts[split] + v * perSubject;
      drawn.push({ subject: id, split, slices: perSubject, offset, draw });
      volumes.push({
        id: `${id}/virtual-${v}`,
        subject: id,
        split,
        modality: 'MR',
        channels: sim.channels,
        // Normalised per slice and channel (not per volume): no single stats undo it.
        stats: [],
        shape: [perSubject, plan.size, plan.size],
        spacing: [1, 1, 1],
        sliceIndices: sim.sliceIndices,
        offset,
        provenance,
      });
    });
    parts[split].push(sim.data);
    counts[split] += sim.count;
    log(`${split.padEnd(5)} ${id}: ${sim.virtualSubjects.length} virtual subjects x ${sim.sliceIndices.length} slices (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const splits: { -readonly [K in keyof DatasetManifest['splits']]?: DatasetManifest['splits'][K] } = {};
  for (const split of ['train', 'val'] as const) {
    const total = parts[split].reduce((a, p) => a + p.length, 0);
    const joined = new Float32Array(total);
    let at = 0;
    for (const p of parts[split]) {
      joined.set(p, at);
      at += p.length;
    }
    const bytes = new Uint8Array(joined.buffer);
    writeFileSync(join(tmp, `${split}.f32`), bytes);
    splits[split] = { file: `${split}.f32`, count: counts[split], sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const manifest: SimulatedDatasetManifest = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    name,
    size: [plan.size, plan.size],
    channels: plan.modalities,
    dtype: 'float32',
    layout: 'NCHW',
    valueRange: [-1, 1],
    normalization: plan.normalization,
    splits: { train: splits.train!, val: splits.val! },
    subjects: sources.map((id) => ({ id, split: valSubjects.includes(id) ? ('val' as const) : ('train' as const) })),
    volumes,
    skipped: [],
    inputsKey,
    notes: 'Simulated co-registered MRI contrasts rendered from real anatomy with spin-echo and inversion-recovery signal equations (see @meddiff/cdm README). Each slice and contrast is normalised on its own. Splits are by source subject.',
    simulation: { simulatorVersion: SIMULATOR_VERSION, plan, virtualSubjects: drawn },
  };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(tmp, dir);
  return { dir, manifest, built: true };
}

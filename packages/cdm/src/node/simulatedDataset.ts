import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@meddiff/diffusion-core';
import { DATASET_FORMAT, DATASET_VERSION, type DatasetManifest, type DatasetSplit, type DatasetVolume, type Provenance } from '@meddiff/imaging';
import { resolveCacheDir } from '@meddiff/imaging/node';
import type { SplitName } from '../simulate/protocolCells';
import { defaultSimulationPlan, simulateAnatomy, type SimulatedSlices, type SimulationPlan } from '../simulate/simulateAnatomy';
import type { VirtualSubject } from '../simulate/virtualSubject';
import { ANATOMY_SOURCES, BRAINWEB_DATASET_SOURCES, loadAnatomy, type AnatomySourceId, type LoadedAnatomy } from './anatomySources';

/** Bumped whenever the simulator's output for the same options changes. */
export const SIMULATOR_VERSION = 1;

/** The per-slice protocol table beside a protocol-varied dataset's manifest. */
export const PROTOCOL_SIDE_FILE = 'protocols.json';

export interface SimulatedDatasetOptions extends Partial<SimulationPlan> {
  /** Default: $MEDDIFF_CACHE, else <repo>/.cache. */
  cacheDir?: string;
  /** Folder name under <cache>/datasets; default `cdm-sim-<size>`. */
  name?: string;
  sources?: AnatomySourceId[];
  /** Source subjects whose slices form the validation split (never the training one). */
  valSubjects?: string[];
  /** Source subjects whose slices form a test split (none by default: the `cdm-sim-*` datasets have train and val only). */
  testSubjects?: string[];
  force?: boolean;
  log?: (message: string) => void;
}

/** The imaging package's dataset manifest (with its optional `test` split) plus what the simulator drew. */
export interface SimulatedDatasetManifest extends DatasetManifest {
  simulation: {
    simulatorVersion: number;
    plan: SimulationPlan;
    virtualSubjects: Array<{ subject: string; split: SplitName; slices: number; offset: number; draw: VirtualSubject }>;
  };
}

/**
 * Beside the manifest when the subjects drew their protocols (`protocols.json`): per split, one
 * entry per slice of the split's file (same order), so evaluation can report quality per protocol
 * variant, field strength and distance to the training protocols.
 */
export interface ProtocolSideFile {
  simulatorVersion: number;
  splits: Partial<Record<SplitName, Array<{ subject: string; virtualSubject: number; anatomySlice: number; draw: number }>>>;
  /** The draws the slices point to (`draw`): index into manifest.simulation.virtualSubjects. */
  note: string;
}

/**
 * Renders the paired multi-contrast dataset under `<cache>/datasets/cdm-sim-<size>/` in the
 * imaging package's slice format (`train.f32`, `val.f32`: [N, C, size, size] little-endian
 * float32 in [-1, 1]; `manifest.json`), channels T1, T2, PD, FLAIR, T1ce. Splits are by source
 * subject. Does nothing when the manifest records the same inputs; writes to a temporary folder
 * and renames, so an interrupted build leaves the previous dataset intact.
 */
export function buildSimulatedDataset(options: SimulatedDatasetOptions = {}): { dir: string; manifest: SimulatedDatasetManifest; built: boolean } {
  const { cacheDir: explicit, name, sources = [...BRAINWEB_DATASET_SOURCES], valSubjects = ['inia19'], testSubjects = [], force, log = () => undefined, ...planOverrides } = options;
  for (const s of sources) if (!ANATOMY_SOURCES.includes(s)) throw new ConfigError(`Unknown anatomy source '${s}'. Allowed: ${ANATOMY_SOURCES.join(', ')}.`);
  const cacheDir = resolveCacheDir(explicit);
  const plan = defaultSimulationPlan(planOverrides);
  return writeSimulatedDataset(
    sources.map((id) => ({ id, key: id, load: () => loadAnatomy(id, cacheDir) })),
    { dir: join(cacheDir, 'datasets', name ?? `cdm-sim-${plan.size}`), name: name ?? `cdm-sim-${plan.size}`, plan, valSubjects, testSubjects, ...(force ? { force } : {}), log },
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
 * `buildSimulatedDataset` and `buildProtocolDataset`, a user's T1 scans by `cdm simulate --from`.
 * Subjects in `valSubjects` form the validation split, those in `testSubjects` (if any) the test
 * split, the rest the training split; protocol-varied subjects draw their protocols from the cells
 * of their split. With protocol draws, `protocols.json` maps every slice to its draw.
 */
export function writeSimulatedDataset(inputs: AnatomyInput[], o: { dir: string; name: string; plan: SimulationPlan; valSubjects: string[]; testSubjects?: string[]; notes?: string; force?: boolean; log?: (message: string) => void }): { dir: string; manifest: SimulatedDatasetManifest; built: boolean } {
  const { dir, name, plan, valSubjects } = o;
  const testSubjects = o.testSubjects ?? [];
  const log = o.log ?? (() => undefined);
  const sources = inputs.map((i) => i.id);
  const force = o.force;
  if (new Set(sources).size !== sources.length) throw new ConfigError(`Two anatomies share a subject id (${sources.join(', ')}); give each subject one id.`);
  const both = valSubjects.filter((s) => testSubjects.includes(s));
  if (both.length) throw new ConfigError(`${both.join(', ')} is both a validation and a test subject; give each subject one split.`);
  const absent = testSubjects.filter((s) => !sources.includes(s));
  if (absent.length) throw new ConfigError(`Test subject ${absent.join(', ')} is not among the anatomies rendered (${sources.join(', ')}); add it to the sources or drop it from the test subjects.`);
  const splitOf = (id: string): SplitName => (testSubjects.includes(id) ? 'test' : valSubjects.includes(id) ? 'val' : 'train');
  const trainSubjects = sources.filter((s) => splitOf(s) === 'train');
  if (!trainSubjects.length) throw new ConfigError(`Every source (${sources.join(', ')}) is a validation or test subject; leave at least one for training.`);
  const splitNames: SplitName[] = testSubjects.length ? ['train', 'val', 'test'] : ['train', 'val'];
  // The key of a two-split dataset is what it always was, so existing datasets stay up to date.
  const inputsKey = createHash('sha256').update(JSON.stringify({ SIMULATOR_VERSION, plan, inputs: inputs.map((i) => i.key), valSubjects, ...(testSubjects.length ? { testSubjects, notes: o.notes } : {}) })).digest('hex');
  const manifestPath = join(dir, 'manifest.json');
  if (!force && existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as SimulatedDatasetManifest;
    if (old.inputsKey === inputsKey && splitNames.every((s) => existsSync(join(dir, `${s}.f32`)))) {
      log(`simulated dataset is up to date in ${dir}`);
      return { dir, manifest: old, built: false };
    }
  }
  const parts: Record<SplitName, Float32Array[]> = { train: [], val: [], test: [] };
  const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const volumes: DatasetVolume[] = [];
  const drawn: SimulatedDatasetManifest['simulation']['virtualSubjects'] = [];
  const sliceTable: ProtocolSideFile['splits'] = {};
  const provenanceBySubject: Record<string, Provenance[]> = {};
  for (const input of inputs) {
    const id = input.id;
    const started = performance.now();
    const { anatomy, provenance } = input.load();
    provenanceBySubject[id] = provenance;
    const split = splitOf(id);
    const sim: SimulatedSlices = simulateAnatomy(anatomy, plan, split);
    const perSubject = sim.count / sim.virtualSubjects.length;
    const firstDraw = drawn.length;
    (sliceTable[split] ??= []).push(...sim.slices.map((sl) => ({ subject: id, virtualSubject: sl.virtualSubject, anatomySlice: sl.anatomySlice, draw: firstDraw + sl.virtualSubject })));
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
        sliceIndices: sim.slices.filter((sl) => sl.virtualSubject === v).map((sl) => sl.anatomySlice),
        offset,
        provenance,
      });
    });
    parts[split].push(sim.data);
    counts[split] += sim.count;
    const pool = sim.sliceIndices.length === perSubject ? '' : ` of ${sim.sliceIndices.length}`;
    log(`${split.padEnd(5)} ${id}: ${sim.virtualSubjects.length} virtual subjects x ${perSubject} slices${pool} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const splits: Partial<Record<SplitName, DatasetSplit>> = {};
  for (const split of splitNames) {
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
    splits: { train: splits.train!, val: splits.val!, ...(splits.test ? { test: splits.test } : {}) },
    subjects: sources.map((id) => ({ id, split: splitOf(id) })),
    volumes,
    skipped: [],
    inputsKey,
    notes: o.notes ?? 'Simulated co-registered MRI contrasts rendered from real anatomy with spin-echo and inversion-recovery signal equations (see @meddiff/cdm README). Each slice and contrast is normalised on its own. Splits are by source subject.',
    simulation: { simulatorVersion: SIMULATOR_VERSION, plan, virtualSubjects: drawn },
  };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  if (plan.protocols) {
    const side: ProtocolSideFile = { simulatorVersion: SIMULATOR_VERSION, splits: sliceTable, note: 'Per split, one entry per slice of <split>.f32 in order; draw indexes manifest.simulation.virtualSubjects, whose draw.protocols holds each contrast\'s sequence, parameters, cell and distance to the training protocols.' };
    writeFileSync(join(tmp, PROTOCOL_SIDE_FILE), `${JSON.stringify(side)}\n`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(tmp, dir);
  return { dir, manifest, built: true };
}

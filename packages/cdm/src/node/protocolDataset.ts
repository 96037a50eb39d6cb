import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@meddiff/diffusion-core';
import { resolveCacheDir } from '@meddiff/imaging/node';
import type { SliceProtocol } from '../evaluate/protocolBreakdown';
import type { Modality, SimulatedModality } from '../modalities';
import { DEFAULT_PROTOCOL_PLAN, type DrawnProtocol, type ProtocolPlan } from '../simulate/protocolSubject';
import { defaultSimulationPlan, type AnatomyDeformation, type SimulationPlan } from '../simulate/simulateAnatomy';
import { ANATOMY_SOURCES, loadAnatomy, type AnatomySourceId } from './anatomySources';
import { writeSimulatedDataset, type SimulatedDatasetManifest } from './simulatedDataset';

/**
 * The protocol-varied datasets, `cdm-protocols-<size>`: training data for MR contrast rather than for
 * one protocol. Every virtual subject draws its field strength (1.5 or 3 T), tissue T1, T2, PD and
 * R2' from that field's published ranges, its noise, bias, smooth tissue variation, slice thickness
 * and in-plane resolution, and for each contrast a sequence variant and its parameters from the
 * protocol cells of its split (simulate/protocolCells.ts). Split by subject and by protocol:
 * - by subject: each anatomy (one person or template) is in one split; the virtual subjects' seeds
 *   come from the anatomy, so no seed is shared between splits either;
 * - by protocol: train, val and test draw from disjoint cells of every variant's parameter grid, and
 *   part of the test draws lie beyond the training ranges.
 */
export const PROTOCOL_DATASET_CHANNELS: readonly SimulatedModality[] = ['T1', 'T2', 'FLAIR', 'PD'];

/** Default subject split: two human anatomies train; the macaque and a second person's slice validate; a third person (a clinical-resolution head scan) tests. */
export const PROTOCOL_DATASET_SPLIT: Readonly<{ train: readonly AnatomySourceId[]; val: readonly AnatomySourceId[]; test: readonly AnatomySourceId[] }> = Object.freeze({
  train: ['colin27', 'mni-tpm'],
  val: ['inia19', 'dipy-t1-coronal'],
  test: ['itk-kmeans-t1'],
});

/** The training slices' anatomy deformation (simulateAnatomy.ts): rotation, per-axis scale, smooth displacement. */
export const PROTOCOL_DATASET_DEFORMATION: Readonly<AnatomyDeformation> = Object.freeze({ rotationDegrees: 12, scale: 0.12, elastic: 0.02 });

export interface ProtocolDatasetOptions extends Partial<Omit<SimulationPlan, 'protocols'>> {
  cacheDir?: string;
  /** Folder name under <cache>/datasets; default `cdm-protocols-<size>`. */
  name?: string;
  sources?: AnatomySourceId[];
  valSubjects?: string[];
  testSubjects?: string[];
  protocols?: Partial<ProtocolPlan>;
  force?: boolean;
  log?: (message: string) => void;
}

/**
 * Renders (or finds up to date) `<cache>/datasets/cdm-protocols-<size>/`: `train.f32`, `val.f32`,
 * `test.f32` ([N, 4, size, size], channels T1, T2, FLAIR, PD), `manifest.json` (the slice format
 * with a test split, every virtual subject's draw including its protocols) and `protocols.json`
 * (per slice: which draw). Defaults: 512 virtual subjects per anatomy, each rendering 4 of 48 evenly
 * spaced slices (one for the single-slice dipy anatomy), training slices deformed
 * (PROTOCOL_DATASET_DEFORMATION): 4096 training, 2560 validation and 2048 test slices at 64 px,
 * about five minutes on one core.
 */
export function buildProtocolDataset(options: ProtocolDatasetOptions = {}): { dir: string; manifest: SimulatedDatasetManifest; built: boolean } {
  const { cacheDir: explicit, name, sources, valSubjects = [...PROTOCOL_DATASET_SPLIT.val], testSubjects = [...PROTOCOL_DATASET_SPLIT.test], protocols, force, log = () => undefined, ...planOverrides } = options;
  const ids = sources ?? [...PROTOCOL_DATASET_SPLIT.train, ...PROTOCOL_DATASET_SPLIT.val, ...PROTOCOL_DATASET_SPLIT.test];
  for (const s of ids) if (!ANATOMY_SOURCES.includes(s)) throw new ConfigError(`Unknown anatomy source '${s}'. Allowed: ${ANATOMY_SOURCES.join(', ')}.`);
  if (!testSubjects.length) throw new ConfigError('A protocol dataset needs at least one test subject (testSubjects), so that it can be judged on a subject it never trained on.');
  const cacheDir = resolveCacheDir(explicit);
  const plan = defaultSimulationPlan({
    modalities: [...PROTOCOL_DATASET_CHANNELS],
    // Many subjects (each its own protocols and field) over few slices each, rotating through 48 slices of the anatomy:
    // the MDN learns contrast from one vector per slice, so protocol draws matter more than slices per draw.
    slicesPerSubject: 4,
    slicePool: 48,
    // 512, not 128: on 256 training draws the MDN learned the draws rather than contrast (README, "The dataset").
    virtualSubjects: 512,
    ...planOverrides,
    protocols: { ...structuredClone(DEFAULT_PROTOCOL_PLAN), ...protocols } as ProtocolPlan,
  });
  // Two training anatomies are two head shapes: deform the training slices so that the networks learn contrast, not those heads.
  if (!planOverrides.augment) plan.augment.deformation = { ...PROTOCOL_DATASET_DEFORMATION };
  const dataset = name ?? `cdm-protocols-${plan.size}`;
  return writeSimulatedDataset(
    ids.map((id) => ({ id, key: id, load: () => loadAnatomy(id, cacheDir) })),
    {
      dir: join(cacheDir, 'datasets', dataset),
      name: dataset,
      plan,
      valSubjects,
      testSubjects,
      notes: 'Simulated co-registered MRI contrasts rendered from real anatomy, with field strength (1.5 / 3 T), tissue properties, noise, bias, resolution and protocols (spin echo, spoiled gradient echo, inversion recovery) drawn per virtual subject (see the @meddiff/cdm README). Split by subject (anatomy) and by protocol (disjoint cells of each sequence\'s parameter grid; some test protocols beyond the training ranges); protocols.json gives each slice\'s draw. Each slice and contrast is normalised on its own.',
      ...(force ? { force } : {}),
      log,
    },
  );
}

/**
 * Each slice's protocol for `targets`, in the order of `<split>.f32`, read from a protocol dataset's
 * protocols.json and manifest; undefined for a dataset without them (one protocol, or your own scans).
 */
export function readSliceProtocols(dir: string, split: string, targets: readonly Modality[]): Record<Modality, SliceProtocol[]> | undefined {
  const file = join(dir, 'protocols.json');
  if (!existsSync(file)) return undefined;
  const entries = (JSON.parse(readFileSync(file, 'utf8')) as { splits?: Record<string, Array<{ draw: number }>> }).splits?.[split];
  const subjects = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { simulation?: { virtualSubjects?: Array<{ draw?: { protocols?: Record<string, Pick<DrawnProtocol, 'distanceToTraining' | 'outsideRange'>> } }> } }).simulation?.virtualSubjects;
  if (!entries || !subjects) return undefined;
  const out: Record<Modality, SliceProtocol[]> = {};
  for (const t of targets) {
    const drawn = entries.map((e) => subjects[e.draw]?.draw?.protocols?.[t]);
    if (drawn.some((d) => d === undefined)) return undefined;
    out[t] = drawn.map((d) => ({ distance: d!.distanceToTraining, outsideRange: d!.outsideRange }));
  }
  return out;
}

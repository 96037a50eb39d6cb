import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, WeightsError } from '../errors';
import { sha256Hex } from '../io/sha256';
import type { WeightsStore } from '../io/weightsStore';
import type { BatchSourcePosition } from './batchSource';

export const CHECKPOINT_FORMAT = 'meddiff-checkpoint';
export const CHECKPOINT_VERSION = 1;
const INDEX = 'checkpoints.json';
const STATE = 'state.json';
const TENSORS = 'tensors.bin';

/** Everything a run needs to continue exactly where it stopped. */
export interface TrainingState {
  step: number;
  /** The network's config and the trainer's: a checkpoint of other configs is refused. */
  modelConfig: unknown;
  trainerConfig: unknown;
  dataPosition: BatchSourcePosition;
  optimizerIterations: number;
  /** Name and shape of each trainable parameter, in order. */
  parameters: Array<{ name: string; shape: number[] }>;
  /** Best loss so far and anything else a caller wants to keep. */
  extra: Record<string, unknown>;
}

/** Tensors of a checkpoint, by parameter index. */
export interface TrainingTensors {
  weights: tf.Tensor[];
  ema: tf.Tensor[] | null;
  adamM: tf.Tensor[];
  adamV: tf.Tensor[];
}

interface StateFile extends TrainingState {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  weightSpecs: tf.io.WeightsManifestEntry[];
  tensorsSha256: string;
  tensorsBytes: number;
  savedAt: string;
}

interface IndexFile {
  /** Checkpoint folders, oldest first; the last is the latest. */
  checkpoints: string[];
}

/**
 * Checkpoints in a store: one folder per step (`step-00001234/state.json` and `tensors.bin`)
 * and an index written last, so a run killed while saving leaves the previous checkpoint as
 * the latest. Each tensors file carries its SHA-256; a corrupt latest checkpoint falls back to
 * the one before, with a warning.
 */
export class CheckpointManager {
  constructor(
    readonly store: WeightsStore,
    readonly keep = 3,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    if (!store.write) throw new ConfigError(`Checkpoints need a writable store; ${store.location} is read-only.`);
    if (!Number.isInteger(keep) || keep < 1) throw new ConfigError(`keepCheckpoints must be an integer >= 1, got ${keep}.`);
  }

  async save(state: TrainingState, tensors: TrainingTensors): Promise<string> {
    const named: tf.NamedTensorMap = {};
    tensors.weights.forEach((t, i) => (named[`weights/${i}`] = t));
    tensors.ema?.forEach((t, i) => (named[`ema/${i}`] = t));
    tensors.adamM.forEach((t, i) => (named[`adam_m/${i}`] = t));
    tensors.adamV.forEach((t, i) => (named[`adam_v/${i}`] = t));
    const { data, specs } = await tf.io.encodeWeights(named);
    const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
    const folder = `step-${String(state.step).padStart(8, '0')}`;
    const file: StateFile = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      ...state,
      weightSpecs: specs,
      tensorsSha256: await sha256Hex(bytes),
      tensorsBytes: bytes.byteLength,
      savedAt: new Date().toISOString(),
    };
    await this.store.write!(`${folder}/${TENSORS}`, bytes);
    await this.store.write!(`${folder}/${STATE}`, new TextEncoder().encode(JSON.stringify(file)));
    const index = await this.readIndex();
    const list = [...index.checkpoints.filter((c) => c !== folder), folder];
    const kept = list.slice(-this.keep);
    await this.store.write!(INDEX, new TextEncoder().encode(JSON.stringify({ checkpoints: kept } satisfies IndexFile)));
    for (const old of list.slice(0, -this.keep)) await this.store.remove?.(old);
    return folder;
  }

  /** Whether the store holds any checkpoint. */
  async exists(): Promise<boolean> {
    return (await this.readIndex()).checkpoints.length > 0;
  }

  /**
   * The newest checkpoint that passes its integrity check, or null when there is none.
   * The caller owns the returned tensors.
   */
  async loadLatest(): Promise<{ state: TrainingState; tensors: TrainingTensors; folder: string } | null> {
    const { checkpoints } = await this.readIndex();
    const failures: string[] = [];
    for (let i = checkpoints.length - 1; i >= 0; i--) {
      const folder = checkpoints[i]!;
      try {
        const loaded = await this.load(folder);
        if (failures.length) this.warn(`Resuming from ${this.store.location}/${folder}: the newer checkpoint could not be used (${failures.join('; ')}).`);
        return { ...loaded, folder };
      } catch (e) {
        if (!(e instanceof WeightsError)) throw e;
        failures.push(e.message);
      }
    }
    if (failures.length) throw new WeightsError('WEIGHTS_CORRUPT', `No usable checkpoint in ${this.store.location}: ${failures.join('; ')}`);
    return null;
  }

  private async load(folder: string): Promise<{ state: TrainingState; tensors: TrainingTensors }> {
    let file: StateFile;
    try {
      file = JSON.parse(new TextDecoder().decode(await this.store.read(`${folder}/${STATE}`))) as StateFile;
    } catch (e) {
      throw e instanceof WeightsError ? e : new WeightsError('WEIGHTS_CORRUPT', `${folder}/${STATE} is not valid JSON.`);
    }
    if (file.format !== CHECKPOINT_FORMAT || file.version !== CHECKPOINT_VERSION) {
      throw new WeightsError('WEIGHTS_MISMATCH', `${folder} is not a version ${CHECKPOINT_VERSION} ${CHECKPOINT_FORMAT}.`);
    }
    const bytes = await this.store.read(`${folder}/${TENSORS}`);
    if (bytes.byteLength !== file.tensorsBytes || (await sha256Hex(bytes)) !== file.tensorsSha256) {
      throw new WeightsError('WEIGHTS_CORRUPT', `${folder}/${TENSORS} fails its integrity check (truncated or modified)`);
    }
    const named = tf.io.decodeWeights(bytes.slice().buffer as ArrayBuffer, file.weightSpecs);
    const group = (prefix: string) => {
      const out: tf.Tensor[] = [];
      for (let i = 0; named[`${prefix}/${i}`]; i++) out.push(named[`${prefix}/${i}`]!);
      return out;
    };
    const ema = group('ema');
    const { format: _f, version: _v, weightSpecs: _w, tensorsSha256: _s, tensorsBytes: _b, savedAt: _t, ...state } = file;
    return { state, tensors: { weights: group('weights'), ema: ema.length ? ema : null, adamM: group('adam_m'), adamV: group('adam_v') } };
  }

  private async readIndex(): Promise<IndexFile> {
    if (!(await this.store.exists(INDEX))) return { checkpoints: [] };
    try {
      const index = JSON.parse(new TextDecoder().decode(await this.store.read(INDEX))) as IndexFile;
      return Array.isArray(index.checkpoints) ? index : { checkpoints: [] };
    } catch {
      throw new WeightsError('WEIGHTS_CORRUPT', `${this.store.location}/${INDEX} is not valid JSON; delete it to start over, or restore it from a backup.`);
    }
  }
}

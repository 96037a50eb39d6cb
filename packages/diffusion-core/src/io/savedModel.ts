import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError, WeightsError } from '../errors';
import { float32ToFloat16Bits } from './float16';
import { validateModelCard, type ModelCard } from './modelCard';
import { sha256Hex } from './sha256';
import type { WeightsStore } from './weightsStore';

/** Version of the files written here; readers refuse newer ones rather than guess. */
export const SAVED_MODEL_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
const SHARD_BYTES = 4 * 1024 * 1024;

export type StorageDtype = 'float32' | 'float16';

/** What this project adds to a tfjs `model.json`, under `userDefinedMetadata.meddiff`. */
export interface SavedModelMetadata<C = unknown> {
  formatVersion: typeof SAVED_MODEL_FORMAT_VERSION;
  /** Which builder reads `config`, e.g. 'UNet' or 'MedCDiff'. */
  modelClass: string;
  config: C;
  storageDtype: StorageDtype;
  /** SHA-256 and size of every weights shard. */
  files: Record<string, { sha256: string; bytes: number }>;
  /** The model card (io/modelCard.ts); checked on save and on load. */
  card?: ModelCard;
}

export interface SaveModelOptions<C> {
  modelClass: string;
  config: C;
  storageDtype?: StorageDtype;
  card?: ModelCard;
  /** Replace a model already in the store. Off by default, so nothing a user had is overwritten by accident. */
  overwrite?: boolean;
}

interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: unknown;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  userDefinedMetadata: { meddiff: SavedModelMetadata };
}

/**
 * Saves a Layers model in the standard tfjs format (`model.json` plus binary shards, loadable by
 * tf.loadLayersModel and convertible to Keras) with its config, integrity hashes and, optionally,
 * float16 storage. Shards are written first and `model.json` last, so a store never holds a
 * `model.json` whose shards are missing.
 */
export async function saveModel<C>(model: tfl.LayersModel, store: WeightsStore, options: SaveModelOptions<C>): Promise<SavedModelMetadata<C>> {
  if (!store.write) throw new ConfigError(`The weights store at ${store.location} is read-only.`);
  if (options.card !== undefined) validateModelCard(options.card, store.location);
  if (!options.overwrite && (await store.exists(MODEL_JSON))) {
    throw new ConfigError(`${store.location} already holds a model; pass overwrite: true to replace it, or choose another folder.`);
  }
  const storageDtype = options.storageDtype ?? 'float32';
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts?.weightSpecs || !artifacts.weightData) throw new WeightsError('WEIGHTS_CORRUPT', 'tfjs returned no weights for this model.');
  let data: Uint8Array = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  let specs = artifacts.weightSpecs;
  if (storageDtype === 'float16') ({ data, specs } = toFloat16(data, specs));

  const files: SavedModelMetadata['files'] = {};
  const paths: string[] = [];
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  for (let i = 0; i < count; i++) {
    const shard = data.subarray(i * SHARD_BYTES, Math.min((i + 1) * SHARD_BYTES, data.byteLength));
    const path = `weights.${i + 1}-of-${count}.bin`;
    await store.write(path, shard);
    files[path] = { sha256: await sha256Hex(shard), bytes: shard.byteLength };
    paths.push(path);
  }
  const meta: SavedModelMetadata<C> = {
    formatVersion: SAVED_MODEL_FORMAT_VERSION,
    modelClass: options.modelClass,
    config: options.config,
    storageDtype,
    files,
    ...(options.card ? { card: options.card } : {}),
  };
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0, @meddiff/diffusion-core',
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: specs }],
    userDefinedMetadata: { meddiff: meta as SavedModelMetadata },
  };
  await store.write(MODEL_JSON, new TextEncoder().encode(JSON.stringify(json)));
  return meta;
}

function toFloat16(data: Uint8Array, specs: tf.io.WeightsManifestEntry[]): { data: Uint8Array; specs: tf.io.WeightsManifestEntry[] } {
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = n * 4;
    const chunk = data.slice(offset, offset + bytes);
    offset += bytes;
    if (spec.dtype === 'float32' && !spec.quantization) {
      parts.push(new Uint8Array(float32ToFloat16Bits(new Float32Array(chunk.buffer)).buffer));
      out.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      parts.push(chunk);
      out.push(spec);
    }
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.byteLength;
  }
  return { data: joined, specs: out };
}

export interface LoadedWeights<C> {
  metadata: SavedModelMetadata<C>;
  /** Decoded weights by name (float32); the caller disposes them, usually right after loadWeights. */
  weights: tf.NamedTensorMap;
  modelTopology: unknown;
}

/**
 * Reads `model.json` and its shards, checks the format version, the model class, every shard's
 * size and SHA-256, then decodes the weights. Any failure is a WeightsError naming the file.
 */
export async function readSavedModel<C>(store: WeightsStore, expectedClass: string): Promise<LoadedWeights<C>> {
  const raw = await store.read(MODEL_JSON);
  let json: ModelJson;
  try {
    json = JSON.parse(new TextDecoder().decode(raw)) as ModelJson;
  } catch (e) {
    throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${MODEL_JSON} is not valid JSON (${(e as Error).message}); the download may be incomplete.`);
  }
  const meta = json.userDefinedMetadata?.meddiff;
  if (!meta) throw new WeightsError('WEIGHTS_MISMATCH', `${store.location}/${MODEL_JSON} has no meddiff metadata; it was not saved by this project.`);
  if (meta.formatVersion !== SAVED_MODEL_FORMAT_VERSION) {
    throw new WeightsError('WEIGHTS_MISMATCH', `${store.location} uses weights format ${String(meta.formatVersion)}; this version of @meddiff/diffusion-core reads format ${SAVED_MODEL_FORMAT_VERSION}. Upgrade the package or re-export the weights.`);
  }
  if (meta.modelClass !== expectedClass) {
    throw new WeightsError('WEIGHTS_MISMATCH', `${store.location} holds a '${meta.modelClass}' model, not a '${expectedClass}'.`);
  }
  if (meta.card !== undefined) validateModelCard(meta.card, store.location);
  const group = json.weightsManifest?.[0];
  if (!group || json.weightsManifest.length !== 1) throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${MODEL_JSON} has no single weights group.`);
  const shards: Uint8Array[] = [];
  for (const path of group.paths) {
    const expected = meta.files[path];
    if (!expected) throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${MODEL_JSON} lists ${path} without its hash.`);
    const shard = await store.read(path, expected);
    if (shard.byteLength !== expected.bytes) {
      throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${path} has ${shard.byteLength} bytes, expected ${expected.bytes}: the file is truncated or replaced. Download it again.`);
    }
    const hash = await sha256Hex(shard);
    if (hash !== expected.sha256) {
      throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}/${path} fails its integrity check (SHA-256 ${hash}, expected ${expected.sha256}). Download it again.`);
    }
    shards.push(shard);
  }
  const joined = tf.io.CompositeArrayBuffer.join(shards.map((s) => s.slice().buffer as ArrayBuffer));
  let weights: tf.NamedTensorMap;
  try {
    weights = tf.io.decodeWeights(joined, group.weights);
  } catch (e) {
    throw new WeightsError('WEIGHTS_CORRUPT', `${store.location}: weights do not match their manifest (${(e as Error).message}).`);
  }
  return { metadata: meta as SavedModelMetadata<C>, weights, modelTopology: json.modelTopology };
}

/**
 * Copies decoded weights into a model built from the saved config. Names and shapes must match
 * exactly; the error names the first weight that differs.
 */
export function assignWeights(model: tfl.LayersModel, weights: tf.NamedTensorMap, location: string): void {
  const expected = new Map(model.weights.map((w) => [w.originalName, w.shape]));
  for (const [name, shape] of expected) {
    const got = weights[name];
    if (!got) throw new WeightsError('WEIGHTS_MISMATCH', `${location} lacks weight '${name}' that the model needs; the file belongs to another architecture.`);
    if (!tf.util.arraysEqual(got.shape, shape as number[])) {
      throw new WeightsError('WEIGHTS_MISMATCH', `${location}: weight '${name}' has shape [${got.shape}], the model expects [${shape}].`);
    }
  }
  const extra = Object.keys(weights).filter((k) => !expected.has(k));
  if (extra.length) throw new WeightsError('WEIGHTS_MISMATCH', `${location} has weights the model does not know (${extra.slice(0, 3).join(', ')}...); the file belongs to another architecture.`);
  model.loadWeights(weights, true);
}

/**
 * Replaces the card of a saved model, e.g. with the metrics of an evaluation and a new version;
 * the weights and their hashes are left as they are. The new card is checked first.
 */
export async function writeModelCard(store: WeightsStore, card: ModelCard): Promise<void> {
  if (!store.write) throw new ConfigError(`The weights store at ${store.location} is read-only.`);
  validateModelCard(card, store.location);
  const json = JSON.parse(new TextDecoder().decode(await store.read(MODEL_JSON))) as ModelJson;
  if (!json.userDefinedMetadata?.meddiff) throw new WeightsError('WEIGHTS_MISMATCH', `${store.location}/${MODEL_JSON} has no meddiff metadata; it was not saved by this project.`);
  json.userDefinedMetadata.meddiff.card = card;
  await store.write(MODEL_JSON, new TextEncoder().encode(JSON.stringify(json)));
}

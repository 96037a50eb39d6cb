import { MODEL_FAMILIES, type ModelFamily } from '../model/taskTypes.js';

/** An entry of the models index (the viewer's /models/index.json): a model folder the panel offers. */
export interface ModelEntry {
  id: string;
  label: string;
  url: string;
  tasks?: string[];
  /** What the folder holds; Med-cDiff when not said. */
  family?: ModelFamily;
  /** SHA-256 (hex) of the folder's JSON files by relative path; the worker refuses a file that differs. */
  pinned?: Record<string, string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The entries of a models index, checked field by field: a malformed index is an Error saying which
 * entry and field is wrong, instead of a model list the panel would trip over later.
 */
export function parseModelsIndex(json: unknown): ModelEntry[] {
  const models = (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw new Error('it has no "models" list');
  return models.map((m: unknown, i) => {
    const e = (m ?? {}) as Record<string, unknown>;
    const wrong = (field: string, want: string) => new Error(`entry ${i} (${JSON.stringify(String(e['id'] ?? '?')).slice(0, 60)}): "${field}" must be ${want}`);
    for (const field of ['id', 'label', 'url']) if (typeof e[field] !== 'string' || !e[field]) throw wrong(field, 'a non-empty string');
    if (e['tasks'] !== undefined && !(Array.isArray(e['tasks']) && e['tasks'].every((t) => typeof t === 'string'))) throw wrong('tasks', 'a list of strings');
    if (e['family'] !== undefined && !MODEL_FAMILIES.includes(e['family'] as ModelFamily)) throw wrong('family', `one of ${MODEL_FAMILIES.join(', ')}`);
    const pinned = e['pinned'];
    if (pinned !== undefined && (typeof pinned !== 'object' || pinned === null || !Object.values(pinned).every((d) => typeof d === 'string' && SHA256_HEX.test(d)))) {
      throw wrong('pinned', 'an object of SHA-256 hex digests by file');
    }
    return e as unknown as ModelEntry;
  });
}

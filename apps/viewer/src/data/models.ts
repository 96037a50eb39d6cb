import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR } from '../app/paths.js';

/** An entry of /models/index.json, which the extension reads to offer models. */
export interface ModelIndexEntry {
  id: string;
  label: string;
  /** Folder URL of a Med-cDiff model (model.json + shards). */
  url: string;
  /** The viewer tasks it serves: Med-cDiff trains one model per task. */
  tasks: string[];
}

/** The weights the viewer ships, committed under apps/viewer/models/<id>/ with their model cards. */
export const SHIPPED_MODELS_DIR = join(APP_DIR, 'models');

const VIEWER_TASK: Record<string, string> = { 'super-resolution': 'super-resolve', denoising: 'denoise', inpainting: 'inpaint' };

interface SavedCard {
  task: string;
  trainingSteps?: number;
}

/** Reads a shipped model's task and training length from its model.json. */
function describe(dir: string): { task: string; steps: number } {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata: { meddiff: { card?: SavedCard; config: { task: string } } } };
  const meta = json.userDefinedMetadata.meddiff;
  return { task: meta.config.task, steps: meta.card?.trainingSteps ?? 0 };
}

/**
 * Copies the shipped Med-cDiff weights (one model per task) into the folder served under /models/
 * and writes /models/index.json; returns the index. Copies are refreshed when the shipped files change.
 */
export async function ensureModels(modelsDir: string, log: (m: string) => void = () => undefined): Promise<ModelIndexEntry[]> {
  mkdirSync(modelsDir, { recursive: true });
  const ids = readdirSync(SHIPPED_MODELS_DIR).filter((d) => existsSync(join(SHIPPED_MODELS_DIR, d, 'model.json'))).sort();
  const entries = ids.map((id): ModelIndexEntry => {
    const source = join(SHIPPED_MODELS_DIR, id);
    const target = join(modelsDir, id);
    const shipped = readFileSync(join(source, 'model.json'), 'utf8');
    if (!existsSync(join(target, 'model.json')) || readFileSync(join(target, 'model.json'), 'utf8') !== shipped) {
      rmSync(target, { recursive: true, force: true });
      cpSync(source, target, { recursive: true });
      log(`model ${id} copied to ${target}`);
    }
    const { task, steps } = describe(source);
    return { id, label: `Med-cDiff ${task} (tiny, ${steps} training steps)`, url: `/models/${id}/`, tasks: [VIEWER_TASK[task] ?? task] };
  });
  const text = JSON.stringify({ version: 1, models: entries }, null, 1);
  const indexFile = join(modelsDir, 'index.json');
  if (!existsSync(indexFile) || readFileSync(indexFile, 'utf8') !== text) writeFileSync(indexFile, text);
  return entries;
}

import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileWeightsStore } from '@meddiff/diffusion-core/node';
import type { MedCDiffTask } from '@meddiff/med-cdiff';
import { tinyCdmStore } from './tinyCdm.js';
import { testCard, testModel, useWasm } from './tinyModel.js';

export interface WeightsServer {
  /** Folder URLs: a good (denoising) model, a super-resolution and an inpainting model, the first with one flipped byte in a shard, and one that does not exist. */
  good: string;
  superResolution: string;
  inpainting: string;
  /** A CDM model translating T1 + T2 to FLAIR, PD. */
  cdm: string;
  corrupt: string;
  missing: string;
  close(): Promise<void>;
}

/** Serves a saved test model over HTTP, so loading goes through fetch and the integrity check for real. */
export async function startWeightsServer(): Promise<WeightsServer> {
  await useWasm();
  const root = mkdtempSync(join(tmpdir(), 'meddiff-weights-'));
  const save = async (task: MedCDiffTask, folder: string) => {
    const model = testModel(task);
    try {
      await model.save(fileWeightsStore(join(root, folder)), { card: testCard(task) });
    } finally {
      model.dispose();
    }
  };
  await save('denoising', 'good');
  await save('super-resolution', 'super-resolution');
  await save('inpainting', 'inpainting');
  await tinyCdmStore(fileWeightsStore(join(root, 'cdm')));
  cpSync(join(root, 'good'), join(root, 'corrupt'), { recursive: true });
  const shard = readdirSync(join(root, 'corrupt')).find((f) => f.endsWith('.bin'))!;
  const bytes = readFileSync(join(root, 'corrupt', shard));
  bytes[10] = bytes[10]! ^ 0xff;
  writeFileSync(join(root, 'corrupt', shard), bytes);
  const server: Server = createServer((req, res) => {
    try {
      const body = readFileSync(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      res.writeHead(200).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    good: `${base}/good/`,
    superResolution: `${base}/super-resolution/`,
    inpainting: `${base}/inpainting/`,
    cdm: `${base}/cdm/`,
    corrupt: `${base}/corrupt/`,
    missing: `${base}/missing/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

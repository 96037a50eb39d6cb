import type { WeightsStore } from '@meddiff/diffusion-core';

/** The files of `store` under `folder/`, as a store of their own (a CDM model keeps one network per folder). */
export function subStore(store: WeightsStore, folder: string): WeightsStore {
  const path = (p: string) => `${folder}/${p}`;
  return {
    location: `${store.location.replace(/\/$/, '')}/${folder}`,
    read: (p, expected) => store.read(path(p), expected),
    exists: (p) => store.exists(path(p)),
    ...(store.write ? { write: (p: string, data: Uint8Array) => store.write!(path(p), data) } : {}),
    ...(store.remove ? { remove: (p: string) => store.remove!(path(p)) } : {}),
  };
}

import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetManifest, DatasetSplit, DatasetSplitName } from '../dataset/manifest.js';

/**
 * The per-split Float32 files of a dataset being written: `<split>.f32` in a temporary folder, each
 * streamed to disk slice by slice with its sha256 and count kept, so a large corpus never sits in
 * memory. `commit` then swaps the folder in (see `commitFolder`).
 */
export class SplitFiles<S extends DatasetSplitName> {
  readonly tmp: string;
  private readonly fds = new Map<S, number>();
  private readonly hashes = new Map<S, Hash>();
  private readonly counts = new Map<S, number>();

  constructor(
    readonly dir: string,
    readonly splits: readonly S[],
  ) {
    this.tmp = `${dir}.partial`;
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
    for (const s of splits) {
      this.fds.set(s, openSync(join(this.tmp, `${s}.f32`), 'w'));
      this.hashes.set(s, createHash('sha256'));
      this.counts.set(s, 0);
    }
  }

  /** Slices written to a split so far: the offset the next one gets. */
  count(split: S): number {
    return this.counts.get(split)!;
  }

  /** Appends one slice (all its channels, in order) to a split. */
  append(split: S, channels: readonly Float32Array[]): void {
    for (const c of channels) {
      const bytes = new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
      writeSync(this.fds.get(split)!, bytes);
      this.hashes.get(split)!.update(bytes);
    }
    this.counts.set(split, this.count(split) + 1);
  }

  /** Closes the files; returns each split's entry for the manifest. Call once. */
  close(): Record<S, DatasetSplit> {
    const out = {} as Record<S, DatasetSplit>;
    for (const s of this.splits) {
      closeSync(this.fds.get(s)!);
      out[s] = { file: `${s}.f32`, count: this.count(s), sha256: this.hashes.get(s)!.digest('hex') };
    }
    this.fds.clear();
    return out;
  }

  /** Closes without keeping anything (after a failure). */
  abandon(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/**
 * Replaces `dir` by the finished temporary folder `tmp`, so an interrupted build leaves the previous
 * dataset intact.
 */
export function commitFolder(tmp: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(tmp, dir);
}

/** The manifest in `dir` when it was built from exactly `inputsKey` and its split files exist. */
export function upToDateManifest(dir: string, inputsKey: string): DatasetManifest | undefined {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return undefined;
  const old = JSON.parse(readFileSync(path, 'utf8')) as DatasetManifest;
  if (old.inputsKey !== inputsKey) return undefined;
  const files = Object.values(old.splits).filter((s): s is DatasetSplit => s !== undefined);
  return files.every((s) => existsSync(join(dir, s.file))) ? old : undefined;
}

import type { NormalizationStats, NormalizeOptions } from '../intensity/normalize.js';
import type { SlicePlane } from './orientations.js';

export const DATASET_FORMAT = 'meddiff-slices';
export const DATASET_VERSION = 1;

/**
 * The splits a dataset may hold, always by subject. `test` is optional: the open datasets and the CDM
 * simulations have train and val only; the corpus adds a test split used only for final tables.
 */
export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type DatasetSplitName = (typeof SPLIT_NAMES)[number];

/** Where a volume came from: a Debian package's file, or a user's file. */
export interface Provenance {
  /** 'debian' for the open scans, 'user' for a user's folder. */
  readonly kind: 'debian' | 'user';
  readonly file: string;
  readonly package?: string;
  readonly version?: string;
  readonly licence: string;
  readonly upstream?: string;
  /** sha256 of the .deb (debian) or of the file (user). */
  readonly sha256: string;
}

export interface DatasetVolume {
  /** Source id (open sources) or the file's path relative to the folder. */
  readonly id: string;
  readonly subject: string;
  readonly split: DatasetSplitName;
  readonly modality: string;
  /**
   * The plane the slices were cut along; absent means axial (the open datasets). A corpus volume has one
   * entry per plane, each with its own offset, so (id, plane) is unique.
   */
  readonly plane?: SlicePlane;
  /** One name per channel, e.g. ['t1', 't2']; ['image'] for single-channel volumes. */
  readonly channels: readonly string[];
  /** Per channel: what undoes the normalisation of this volume's slices. */
  readonly stats: readonly NormalizationStats[];
  /** Shape [depth, rows, cols] and spacing [i, j, k] in mm after reorientation to LPS. */
  readonly shape: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  /** Which slices along the plane's normal were kept (k, j or i after reorientation; 0 for a 2-D image). */
  readonly sliceIndices: readonly number[];
  /** Index of this volume's first slice in its split's file. */
  readonly offset: number;
  readonly provenance: readonly Provenance[];
}

export interface DatasetSplit {
  readonly file: string;
  readonly count: number;
  readonly sha256: string;
}

/**
 * A slice dataset on disk: per split one little-endian Float32 file of [count, channels, size, size]
 * (NCHW) values in [-1, 1], and this manifest beside them as manifest.json.
 */
export interface DatasetManifest {
  readonly format: typeof DATASET_FORMAT;
  readonly version: number;
  readonly name: string;
  readonly size: readonly [number, number];
  readonly channels: readonly string[];
  readonly dtype: 'float32';
  readonly layout: 'NCHW';
  readonly valueRange: readonly [number, number];
  readonly normalization: NormalizeOptions;
  readonly splits: { readonly train: DatasetSplit; readonly val: DatasetSplit; readonly test?: DatasetSplit };
  readonly subjects: readonly { readonly id: string; readonly split: DatasetSplitName }[];
  readonly volumes: readonly DatasetVolume[];
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  /** Hash of everything the build depended on; a rebuild with the same key does nothing. */
  readonly inputsKey: string;
  readonly notes: string;
  /** Slices per split, plane and modality (the corpus writes it; older datasets lack it). */
  readonly sliceCounts?: Readonly<Partial<Record<DatasetSplitName, Readonly<Record<string, Readonly<Record<string, number>>>>>>>;
}

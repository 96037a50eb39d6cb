// Test-only: reads the committed fixtures (see fixtures/README.md). Node only.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export type PairName = 'blur' | 'noise' | 'shift';
export const PAIRS: readonly PairName[] = ['blur', 'noise', 'shift'];
export type ImageName = 'reference' | PairName;

interface FileEntry {
  file: string;
  dtype: 'float32' | 'uint8';
  shape: number[];
}

export interface PixelGolden {
  mse: number;
  mae: number;
  psnr: number;
  nmse: number;
  nrmse_euclidean: number;
  nrmse_minmax: number;
  nrmse_mean: number;
  ssim: number;
  ms_ssim?: number;
}

export interface SegmentationGolden {
  dice: number;
  iou: number;
  hd95_iso: number;
  hd100_iso: number;
  hd95_aniso: number;
  hd100_aniso: number;
}

interface DimsGolden {
  files: Record<ImageName | 'inpaint_mask', FileEntry>;
  pairs: Record<PairName, { full: PixelGolden; masked: PixelGolden; segmentation: SegmentationGolden }>;
  accutance: Record<ImageName, { full: number; masked: number }>;
  spacings: { iso: number[]; aniso: number[] };
  msSsimUpsampled?: { weights: number[]; values: Record<PairName, number> };
}

export interface Golden {
  dataRange: number;
  msSsimWeights: number[];
  segThreshold: number;
  '2d': DimsGolden;
  '3d': DimsGolden;
}

export const golden: Golden = JSON.parse(readFileSync(join(FIXTURES, 'golden.json'), 'utf8')) as Golden;

export interface LoadedImage {
  data: Float32Array;
  shape: number[];
}

function readEntry(entry: FileEntry): LoadedImage {
  const bytes = readFileSync(join(FIXTURES, entry.file));
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const data = entry.dtype === 'float32' ? new Float32Array(copy.buffer) : Float32Array.from(copy);
  return { data, shape: entry.shape };
}

export function loadImage(dims: '2d' | '3d', name: ImageName): LoadedImage {
  return readEntry(golden[dims].files[name]);
}

export function loadInpaintMask(dims: '2d' | '3d'): { data: Uint8Array; shape: number[] } {
  const img = readEntry(golden[dims].files.inpaint_mask);
  return { data: Uint8Array.from(img.data), shape: img.shape };
}

/** The segmentation the golden values were computed on: image > threshold. */
export function segmentation(image: LoadedImage): { data: Uint8Array; shape: number[] } {
  return { data: Uint8Array.from(image.data, (v) => (v > golden.segThreshold ? 1 : 0)), shape: image.shape };
}

/** Stacks images of one shape into a batch `[N, ...shape]`. */
export function stack(images: readonly LoadedImage[]): LoadedImage {
  const first = images[0] as LoadedImage;
  const data = new Float32Array(first.data.length * images.length);
  images.forEach((im, i) => data.set(im.data, i * first.data.length));
  return { data, shape: [images.length, ...first.shape] };
}

/** Every voxel repeated twice along each axis (as make_golden.py's np.repeat). */
export function repeat2(image: LoadedImage): LoadedImage {
  const [d, h, w] = image.shape as [number, number, number];
  const out = new Float32Array(8 * d * h * w);
  for (let z = 0; z < 2 * d; z++) {
    for (let y = 0; y < 2 * h; y++) {
      for (let x = 0; x < 2 * w; x++) {
        out[(z * 2 * h + y) * 2 * w + x] = image.data[((z >> 1) * h + (y >> 1)) * w + (x >> 1)] as number;
      }
    }
  }
  return { data: out, shape: [2 * d, 2 * h, 2 * w] };
}

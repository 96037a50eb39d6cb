import { gunzipSync } from 'fflate';
import { InvalidArgumentError, UnsupportedPixelFormatError } from '../errors.js';
import { assertFinite, type Volume } from '../image.js';
import { untar } from './tar.js';

function plistValue(xml: string, key: string): string | undefined {
  const m = new RegExp(`<key>${key}</key>\\s*<(string|real|integer)>([^<]*)</`).exec(xml);
  return m?.[2];
}

function plistArray(xml: string, key: string): number[] | undefined {
  const m = new RegExp(`<key>${key}</key>\\s*<array>([\\s\\S]*?)</array>`).exec(xml);
  if (!m) return undefined;
  return [...m[1]!.matchAll(/<(?:real|integer)>([^<]*)</g)].map((x) => Number(x[1]));
}

/**
 * Reads the image of an InVesalius 3 project (.inv3: a gzip-compressed tar holding main.plist and
 * matrix.dat, the raw little-endian volume, slices first). InVesalius stores no orientation: the volume
 * is placed axis-aligned in LPS at the origin, with the stored voxel spacing.
 */
export function readInv3(bytes: Uint8Array, file = 'project.inv3'): Volume {
  let files: Map<string, Uint8Array>;
  try {
    files = untar(gunzipSync(bytes), file);
  } catch (e) {
    throw new InvalidArgumentError('readInv3', `${file} is not a gzip-compressed tar archive (${e instanceof Error ? e.message : String(e)})`);
  }
  const find = (base: string) => [...files.entries()].find(([k]) => k === base || k.endsWith(`/${base}`))?.[1];
  const plistBytes = find('main.plist');
  if (!plistBytes) throw new InvalidArgumentError('readInv3', `${file} has no main.plist: not an InVesalius 3 project`);
  const xml = new TextDecoder().decode(plistBytes);
  const matrixBlock = /<key>matrix<\/key>\s*<dict>([\s\S]*?)<\/dict>/.exec(xml)?.[1] ?? '';
  const dtype = plistValue(matrixBlock, 'dtype') ?? 'int16';
  const shape = plistArray(matrixBlock, 'shape');
  const fileName = plistValue(matrixBlock, 'filename') ?? 'matrix.dat';
  const spacing = plistArray(xml, 'spacing') ?? [1, 1, 1];
  if (!shape || shape.length !== 3) throw new InvalidArgumentError('readInv3', `${file}: main.plist gives no 3-D matrix shape`);
  if (dtype !== 'int16') throw new UnsupportedPixelFormatError(file, `InVesalius matrix dtype ${dtype} (only int16 is read)`);
  const raw = find(fileName);
  const [nz, ny, nx] = shape as [number, number, number];
  const n = nz * ny * nx;
  if (!raw || raw.length < 2 * n) throw new InvalidArgumentError('readInv3', `${file}: ${fileName} is missing or shorter than ${2 * n} bytes`);
  const view = new DataView(raw.buffer, raw.byteOffset, 2 * n);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getInt16(2 * i, true);
  assertFinite(data, file);
  const modality = plistValue(xml, 'modality');
  const name = plistValue(xml, 'name');
  return {
    data,
    shape: [nz, ny, nx],
    geometry: { spacing: [spacing[0] ?? 1, spacing[1] ?? 1, spacing[2] ?? 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    ...(modality ? { modality } : {}),
    source: { format: 'inv3', files: [file], ...(name ? { description: name } : {}) },
  };
}

import { unzlibSync } from 'fflate';
import { CorruptPixelDataError, InvalidArgumentError, ResourceLimitError, UnsupportedPixelFormatError } from '../errors.js';
import { assertFinite, type Mat3, type Vec3, type Volume } from '../image.js';
import { DEFAULT_READER_LIMITS, type ReaderLimits } from '../readerLimits.js';

/** MetaImage element types and how to read one value. */
const ELEMENT_TYPES: Record<string, { bytes: number; get: (v: DataView, o: number, le: boolean) => number }> = {
  MET_UCHAR: { bytes: 1, get: (v, o) => v.getUint8(o) },
  MET_CHAR: { bytes: 1, get: (v, o) => v.getInt8(o) },
  MET_USHORT: { bytes: 2, get: (v, o, le) => v.getUint16(o, le) },
  MET_SHORT: { bytes: 2, get: (v, o, le) => v.getInt16(o, le) },
  MET_UINT: { bytes: 4, get: (v, o, le) => v.getUint32(o, le) },
  MET_INT: { bytes: 4, get: (v, o, le) => v.getInt32(o, le) },
  MET_FLOAT: { bytes: 4, get: (v, o, le) => v.getFloat32(o, le) },
  MET_DOUBLE: { bytes: 8, get: (v, o, le) => v.getFloat64(o, le) },
};

export interface ReadMetaImageOptions {
  readonly file?: string;
  /**
   * Returns the bytes of a data file the header names (`ElementDataFile = x.raw`, relative to the
   * header). Not needed for `.mha` files that hold their data (`ElementDataFile = LOCAL`). Kept as a
   * callback so this reader stays free of file-system access and runs in browsers.
   */
  readonly readDataFile?: (name: string) => Uint8Array;
  readonly modality?: string;
  readonly limits?: Partial<ReaderLimits>;
}

/** The header fields this reader uses, parsed from the `Key = value` lines. */
export interface MetaImageHeader {
  readonly dims: number[];
  readonly elementType: string;
  readonly spacing: number[];
  readonly origin: number[];
  /** Row a = direction of axis a (ITK writes TransformMatrix that way, in LPS). */
  readonly direction: number[];
  readonly littleEndian: boolean;
  readonly compressed: boolean;
  readonly channels: number;
  readonly headerSize: number;
  readonly dataFile: string;
  /** Byte offset just after the ElementDataFile line, where LOCAL data begins. */
  readonly dataStart: number;
}

const numbers = (s: string | undefined) => (s === undefined ? undefined : s.trim().split(/\s+/).map(Number));
const yes = (s: string | undefined) => s !== undefined && /^(true|1)$/i.test(s.trim());

/** Parses the text header of a MetaImage (.mha or .mhd) up to and including ElementDataFile. */
export function parseMetaImageHeader(bytes: Uint8Array, file = 'image.mha'): MetaImageHeader {
  const fields = new Map<string, string>();
  let at = 0;
  let dataStart = -1;
  // ElementDataFile is the last header line; data (for LOCAL) starts right after its newline.
  while (at < bytes.length && at < 65536) {
    let end = bytes.indexOf(0x0a, at);
    if (end < 0) end = bytes.length;
    const line = new TextDecoder('latin1').decode(bytes.subarray(at, end)).replace(/\r$/, '');
    at = end + 1;
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      if (line.trim() === '') continue;
      throw new InvalidArgumentError('readMetaImage', `${file} is not a MetaImage header (line "${line.slice(0, 60)}" is not "Key = value")`);
    }
    fields.set(m[1]!, m[2]!.trim());
    if (m[1] === 'ElementDataFile') {
      dataStart = at;
      break;
    }
  }
  if (dataStart < 0) throw new InvalidArgumentError('readMetaImage', `${file} has no ElementDataFile line: not a complete MetaImage header`);
  const nd = Number(fields.get('NDims'));
  const dims = numbers(fields.get('DimSize'));
  if (!(nd === 2 || nd === 3) || !dims || dims.length !== nd || !dims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArgumentError('readMetaImage', `${file}: NDims ${fields.get('NDims')} with DimSize ${fields.get('DimSize')}; only 2-D and 3-D images with positive sizes are read`);
  }
  const spacing = numbers(fields.get('ElementSpacing') ?? fields.get('ElementSize')) ?? new Array<number>(nd).fill(1);
  if (spacing.length !== nd || !spacing.every((s) => Number.isFinite(s) && s > 0)) throw new InvalidArgumentError('readMetaImage', `${file}: ElementSpacing ${spacing.join(' ')} must give ${nd} positive values`);
  const origin = numbers(fields.get('Offset') ?? fields.get('Position') ?? fields.get('Origin')) ?? new Array<number>(nd).fill(0);
  const identity = nd === 2 ? [1, 0, 0, 1] : [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const direction = numbers(fields.get('TransformMatrix') ?? fields.get('Rotation') ?? fields.get('Orientation')) ?? identity;
  if (origin.length !== nd || direction.length !== nd * nd || ![...origin, ...direction].every(Number.isFinite)) throw new InvalidArgumentError('readMetaImage', `${file}: Offset or TransformMatrix do not fit NDims ${nd}`);
  const msb = fields.get('ElementByteOrderMSB') ?? fields.get('BinaryDataByteOrderMSB');
  return {
    dims,
    elementType: fields.get('ElementType') ?? '',
    spacing,
    origin,
    direction,
    littleEndian: !yes(msb),
    compressed: yes(fields.get('CompressedData')),
    channels: Number(fields.get('ElementNumberOfChannels') ?? 1),
    headerSize: Number(fields.get('HeaderSize') ?? 0),
    dataFile: fields.get('ElementDataFile')!,
    dataStart,
  };
}

/**
 * Reads a MetaImage (ITK's .mha / .mhd + .raw) of one channel into a Volume: 2-D images become one
 * slice. Values are the stored ones (MetaImage has no rescale). MetaImage space is ITK's physical space,
 * LPS, so the geometry needs no conversion; a 2-D image is placed in the z = origin plane. Sizes are
 * checked against the reader limits before the data is inflated or allocated.
 */
export function readMetaImage(bytes: Uint8Array, options: ReadMetaImageOptions = {}): Volume {
  const file = options.file ?? 'image.mha';
  const limits = { ...DEFAULT_READER_LIMITS, ...options.limits };
  const h = parseMetaImageHeader(bytes, file);
  const type = ELEMENT_TYPES[h.elementType];
  if (!type) throw new UnsupportedPixelFormatError(file, `MetaImage ElementType ${h.elementType || '(none)'}; read are ${Object.keys(ELEMENT_TYPES).join(', ')}`);
  if (h.channels !== 1) throw new UnsupportedPixelFormatError(file, `${h.channels} channels per element (ElementNumberOfChannels); only single-channel (grey) images are read`);
  for (const d of h.dims) if (d > limits.maxDimension) throw new ResourceLimitError(file, 'a MetaImage DimSize', 'maxDimension', d, limits.maxDimension);
  const n = h.dims.reduce((a, b) => a * b, 1);
  if (n > limits.maxVoxels) throw new ResourceLimitError(file, 'the MetaImage voxel count', 'maxVoxels', n, limits.maxVoxels);
  let payload: Uint8Array;
  if (h.dataFile === 'LOCAL') payload = bytes.subarray(h.dataStart);
  else if (/^(LIST|.*%)/.test(h.dataFile)) throw new UnsupportedPixelFormatError(file, `ElementDataFile ${h.dataFile} (a list or pattern of slice files); give one data file`);
  else if (!options.readDataFile) throw new InvalidArgumentError('readMetaImage', `${file} keeps its data in ${h.dataFile}: pass readDataFile so the reader can open it`);
  else payload = options.readDataFile(h.dataFile);
  if (h.headerSize > 0) payload = payload.subarray(h.headerSize);
  const need = n * type.bytes;
  if (h.compressed) {
    try {
      payload = unzlibSync(payload, { out: new Uint8Array(need) });
    } catch (e) {
      throw new CorruptPixelDataError(file, `the compressed MetaImage data does not inflate (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
  }
  if (payload.length < need) throw new CorruptPixelDataError(file, `the MetaImage data has ${payload.length} bytes but ${h.dims.join(' x ')} ${h.elementType} values need ${need}`);
  const view = new DataView(payload.buffer, payload.byteOffset, need);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = type.get(view, i * type.bytes, h.littleEndian);
  assertFinite(data, file);
  const three = h.dims.length === 3;
  const [ni, nj, nk] = [h.dims[0]!, h.dims[1]!, three ? h.dims[2]! : 1];
  const d = h.direction;
  const direction = (three ? d : [d[0], d[1], 0, d[2], d[3], 0, 0, 0, 1]) as unknown as Mat3;
  const spacing = (three ? h.spacing : [...h.spacing, 1]) as unknown as Vec3;
  const origin = (three ? h.origin : [...h.origin, 0]) as unknown as Vec3;
  return {
    data,
    shape: [nk, nj, ni],
    geometry: { spacing, origin, direction },
    ...(options.modality ? { modality: options.modality } : {}),
    source: { format: 'metaimage', files: [file] },
  };
}

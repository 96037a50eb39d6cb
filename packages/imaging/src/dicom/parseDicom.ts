import dcmjs from 'dcmjs';
import { CorruptPixelDataError, NotDicomError } from '../errors.js';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from './transferSyntax.js';

/** A dcmjs naturalised dataset: attributes by DICOM keyword. */
export type NaturalDataset = Record<string, unknown>;

export interface ParsedDicom {
  readonly dataset: NaturalDataset;
  readonly transferSyntaxUID: string;
  /** Whether the file had a Part-10 preamble and file meta information. */
  readonly hadFileMeta: boolean;
}

function toArrayBuffer(bytes: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  // dcmjs reads from a whole ArrayBuffer: give it exactly these bytes.
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function hasPreamble(u8: Uint8Array): boolean {
  return u8.length >= 132 && u8[128] === 0x44 && u8[129] === 0x49 && u8[130] === 0x43 && u8[131] === 0x4d; // "DICM"
}

/** Whether a raw dataset's first element carries an explicit VR (two upper-case letters after the tag). */
function hasExplicitVr(u8: Uint8Array): boolean {
  const a = u8[4] ?? 0;
  const b = u8[5] ?? 0;
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

/**
 * Files written without the Part-10 header (older equipment, some test sets) start straight with a
 * little-endian dataset (implicit or explicit VR), usually at group 0008. Accept those when the first element looks
 * like a real one; anything else is not DICOM.
 */
function looksLikeRawDataset(u8: Uint8Array): boolean {
  if (u8.length < 8) return false;
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const group = view.getUint16(0, true);
  const length = hasExplicitVr(u8) ? view.getUint16(6, true) : view.getUint32(4, true);
  return (group === 0x0008 || group === 0x0002) && (length === 0xffffffff || length <= u8.length - 8);
}

function wrapWithFileMeta(raw: Uint8Array): ArrayBuffer {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
    MediaStorageSOPInstanceUID: '2.25.0',
    TransferSyntaxUID: hasExplicitVr(raw) ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: '2.25.0',
  });
  const dict = new DicomDict(meta);
  dict.dict = {};
  const header = new Uint8Array(dict.write());
  const out = new Uint8Array(header.length + raw.length);
  out.set(header, 0);
  out.set(raw, header.length);
  return out.buffer;
}

/** dcmjs logs warnings (odd VRs) to the console; keep them out of a user's terminal while it parses. */
export function quietly<T>(fn: () => T): T {
  const loggers = [dcmjs.log, dcmjs.log.getLogger('validation.dcmjs')];
  const levels = loggers.map((l) => l.getLevel());
  for (const l of loggers) l.setLevel('silent');
  try {
    return fn();
  } finally {
    loggers.forEach((l, i) => l.setLevel(levels[i]!));
  }
}

/**
 * dcmjs does not notice a file that ends inside Pixel Data (it hands back the declared length). Find the
 * last Pixel Data element header (native, defined length) and compare its length with the bytes left.
 */
function checkPixelDataComplete(u8: Uint8Array, bigEndian: boolean, file?: string): void {
  const t = bigEndian ? [0x7f, 0xe0, 0x00, 0x10] : [0xe0, 0x7f, 0x10, 0x00];
  for (let p = u8.length - 8; p >= 0; p--) {
    if (u8[p] !== t[0] || u8[p + 1] !== t[1] || u8[p + 2] !== t[2] || u8[p + 3] !== t[3]) continue;
    const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    const explicit = (u8[p + 4] === 0x4f && (u8[p + 5] === 0x57 || u8[p + 5] === 0x42)) || (u8[p + 4] === 0x55 && u8[p + 5] === 0x4e);
    const headerLen = explicit ? 12 : 8;
    if (p + headerLen > u8.length) return;
    const len = view.getUint32(p + headerLen - 4, !bigEndian);
    if (len === 0xffffffff) return;
    const left = u8.length - p - headerLen;
    if (len > left) throw new CorruptPixelDataError(file, `the file is truncated: Pixel Data declares ${len} bytes but only ${left} remain`);
    return;
  }
}

/** Parses DICOM bytes with dcmjs. Throws NotDicomError (naming `file`) for anything it cannot read. */
export function parseDicom(bytes: Uint8Array | ArrayBuffer, file?: string): ParsedDicom {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let buffer: ArrayBuffer;
  let hadFileMeta = true;
  if (hasPreamble(u8)) buffer = toArrayBuffer(bytes);
  else if (looksLikeRawDataset(u8)) {
    buffer = wrapWithFileMeta(u8);
    hadFileMeta = false;
  } else {
    throw new NotDicomError(file, u8.length < 132 ? `only ${u8.length} bytes long` : 'no "DICM" marker at byte 128 and no dataset at byte 0');
  }
  let dict;
  try {
    dict = quietly(() => dcmjs.data.DicomMessage.readFile(buffer));
  } catch (e) {
    throw new NotDicomError(file, `the dataset could not be parsed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const ts = dict.meta['00020010']?.Value?.[0];
  if (typeof ts !== 'string' || ts === '') throw new NotDicomError(file, 'its file meta information has no Transfer Syntax UID');
  if (u8.length < 50_000_000) checkPixelDataComplete(u8, ts.trim() === '1.2.840.10008.1.2.2', file);
  const dataset = quietly(() => dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict));
  return { dataset, transferSyntaxUID: ts.replace(/\0/g, '').trim(), hadFileMeta };
}

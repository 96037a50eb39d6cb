import dcmjs from 'dcmjs';
import { NotDicomError } from '../errors.js';
import { IMPLICIT_VR_LITTLE_ENDIAN } from './transferSyntax.js';

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

/**
 * Files written without the Part-10 header (older equipment, some test sets) start straight with an
 * implicit-VR little-endian dataset, usually at group 0008. Accept those when the first element looks
 * like a real one; anything else is not DICOM.
 */
function looksLikeRawImplicitDataset(u8: Uint8Array): boolean {
  if (u8.length < 8) return false;
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const group = view.getUint16(0, true);
  const length = view.getUint32(4, true);
  return (group === 0x0008 || group === 0x0002) && (length === 0xffffffff || length <= u8.length - 8);
}

function wrapWithFileMeta(raw: Uint8Array): ArrayBuffer {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
    MediaStorageSOPInstanceUID: '2.25.0',
    TransferSyntaxUID: IMPLICIT_VR_LITTLE_ENDIAN,
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
  const log = dcmjs.log;
  const level = log.getLevel();
  log.setLevel('error');
  try {
    return fn();
  } finally {
    log.setLevel(level);
  }
}

/** Parses DICOM bytes with dcmjs. Throws NotDicomError (naming `file`) for anything it cannot read. */
export function parseDicom(bytes: Uint8Array | ArrayBuffer, file?: string): ParsedDicom {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let buffer: ArrayBuffer;
  let hadFileMeta = true;
  if (hasPreamble(u8)) buffer = toArrayBuffer(bytes);
  else if (looksLikeRawImplicitDataset(u8)) {
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
  const dataset = quietly(() => dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict));
  return { dataset, transferSyntaxUID: ts.replace(/\0/g, '').trim(), hadFileMeta };
}

import type { DicomDictObject, DicomElement } from 'dcmjs';

/** One attribute in the DICOM JSON model (PS3.18 F.2). */
export interface JsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type DicomJson = Record<string, JsonAttribute>;

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/**
 * Converts a dcmjs dictionary (tags as 8 hex digits, dcmjs values) to the DICOM JSON model. Binary
 * values are not inlined: each gets a BulkDataURI from `bulkUri` (the tag path, e.g. "7FE00010" or
 * "00420011"), so metadata stays small and the viewer fetches pixels and documents separately.
 * Empty and null values are dropped, as the model asks for attributes without a value.
 */
export function toDicomJson(dict: DicomDictObject, bulkUri: (tagPath: string) => string, path = ''): DicomJson {
  const out: DicomJson = {};
  for (const [tag, el] of Object.entries(dict).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const key = tag.toUpperCase();
    const attr = convert(key, el, bulkUri, path);
    if (attr) out[key] = attr;
  }
  return out;
}

function convert(tag: string, el: DicomElement, bulkUri: (tagPath: string) => string, path: string): JsonAttribute | null {
  const vr = el.vr;
  if (BINARY_VRS.has(vr)) {
    // Group length and private binary data are of no use to a viewer; everything else is fetched on demand.
    return { vr, BulkDataURI: bulkUri(path ? `${path}/${tag}` : tag) };
  }
  const values = el.Value ?? [];
  if (vr === 'SQ') {
    const items = values.map((item, i) => toDicomJson(item as DicomDictObject, bulkUri, `${path ? `${path}/` : ''}${tag}/${i}`));
    return { vr, Value: items };
  }
  const kept = values.filter((v) => v !== null && v !== undefined && v !== '');
  if (kept.length === 0) return { vr };
  if (vr === 'PN') {
    return { vr, Value: kept.map((v) => (typeof v === 'string' ? { Alphabetic: v } : v)) };
  }
  if (vr === 'AT') {
    return { vr, Value: kept.map((v) => (typeof v === 'number' ? v.toString(16).toUpperCase().padStart(8, '0') : v)) };
  }
  if (vr === 'DS' || vr === 'IS') {
    const nums = kept.map((v) => (typeof v === 'number' ? v : Number(String(v).trim()))).filter((n) => Number.isFinite(n));
    return nums.length ? { vr, Value: nums } : { vr };
  }
  if (typeof kept[0] === 'string') return { vr, Value: kept.map((v) => String(v).replace(/\0+$/, '').trimEnd()) };
  return { vr, Value: kept };
}

/** The first value of an attribute as a string, or undefined. */
export function jsonString(ds: DicomJson, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic ?? '');
  return String(v);
}

/** The first value of an attribute as a number, or undefined. */
export function jsonNumber(ds: DicomJson, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

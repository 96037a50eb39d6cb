import dcmjs from 'dcmjs';
import type { DicomJson, JsonAttribute } from './dicomJson.js';
import { jsonString } from './dicomJson.js';
import type { InstanceRecord } from './dicomFolderStore.js';
import { DicomwebRequestError } from './dicomFolderStore.js';
import { checkPattern, wildcardMatch } from './wildcard.js';

/** Attributes returned at each QIDO-RS level (PS3.18 Tables 10.6.3-3 to -5), taken from the instances. */
const STUDY_TAGS = ['00080005', '00080020', '00080030', '00080050', '00080090', '00081030', '00100010', '00100020', '00100030', '00100040', '0020000D', '00200010'];
const SERIES_TAGS = ['00080005', '00080021', '00080031', '00080060', '0008103E', '00180015', '0020000D', '0020000E', '00200011'];
const INSTANCE_TAGS = ['00080005', '00080016', '00080018', '0020000D', '0020000E', '00200013', '00280008', '00280010', '00280011', '00280100'];

const RESERVED = new Set(['limit', 'offset', 'fuzzymatching', 'includefield']);

export type QidoLevel = 'study' | 'series' | 'instance';

function pick(json: DicomJson, tags: readonly string[]): DicomJson {
  const out: DicomJson = {};
  for (const t of tags) if (json[t]) out[t] = json[t]!;
  return out;
}

const us = (n: number): JsonAttribute => ({ vr: 'IS', Value: [n] });

/** Builds the result rows of a level from the instances, with the counts QIDO-RS defines. */
export function qidoRows(level: QidoLevel, instances: readonly InstanceRecord[]): DicomJson[] {
  if (level === 'instance') return instances.map((r) => pick(r.json, INSTANCE_TAGS));
  const key = level === 'study' ? (r: InstanceRecord) => r.studyUID : (r: InstanceRecord) => r.seriesUID;
  const groups = new Map<string, InstanceRecord[]>();
  for (const r of instances) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    if (level === 'series') return { ...pick(first.json, SERIES_TAGS), '00201209': us(group.length) };
    const modalities = [...new Set(group.map((r) => jsonString(r.json, '00080060')).filter((m): m is string => !!m))].sort();
    return {
      ...pick(first.json, STUDY_TAGS),
      '00080061': { vr: 'CS', Value: modalities },
      '00201206': us(new Set(group.map((r) => r.seriesUID)).size),
      '00201208': us(group.length),
    };
  });
}

/** A query key (keyword such as PatientName, or 8 hex digits) as a tag. */
function tagOf(key: string): string | undefined {
  if (/^[0-9a-fA-F]{8}$/.test(key)) return key.toUpperCase();
  const entry = dcmjs.data.DicomMetaDictionary.nameMap[key];
  return entry ? dcmjs.data.DicomMetaDictionary.unpunctuateTag(entry.tag).toUpperCase() : undefined;
}

function attrStrings(attr: JsonAttribute | undefined): string[] {
  return (attr?.Value ?? []).map((v) => (typeof v === 'object' && v !== null && 'Alphabetic' in v ? String((v as { Alphabetic: unknown }).Alphabetic ?? '') : String(v)));
}

function matches(attr: JsonAttribute | undefined, value: string, fuzzy: boolean): boolean {
  if (value === '' || value === '*') return true;
  const have = attrStrings(attr);
  const vr = attr?.vr;
  if (vr === 'UI' || /^[\d.]+([,\\][\d.]+)+$/.test(value)) {
    const wanted = value.split(/[,\\]/).map((s) => s.trim());
    return have.some((h) => wanted.includes(h));
  }
  if ((vr === 'DA' || vr === 'TM' || vr === 'DT') && value.includes('-')) {
    const [lo, hi] = value.split('-');
    return have.some((h) => (!lo || h >= lo) && (!hi || h <= hi));
  }
  if (vr === 'PN') {
    // Fuzzy matching (when asked) lets "colin" find "Colin27^Sample": a prefix of any name component.
    const pattern = fuzzy && !/[*?]/.test(value) ? `${value}*` : value;
    return have.some((h) => wildcardMatch(pattern, h) || (fuzzy && h.split(/[\^ ]/).some((part) => wildcardMatch(pattern, part))));
  }
  if (/[*?]/.test(value)) return have.some((h) => wildcardMatch(value, h));
  return have.some((h) => h === value);
}

/**
 * Answers a QIDO-RS search: filters the rows by the query's matching keys (UID lists, wildcards,
 * date ranges, case-insensitive person names), then applies offset and limit. Unknown keys are a
 * 400, so a typo does not silently match everything.
 */
export function qidoSearch(level: QidoLevel, instances: readonly InstanceRecord[], query: URLSearchParams): DicomJson[] {
  const fuzzy = query.get('fuzzymatching') === 'true';
  const filters: { tag: string; value: string }[] = [];
  for (const [key, value] of query) {
    if (RESERVED.has(key.toLowerCase())) continue;
    const tag = tagOf(key);
    if (!tag) throw new DicomwebRequestError(400, `unknown QIDO-RS query key "${key}"`);
    checkPattern(value);
    filters.push({ tag, value });
  }
  // Match on the instances, so series- and instance-level keys also narrow study results.
  const kept = instances.filter((r) => filters.every((f) => f.tag === '00080061' || matches(r.json[f.tag], f.value, fuzzy)));
  let rows = qidoRows(level, kept);
  const modalities = filters.find((f) => f.tag === '00080061');
  if (modalities) {
    const wanted = modalities.value.split(/[,\\]/).filter(Boolean);
    rows = rows.filter((row) => wanted.length === 0 || attrStrings(row['00080061']).some((m) => wanted.includes(m)));
  }
  const offset = countParam(query, 'offset') ?? 0;
  // limit=0 has always meant no limit here.
  const limit = countParam(query, 'limit') || Infinity;
  return rows.slice(offset, offset + limit);
}

/** `limit` and `offset`: a non-negative integer, or absent; anything else is a 400, not a silent default. */
function countParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^\d{1,9}$/.test(text.trim())) throw new DicomwebRequestError(400, `${name}=${JSON.stringify(text)} is not a non-negative integer; give e.g. ${name}=10`);
  return Number(text);
}

import type { NaturalDataset } from './parseDicom.js';

/** Small readers for naturalised dcmjs values, which may be scalars, arrays, strings or numbers. */

export function num(ds: NaturalDataset, key: string): number | undefined {
  const v = ds[key];
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined || x === null || x === '') return undefined;
  const n = typeof x === 'number' ? x : Number(x);
  return Number.isFinite(n) ? n : undefined;
}

export function nums(ds: NaturalDataset, key: string): number[] | undefined {
  const v = ds[key];
  if (v === undefined || v === null) return undefined;
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : [v];
  const out = arr.map((x) => (typeof x === 'number' ? x : Number(x)));
  return out.every((x) => Number.isFinite(x)) ? out : undefined;
}

export function str(ds: NaturalDataset, key: string): string | undefined {
  const v = ds[key];
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'object' && 'Alphabetic' in (x as Record<string, unknown>)) return String((x as Record<string, unknown>)['Alphabetic']);
  const s = String(x).replace(/\0/g, '').trim();
  return s === '' ? undefined : s;
}

/** Items of a sequence: dcmjs gives an array, or a lone object for one item. */
export function items(ds: NaturalDataset | undefined, key: string): NaturalDataset[] {
  const v = ds?.[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x): x is NaturalDataset => typeof x === 'object' && x !== null);
  return typeof v === 'object' ? [v as NaturalDataset] : [];
}

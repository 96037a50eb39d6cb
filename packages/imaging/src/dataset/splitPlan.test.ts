import { describe, expect, it } from 'vitest';
import { assignSplits, splitCoverage } from './splitPlan.js';
import { CORPUS_SPLIT_PLAN, corpusSources } from './corpus.js';

const subjects = [
  { subject: 'a', modality: 'MR' },
  { subject: 'a', modality: 'MR' }, // a second scan of the same person
  { subject: 'b', modality: 'CT' },
  { subject: 'c', modality: 'MR' },
  { subject: 'd', modality: 'CT' },
  { subject: 'e', modality: 'NM' },
];

describe('the three-way split by subject', () => {
  it('puts every subject in exactly one split, the unnamed ones in train', () => {
    const splits = assignSplits(subjects, { val: ['b'], test: ['d', 'e'] });
    expect(Object.fromEntries(splits)).toEqual({ a: 'train', b: 'val', c: 'train', d: 'test', e: 'test' });
    const cov = splitCoverage(subjects, splits);
    expect(cov.train).toEqual({ subjects: ['a', 'c'], modalities: ['MR'] });
    expect(cov.test).toEqual({ subjects: ['d', 'e'], modalities: ['CT', 'NM'] });
  });
  it('refuses a subject in both val and test, and a subject no source has (a typo)', () => {
    expect(() => assignSplits(subjects, { val: ['b'], test: ['b'] })).toThrow(/b are in both val and test/);
    expect(() => assignSplits(subjects, { val: ['bb'], test: [] })).toThrow(/names subject\(s\) bb that no source has/);
  });
});

describe('the corpus split plan', () => {
  const sources = corpusSources();
  const all = sources.map((s) => ({ subject: s.subject, modality: s.modality }));
  const splits = assignSplits(all, CORPUS_SPLIT_PLAN);
  const cov = splitCoverage(all, splits);
  it('gives each split both MR and CT', () => {
    for (const split of ['train', 'val', 'test'] as const) expect(cov[split].modalities).toEqual(expect.arrayContaining(['CT', 'MR']));
  });
  it('tests on a modality and a scanner maker that training never sees', () => {
    const trained = new Set(sources.filter((s) => splits.get(s.subject) === 'train'));
    const tested = sources.filter((s) => splits.get(s.subject) === 'test');
    const trainedModalities = new Set([...trained].map((s) => s.modality));
    const trainedScanners = new Set([...trained].map((s) => s.scanner).filter(Boolean));
    expect(tested.some((s) => !trainedModalities.has(s.modality))).toBe(true);
    expect(tested.some((s) => s.scanner !== undefined && !trainedScanners.has(s.scanner))).toBe(true);
  });
  it('keeps every scan of a subject together (Colin27 and its BrainWeb simulations train together)', () => {
    for (const s of sources) expect(splits.get(s.subject)).toBeDefined();
    expect(new Set(sources.filter((s) => s.subject === 'colin27').map((s) => splits.get(s.subject)))).toEqual(new Set(['train']));
    expect(sources.filter((s) => s.subject === 'colin27').map((s) => s.id)).toEqual(expect.arrayContaining(['colin27-t1', 'brainweb-t1-slice', 'brainweb-pd-slice']));
  });
  it('keeps the non-commercial CQ500 slice out of training', () => {
    expect(splits.get('cq500-ct-310')).not.toBe('train');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedStudyIndex } from '@meddiff/cdm/node';
import { readSimulatedStudy, SIMULATED_CONTRASTS, SimulatedStudyMissingError } from './simulatedStudy.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function studyDir(contrasts: readonly SimulatedStudyIndex['series'][number]['contrast'][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'meddiff-sim-'));
  dirs.push(dir);
  const index: SimulatedStudyIndex = {
    version: 1,
    key: 'v1-test',
    studyInstanceUID: '1.2.3',
    frameOfReferenceUID: '1.2.3.9',
    patientID: 'P',
    description: 'test',
    series: contrasts.map((contrast, i) => ({ folder: `study/series-${i + 1}-${contrast}`, contrast, seriesInstanceUID: `1.2.3.${i + 1}`, seriesNumber: i + 1, description: contrast, instances: 2, rows: 4, cols: 4 })),
  };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}

describe('readSimulatedStudy', () => {
  it('gives the study, frame of reference and each contrast series from index.json', () => {
    const dir = studyDir(['FLAIR', 'T1', 'PD', 'T2']);
    const s = readSimulatedStudy(dir);
    expect(s).toMatchObject({ dir, studyInstanceUID: '1.2.3', frameOfReferenceUID: '1.2.3.9', key: 'v1-test' });
    expect(Object.keys(s.series).sort()).toEqual([...SIMULATED_CONTRASTS].sort());
    expect(s.series.T2).toEqual({ seriesInstanceUID: '1.2.3.4', dir: join(dir, 'study', 'series-4-T2'), description: 'T2', instances: 2 });
    expect(s.series.FLAIR.seriesInstanceUID).toBe('1.2.3.1');
  });

  it('says to run prepare when the study is missing or lacks a contrast', () => {
    const empty = mkdtempSync(join(tmpdir(), 'meddiff-sim-'));
    dirs.push(empty);
    expect(() => readSimulatedStudy(empty)).toThrow(SimulatedStudyMissingError);
    expect(() => readSimulatedStudy(empty)).toThrow(/prepare-viewer/);
    expect(() => readSimulatedStudy(studyDir(['T1', 'T2', 'PD']))).toThrow(/no FLAIR series \(it has T1, T2, PD\)/);
  });
});

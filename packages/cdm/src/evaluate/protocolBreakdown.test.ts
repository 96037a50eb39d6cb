import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSliceProtocols } from '../node/protocolDataset';
import type { MethodScores } from './evaluateTranslation';
import { protocolBreakdown } from './protocolBreakdown';

const method = (name: string, psnrPerSlice: number[]): MethodScores => ({ name, description: '', perTarget: { PD: { psnr: 0, psnrSd: 0, ssim: 0, ssimSd: 0, mae: 0, maeSd: 0, psnrPerSlice } } });

describe('protocolBreakdown', () => {
  it('groups slices by where the target protocol lies and gives each method its mean PSNR per group, nearest first', () => {
    const table = protocolBreakdown(
      [method('CDM', [30, 28, 20, 22, 10]), method('plain U-Net', [31, 29, 21, 23, 11])],
      'PD',
      [
        { distance: 0.01, outsideRange: false },
        { distance: 0.02, outsideRange: false },
        { distance: 0.2, outsideRange: true },
        { distance: 0.1, outsideRange: false },
        { distance: null, outsideRange: false },
      ],
    );
    expect(table.split('\n')).toEqual([
      '| PD protocol | slices | CDM (dB) | plain U-Net (dB) |',
      '| --- | --- | --- | --- |',
      '| inside the ranges, distance under 0.05 | 2 | 29.00 | 30.00 |',
      '| inside the ranges, distance 0.05 to 0.15 | 1 | 22.00 | 23.00 |',
      '| beyond the ranges, distance 0.15 or more | 1 | 20.00 | 21.00 |',
      '| a sequence variant never trained on | 1 | 10.00 | 11.00 |',
    ]);
  });
});

describe('readSliceProtocols', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdm-protocols-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads each slice's target protocol through protocols.json's draw index into the manifest's virtual subjects; none for a dataset without protocols", () => {
    expect(readSliceProtocols(dir, 'test', ['PD'])).toBeUndefined();
    const subject = (d: number, outside: boolean) => ({ draw: { protocols: { PD: { distanceToTraining: d, outsideRange: outside }, FLAIR: { distanceToTraining: null, outsideRange: false } } } });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ simulation: { virtualSubjects: [subject(0, false), subject(0.3, true)] } }));
    writeFileSync(join(dir, 'protocols.json'), JSON.stringify({ splits: { test: [{ draw: 1 }, { draw: 1 }, { draw: 0 }] } }));
    expect(readSliceProtocols(dir, 'test', ['PD', 'FLAIR'])).toEqual({
      PD: [{ distance: 0.3, outsideRange: true }, { distance: 0.3, outsideRange: true }, { distance: 0, outsideRange: false }],
      FLAIR: [{ distance: null, outsideRange: false }, { distance: null, outsideRange: false }, { distance: null, outsideRange: false }],
    });
    expect(readSliceProtocols(dir, 'val', ['PD'])).toBeUndefined();
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Anatomy } from '../simulate/anatomy';
import { cellSplit } from '../simulate/protocolCells';
import { PROTOCOL_CONTRASTS } from '../simulate/protocolRanges';
import { DEFAULT_PROTOCOL_PLAN, type ProtocolSubject } from '../simulate/protocolSubject';
import { emptyTissueMaps } from '../simulate/segment';
import { defaultSimulationPlan, simulateAnatomy } from '../simulate/simulateAnatomy';
import { PROTOCOL_DATASET_CHANNELS, PROTOCOL_DATASET_DEFORMATION } from './protocolDataset';
import { PROTOCOL_SIDE_FILE, writeSimulatedDataset, type ProtocolSideFile, type SimulatedDatasetManifest } from './simulatedDataset';

/** A synthetic head: WM core, GM ring, CSF ring, fat shell, different radii per subject; no disk, no segmentation. */
function discAnatomy(subject: string, radius: number): Anatomy {
  const rows = 32;
  const cols = 32;
  return {
    subject,
    description: 'synthetic discs',
    depth: 6,
    geometry: { spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
    sliceShape: [rows, cols],
    sliceMaps(k) {
      const maps = emptyTissueMaps(rows, cols);
      const m = maps.memberships;
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < cols; x++) {
          const r = Math.hypot(y - 15.5, x - 15.5) / (radius + k / 3);
          const t = r < 0.5 ? 'wm' : r < 0.7 ? 'gm' : r < 0.8 ? 'csf' : r < 0.9 ? 'fat' : 'background';
          m[t][y * cols + x] = 1;
        }
      }
      return maps;
    },
    brainFraction: () => 0.5,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cdm-protocols-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('protocol dataset split', () => {
  const plan = defaultSimulationPlan({ size: 16, slicesPerSubject: 3, virtualSubjects: 6, modalities: [...PROTOCOL_DATASET_CHANNELS], protocols: structuredClone(DEFAULT_PROTOCOL_PLAN) });
  const inputs = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, key: id, load: () => ({ anatomy: discAnatomy(id, 10 + i), provenance: [] }) }));
  const { manifest } = writeSimulatedDataset(inputs, { dir: join(dir, 'ds'), name: 'ds', plan, valSubjects: ['c'], testSubjects: ['d', 'e'], log: () => undefined });
  const side = JSON.parse(readFileSync(join(dir, 'ds', PROTOCOL_SIDE_FILE), 'utf8')) as ProtocolSideFile;

  it('writes three splits in the slice format, each file the size its count says', () => {
    expect(manifest.splits.train.count).toBe(2 * 6 * 3);
    expect(manifest.splits.val.count).toBe(6 * 3);
    expect(manifest.splits.test?.count).toBe(2 * 6 * 3);
    for (const s of ['train', 'val', 'test'] as const) expect(statSync(join(dir, 'ds', `${s}.f32`)).size).toBe(manifest.splits[s]!.count * 4 * 16 * 16 * 4);
    const disk = JSON.parse(readFileSync(join(dir, 'ds', 'manifest.json'), 'utf8')) as SimulatedDatasetManifest;
    expect(disk.subjects).toEqual([{ id: 'a', split: 'train' }, { id: 'b', split: 'train' }, { id: 'c', split: 'val' }, { id: 'd', split: 'test' }, { id: 'e', split: 'test' }]);
  });

  it('never shares a subject, a virtual-subject seed or a protocol cell between train and test (nor with val)', () => {
    const draws = manifest.simulation.virtualSubjects;
    const bySplit = (s: string) => draws.filter((d) => d.split === s);
    const anatomies = (s: string) => new Set(bySplit(s).map((d) => d.subject));
    const seeds = (s: string) => new Set(bySplit(s).map((d) => String(d.draw.seed)));
    const cells = (s: string) => new Set(bySplit(s).flatMap((d) => PROTOCOL_CONTRASTS.map((c) => { const p = (d.draw as ProtocolSubject).protocols[c]; return `${c}/${p.variant}/${p.cell.join(',')}`; })));
    for (const [x, y] of [['train', 'test'], ['train', 'val'], ['val', 'test']] as const) {
      for (const sets of [anatomies, seeds, cells]) {
        const a = sets(x);
        for (const v of sets(y)) expect(a.has(v)).toBe(false);
      }
    }
    for (const d of draws) {
      const p = d.draw as ProtocolSubject;
      expect(p.split).toBe(d.split);
      for (const c of PROTOCOL_CONTRASTS) expect(cellSplit(p.protocols[c].cell, plan.protocols!.split.bins)).toBe(d.split);
    }
  });

  it('maps every slice of every split file to its draw in protocols.json', () => {
    for (const s of ['train', 'val', 'test'] as const) {
      const rows = side.splits[s]!;
      expect(rows.length).toBe(manifest.splits[s]!.count);
      rows.forEach((r, i) => {
        const d = manifest.simulation.virtualSubjects[r.draw]!;
        expect([d.subject, d.split]).toEqual([r.subject, s]);
        expect(i).toBeGreaterThanOrEqual(d.offset);
        expect(i).toBeLessThan(d.offset + d.slices);
      });
    }
  });

  it('is up to date when asked again, and refuses a test subject it does not render', () => {
    expect(writeSimulatedDataset(inputs, { dir: join(dir, 'ds'), name: 'ds', plan, valSubjects: ['c'], testSubjects: ['d', 'e'] }).built).toBe(false);
    expect(() => writeSimulatedDataset(inputs, { dir: join(dir, 'x'), name: 'x', plan, valSubjects: ['c'], testSubjects: ['z'] })).toThrow(/Test subject z is not among/);
    expect(() => writeSimulatedDataset(inputs, { dir: join(dir, 'x'), name: 'x', plan, valSubjects: ['c'], testSubjects: ['c'] })).toThrow(/both a validation and a test subject/);
  });
});

describe('anatomy deformation', () => {
  const base = defaultSimulationPlan({ size: 16, slicesPerSubject: 2, virtualSubjects: 3, modalities: [...PROTOCOL_DATASET_CHANNELS], protocols: structuredClone(DEFAULT_PROTOCOL_PLAN) });
  const deformed = structuredClone(base);
  deformed.augment.deformation = { ...PROTOCOL_DATASET_DEFORMATION };
  const anatomy = discAnatomy('a', 11);

  it('reshapes training slices only: validation and test slices are those of the plan without it', () => {
    const train = [simulateAnatomy(anatomy, base, 'train'), simulateAnatomy(anatomy, deformed, 'train')];
    expect(train[1]!.slices.every((s) => s.deformation && Math.abs(s.deformation.rotationDegrees) <= 12)).toBe(true);
    expect(train[0]!.slices.some((s) => s.deformation)).toBe(false);
    expect(Array.from(train[1]!.data)).not.toEqual(Array.from(train[0]!.data));
    for (const split of ['val', 'test'] as const) {
      const [plain, other] = [simulateAnatomy(anatomy, base, split), simulateAnatomy(anatomy, deformed, split)];
      expect(other.slices.some((s) => s.deformation)).toBe(false);
      expect(Array.from(other.data)).toEqual(Array.from(plain.data));
    }
  });

  it('refuses bounds that would fold the anatomy', () => {
    expect(() => defaultSimulationPlan({ augment: { flip: true, maxShift: 2, deformation: { rotationDegrees: 90, scale: 0.1, elastic: 0.02 } } })).toThrow(/rotationDegrees in \[0, 45\]/);
  });
});

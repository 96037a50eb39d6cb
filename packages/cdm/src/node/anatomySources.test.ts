import { describe, expect, it } from 'vitest';
import { resolveCacheDir } from '@meddiff/imaging/node';
import { chooseAnatomySlices } from '../simulate/anatomy';
import { drawProtocolSubject } from '../simulate/protocolSubject';
import { simulateSlice } from '../simulate/render';
import type { Tissue } from '../simulate/tissues';
import { loadAnatomy } from './anatomySources';

// Needs the open data (`npm run -w @meddiff/imaging setup-data`); these two packages are fetched on first use.
const cacheDir = resolveCacheDir();

describe('the anatomies added for the protocol datasets', () => {
  for (const id of ['itk-kmeans-t1', 'dipy-t1-coronal'] as const) {
    it(`${id}: segments into tissues whose rendered T1, T2 and FLAIR keep their orderings`, () => {
      const { anatomy, provenance } = loadAnatomy(id, cacheDir);
      expect(provenance.every((p) => p.kind === 'debian' && p.sha256.length === 64)).toBe(true);
      const ks = chooseAnatomySlices(anatomy, 24);
      expect(ks.length).toBe(id === 'dipy-t1-coronal' ? 1 : 24);
      const maps = anatomy.sliceMaps(ks[Math.floor(ks.length / 2)]!);
      // In-plane pixels were made square: a 2 x 3 mm coronal scan read axially is 128 x 93 px at 2 mm, not 128 x 62.
      if (id === 'itk-kmeans-t1') expect(anatomy.sliceShape).toEqual([93, 128]);
      const subject = drawProtocolSubject(5, 'test');
      const img = simulateSlice(maps, { ...subject, noiseLevel: 0.01 }, ['T1', 'T2', 'FLAIR'], 1, subject.contrasts);
      const mean = (c: 'T1' | 'T2' | 'FLAIR', t: Tissue) => {
        let s = 0;
        let n = 0;
        maps.memberships[t].forEach((u, i) => {
          if (u > 0.8) {
            s += img[c]![i]!;
            n++;
          }
        });
        expect(n).toBeGreaterThan(30);
        return s / n;
      };
      expect(mean('T1', 'wm')).toBeGreaterThan(mean('T1', 'gm'));
      expect(mean('T1', 'gm')).toBeGreaterThan(mean('T1', 'csf'));
      expect(mean('T2', 'csf')).toBeGreaterThan(mean('T2', 'wm'));
      expect(mean('FLAIR', 'csf')).toBeLessThan(mean('FLAIR', 'gm'));
    });
  }
});

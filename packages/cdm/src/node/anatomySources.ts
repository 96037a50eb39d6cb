import { readFileSync } from 'node:fs';
import { readNifti, reorientToLPS, type Provenance } from '@meddiff/imaging';
import { ensureDebianPackage, loadOpenSource, openDataFile, openSourceById } from '@meddiff/imaging/node';
import { anatomyFromProbabilityMaps, anatomyFromT1, type Anatomy } from '../simulate/anatomy';

/** Real anatomies available from the open-data cache (`npm run -w @meddiff/imaging setup-data`). */
export const ANATOMY_SOURCES = ['colin27', 'inia19', 'mni-tpm'] as const;
export type AnatomySourceId = (typeof ANATOMY_SOURCES)[number];

const CH2BET = 'usr/share/mricron/templates/ch2bet.nii.gz';

export interface LoadedAnatomy {
  anatomy: Anatomy;
  provenance: Provenance[];
}

/**
 * - `colin27`: Colin27's T1 head scan (ch2, 1 mm) with the brain mask of its BET-extracted copy
 *   (ch2bet, same grid); the head gives fat, muscle and skull. ch2better is the same person and is
 *   not used, so no subject can straddle the splits.
 * - `inia19`: the INIA19 rhesus macaque T1 template, skull-stripped (a different subject).
 * - `mni-tpm`: CSF, GM and WM probability maps in MNI space (3 mm) from nipype's test data, a
 *   population average: tissue memberships as given, no head.
 */
export function loadAnatomy(id: AnatomySourceId, cacheDir: string): LoadedAnatomy {
  switch (id) {
    case 'colin27': {
      const { volume, provenance } = loadOpenSource(openSourceById('colin27-t1'), cacheDir);
      const bet = readNifti(new Uint8Array(readFileSync(openDataFile(cacheDir, 'mricron-data', CH2BET))), { file: CH2BET }).volume;
      const mask = Uint8Array.from(reorientToLPS(bet).data, (v) => (v > 0 ? 1 : 0));
      const pkg = ensureDebianPackage('mricron-data', cacheDir).provenance;
      return {
        anatomy: anatomyFromT1(reorientToLPS(volume), 'colin27', { brainMask: { kind: 'given', mask } }),
        provenance: [provenance, { ...provenance, file: CH2BET, sha256: pkg.sha256 }],
      };
    }
    case 'inia19': {
      const { volume, provenance } = loadOpenSource(openSourceById('inia19-t1'), cacheDir);
      return { anatomy: anatomyFromT1(reorientToLPS(volume), 'inia19', { brainMask: { kind: 'skull-stripped' } }), provenance: [provenance] };
    }
    case 'mni-tpm': {
      const [csf, gm, wm] = (['tpm-csf', 'tpm-gm', 'tpm-wm'] as const).map((s) => loadOpenSource(openSourceById(s), cacheDir));
      return {
        anatomy: anatomyFromProbabilityMaps(reorientToLPS(csf!.volume), reorientToLPS(gm!.volume), reorientToLPS(wm!.volume), 'mni-tpm', 'MNI-space CSF/GM/WM probability maps (nipype test data, 3 mm)'),
        provenance: [csf!.provenance, gm!.provenance, wm!.provenance],
      };
    }
  }
}

import { readFileSync } from 'node:fs';
import { readNifti, readNpy, reorientToLPS, type Provenance, type Volume } from '@meddiff/imaging';
import { ensureDebianPackage, loadOpenSource, openDataFile, openSourceById } from '@meddiff/imaging/node';
import { SimulationError } from '../errors';
import { anatomyFromProbabilityMaps, anatomyFromT1, type Anatomy } from '../simulate/anatomy';
import { inPlaneIsotropic } from '../simulate/inPlaneIsotropic';

/**
 * Real anatomies available from Debian packages (fetched into the open-data cache with
 * `apt-get download` and `dpkg -x` on first use; `npm run -w @meddiff/imaging setup-data` fetches most).
 * Each is one subject: no two are the same person, so splitting by anatomy splits by subject.
 */
export const ANATOMY_SOURCES = ['colin27', 'inia19', 'mni-tpm', 'itk-kmeans-t1', 'dipy-t1-coronal'] as const;
export type AnatomySourceId = (typeof ANATOMY_SOURCES)[number];

/** The anatomies of the `cdm-sim-*` datasets (the shipped model and the viewer's study use them). */
export const BRAINWEB_DATASET_SOURCES: readonly AnatomySourceId[] = ['colin27', 'inia19', 'mni-tpm'];

const CH2BET = 'usr/share/mricron/templates/ch2bet.nii.gz';
const ITK = 'usr/share/doc/insighttoolkit5-examples/examples/Data';
const KMEANS_T1 = `${ITK}/KmeansTest_T1UCharRaw.nii.gz`;
const KMEANS_BRAIN = `${ITK}/KmeansTest_T1RawSkullStrip.nii.gz`;
const DIPY_CORONAL = 'usr/lib/python3/dist-packages/dipy/data/files/t1_coronal_slice.npy';

export interface LoadedAnatomy {
  anatomy: Anatomy;
  provenance: Provenance[];
}

/** A file of a Debian package (fetched and unpacked on first use) with its provenance. */
function debianFile(pkg: string, path: string, cacheDir: string): { bytes: Uint8Array; provenance: Provenance } {
  const prov = ensureDebianPackage(pkg, cacheDir).provenance;
  const bytes = new Uint8Array(readFileSync(openDataFile(cacheDir, pkg, path)));
  return { bytes, provenance: { kind: 'debian', file: path, package: prov.package, version: prov.version, licence: prov.licence, ...(prov.upstream ? { upstream: prov.upstream } : {}), sha256: prov.sha256 } };
}

const binary = (v: Volume) => Uint8Array.from(v.data, (x) => (x > 0.5 ? 1 : 0));

/**
 * - `colin27`: Colin27's T1 head scan (ch2, 1 mm) with the brain mask of its BET-extracted copy
 *   (ch2bet, same grid); the head gives fat, muscle and skull. ch2better is the same person and is
 *   not used, so no subject can straddle the splits.
 * - `inia19`: the INIA19 rhesus macaque T1 template, skull-stripped (a different subject).
 * - `mni-tpm`: CSF, GM and WM probability maps in MNI space (3 mm) from nipype's test data, a
 *   population average: tissue memberships as given, no head.
 * - `itk-kmeans-t1`: a T1-weighted head scan from ITK's k-means example (insighttoolkit5-examples;
 *   128 x 128 x 62, 2 x 2 x 3 mm, a coronal clinical-resolution acquisition of a person other than
 *   Colin27, with neck and sinuses) and its skull-stripping mask from the same example (> 0 is brain).
 * - `dipy-t1-coronal`: one skull-stripped coronal T1-weighted brain slice (256 x 256, spacing not
 *   recorded, taken as 1 mm) from dipy's registration example: a further person, one slice.
 *
 * Looked at and left out: nibabel's and nipy's `anatomical.nii` (a 66 x 82 mm crop around the basal
 * ganglia, no whole slice), dipy's `aniso_vox` (a b = 0 diffusion image, CSF bright: not T1-weighted),
 * matplotlib's `s1045.ima` (one sagittal slice whose white matter is darker than its grey matter, so
 * a T1 segmentation would swap them), elastix's example slices and ITK's BrainWeb slices (Colin27 again).
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
    case 'itk-kmeans-t1': {
      const t1 = debianFile('insighttoolkit5-examples', KMEANS_T1, cacheDir);
      const brain = debianFile('insighttoolkit5-examples', KMEANS_BRAIN, cacheDir);
      const description = 'T1-weighted head MRI from ITK\'s k-means example, 128x128x62, 2x2x3 mm';
      const volume = inPlaneIsotropic(reorientToLPS(readNifti(t1.bytes, { file: KMEANS_T1, modality: 'MR' }).volume));
      const maskVolume = inPlaneIsotropic(reorientToLPS(readNifti(brain.bytes, { file: KMEANS_BRAIN }).volume));
      return {
        anatomy: anatomyFromT1({ ...volume, source: { ...volume.source, description } }, 'itk-kmeans-t1', { brainMask: { kind: 'given', mask: binary(maskVolume) } }),
        provenance: [t1.provenance, brain.provenance],
      };
    }
    case 'dipy-t1-coronal': {
      const file = debianFile('python3-dipy', DIPY_CORONAL, cacheDir);
      const arr = readNpy(file.bytes, DIPY_CORONAL);
      if (arr.shape.length !== 2) throw new SimulationError(`${DIPY_CORONAL} should hold one 2-D slice but holds shape ${arr.shape.join('x')}; the python3-dipy package changed: delete <cache>/open-data/python3-dipy and fetch it again, or leave dipy-t1-coronal out of --sources.`);
      const [rows, cols] = arr.shape as [number, number];
      const volume: Volume = {
        data: arr.data,
        shape: [1, rows, cols],
        // The .npy keeps no geometry: 1 mm pixels, one slice (what dipy's example assumes).
        geometry: { spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
        modality: 'MR',
        source: { format: 'npy', files: [DIPY_CORONAL], description: 'skull-stripped coronal T1-weighted brain slice (dipy registration example), 256x256' },
      };
      return { anatomy: anatomyFromT1(volume, 'dipy-t1-coronal', { brainMask: { kind: 'skull-stripped' } }), provenance: [file.provenance] };
    }
  }
}

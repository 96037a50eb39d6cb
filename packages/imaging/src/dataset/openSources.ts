/** An open scan reachable through Debian's archive, and how to read it. */
export interface OpenSource {
  /** Stable id, used in manifests. */
  readonly id: string;
  /** Debian binary package that ships it. */
  readonly debianPackage: string;
  /** Path inside the package (as unpacked by `dpkg -x`). */
  readonly path: string;
  readonly format: 'nifti' | 'inv3' | 'npz';
  /**
   * Who was scanned: slices of one subject never straddle splits. Sources that are the same person
   * (Colin27 at two resolutions) share a subject.
   */
  readonly subject: string;
  readonly modality: 'MR' | 'CT';
  readonly description: string;
  /** Used by the default dataset (the rest can be chosen by id). */
  readonly inDefaultDataset: boolean;
}

export const DEBIAN_PACKAGES = ['mricron-data', 'invesalius-examples', 'python3-imageio', 'python3-dipy', 'python3-nipype', 'python3-pydicom'] as const;
export type DebianPackage = (typeof DEBIAN_PACKAGES)[number];

const PY = 'usr/lib/python3/dist-packages';

export const OPEN_SOURCES: readonly OpenSource[] = [
  { id: 'colin27-t1', debianPackage: 'mricron-data', path: 'usr/share/mricron/templates/ch2.nii.gz', format: 'nifti', subject: 'colin27', modality: 'MR', description: 'Colin27 (ch2) T1-weighted brain MRI, 1 mm, 181x217x181, an average of 27 scans of one person', inDefaultDataset: true },
  { id: 'colin27-t1-hires', debianPackage: 'mricron-data', path: 'usr/share/mricron/templates/ch2better.nii.gz', format: 'nifti', subject: 'colin27', modality: 'MR', description: 'Colin27 (ch2better) T1-weighted brain MRI, 0.5 mm, 301x370x316', inDefaultDataset: false },
  { id: 'inia19-t1', debianPackage: 'mricron-data', path: 'usr/share/mricron/templates/inia19-t1-brain.nii.gz', format: 'nifti', subject: 'inia19', modality: 'MR', description: 'INIA19 rhesus macaque T1-weighted brain template, 0.5 mm, skull-stripped', inDefaultDataset: true },
  { id: 'cranium-ct', debianPackage: 'invesalius-examples', path: 'usr/share/doc/invesalius-examples/examples/Cranium.inv3', format: 'inv3', subject: 'promed-ct-0051', modality: 'CT', description: 'Head CT (ProMED CT 0051), HU, 108x256x256, 0.957x0.957x1.5 mm', inDefaultDataset: true },
  { id: 'stent-cta', debianPackage: 'python3-imageio', path: `${PY}/imageio/resources/images/stent.npz`, format: 'npz', subject: 'imageio-stent', modality: 'CT', description: 'Abdominal CT angiography with a stent, int16 stored values (0..2000), 256x128x128, spacing not recorded', inDefaultDataset: true },
  { id: 'piesno-dwi', debianPackage: 'python3-dipy', path: `${PY}/dipy/data/files/test_piesno.nii.gz`, format: 'nifti', subject: 'dipy-piesno', modality: 'MR', description: 'Noisy diffusion-weighted MRI (dipy test data), 96x96x14', inDefaultDataset: true },
  { id: 's0-dwi', debianPackage: 'python3-dipy', path: `${PY}/dipy/data/files/S0_10slices.nii.gz`, format: 'nifti', subject: 'dipy-s0', modality: 'MR', description: 'b=0 diffusion MRI, 10 slices of 128x128, 2 mm in plane', inDefaultDataset: true },
  { id: 'tpm-csf', debianPackage: 'python3-nipype', path: `${PY}/nipype/testing/data/tpm_00.nii.gz`, format: 'nifti', subject: 'nipype-tpm', modality: 'MR', description: 'CSF tissue probability map, 3 mm (a derived map, not an acquisition)', inDefaultDataset: false },
  { id: 'tpm-gm', debianPackage: 'python3-nipype', path: `${PY}/nipype/testing/data/tpm_01.nii.gz`, format: 'nifti', subject: 'nipype-tpm', modality: 'MR', description: 'Grey matter tissue probability map, 3 mm', inDefaultDataset: false },
  { id: 'tpm-wm', debianPackage: 'python3-nipype', path: `${PY}/nipype/testing/data/tpm_02.nii.gz`, format: 'nifti', subject: 'nipype-tpm', modality: 'MR', description: 'White matter tissue probability map, 3 mm', inDefaultDataset: false },
];

/** Folder of pydicom's DICOM test files inside the python3-pydicom package. */
export const PYDICOM_TEST_FILES = `${PY}/pydicom/data/test_files`;

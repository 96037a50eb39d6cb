import type { Mat3 } from '../image.js';
import type { SlicePlane } from './orientations.js';
import type { RawImageSpec } from '../raw/readRaw.js';

/** How an open source's file is read (one reader each; see loadOpenSource). */
export type OpenSourceFormat = 'nifti' | 'inv3' | 'npz' | 'npy' | 'png' | 'metaimage' | 'raw' | 'dicom';

/** An open scan reachable through Debian's archive, and how to read it. */
export interface OpenSource {
  /** Stable id, used in manifests. */
  readonly id: string;
  /** Debian binary package that ships it. */
  readonly debianPackage: DebianPackage;
  /** Path inside the package (as unpacked by `dpkg -x`). */
  readonly path: string;
  readonly format: OpenSourceFormat;
  /**
   * Who was scanned: slices of one subject never straddle splits. Sources that are the same person
   * share a subject: Colin27 at two resolutions, and BrainWeb's simulated slices, whose digital phantom
   * was built from the Colin27 scans.
   */
  readonly subject: string;
  readonly modality: 'MR' | 'CT' | 'NM';
  readonly description: string;
  /** Used by the default `open` datasets (the rest can be chosen by id). */
  readonly inDefaultDataset: boolean;
  /** Used by the `corpus` datasets; a source left out says why in `description`. */
  readonly inCorpus: boolean;
  /** 'simulated' for images rendered from a digital phantom (BrainWeb) rather than acquired. */
  readonly origin?: 'acquired' | 'simulated';
  /** For a 2-D image that records no orientation: the plane it shows (as stored: top row first). */
  readonly plane?: SlicePlane;
  /**
   * The planes the corpus may cut from this volume (default all three). Restricted to the acquired plane
   * where the slice spacing is not recorded or far coarser than the pixels, since other planes would then
   * show distorted or smeared anatomy.
   */
  readonly planes?: readonly SlicePlane[];
  /** 4-D NIfTI: which 3-D volume to read. */
  readonly volumeIndex?: number;
  /** Headerless files: their layout (the file cannot say). */
  readonly raw?: RawImageSpec;
  /** Pixel spacing [column, row] in mm for 2-D images whose file records none, when known. */
  readonly pixelSpacing?: readonly [number, number];
  /**
   * Values below this are padding outside the reconstructed field of view (CT pixel padding), not
   * anatomy; they are raised to it before normalisation so the percentiles see air, not padding.
   */
  readonly floor?: number;
  /**
   * The true directions of the stored axes (row-major, LPS; see Volume) where the file records none or
   * a wrong one. Applied by the corpus builder only: loadOpenSource returns the file's own geometry, so
   * the `open` datasets and sample studies, built before this was known, stay as their manifests say.
   */
  readonly direction?: Mat3;
  /** Scanner maker where the file records it (to choose a test split with scanners never trained on). */
  readonly scanner?: string;
}

export const DEBIAN_PACKAGES = [
  'mricron-data',
  'invesalius-examples',
  'python3-imageio',
  'python3-dipy',
  'python3-nipype',
  'python3-pydicom',
  'insighttoolkit5-examples',
  'python3-nibabel',
  'python-matplotlib-data',
] as const;
export type DebianPackage = (typeof DEBIAN_PACKAGES)[number];

const PY = 'usr/lib/python3/dist-packages';
const ITK = 'usr/share/doc/insighttoolkit5-examples/examples/Data';
const NIBABEL = `${PY}/nibabel/tests/data`;
/** Folder of pydicom's DICOM test files inside the python3-pydicom package. */
export const PYDICOM_TEST_FILES = `${PY}/pydicom/data/test_files`;

export const OPEN_SOURCES: readonly OpenSource[] = [
  // The scans of the default `open` datasets (their entries are unchanged, so those datasets are too).
  { id: 'colin27-t1', debianPackage: 'mricron-data', path: 'usr/share/mricron/templates/ch2.nii.gz', format: 'nifti', subject: 'colin27', modality: 'MR', description: 'Colin27 (ch2) T1-weighted brain MRI, 1 mm, 181x217x181, an average of 27 scans of one person', inDefaultDataset: true, inCorpus: true },
  { id: 'colin27-t1-hires', debianPackage: 'mricron-data', path: 'usr/share/mricron/templates/ch2better.nii.gz', format: 'nifti', subject: 'colin27', modality: 'MR', description: 'Colin27 (ch2better) T1-weighted brain MRI, 0.5 mm, 301x370x316 (not in the corpus: the same scans as ch2, identical once slices are shrunk to 128 px)', inDefaultDataset: false, inCorpus: false },
  { id: 'inia19-t1', debianPackage: 'mricron-data', path: 'usr/share/mricron/templates/inia19-t1-brain.nii.gz', format: 'nifti', subject: 'inia19', modality: 'MR', description: 'INIA19 rhesus macaque T1-weighted brain template, 0.5 mm, skull-stripped', inDefaultDataset: true, inCorpus: true },
  { id: 'cranium-ct', debianPackage: 'invesalius-examples', path: 'usr/share/doc/invesalius-examples/examples/Cranium.inv3', format: 'inv3', subject: 'promed-ct-0051', modality: 'CT', description: 'Head CT (ProMED CT 0051), HU, 108x256x256, 0.957x0.957x1.5 mm; rows run posterior to anterior (the face is at the bottom, the head rest at the top)', inDefaultDataset: true, inCorpus: true, direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] },
  { id: 'stent-cta', debianPackage: 'python3-imageio', path: `${PY}/imageio/resources/images/stent.npz`, format: 'npz', subject: 'imageio-stent', modality: 'CT', description: 'Abdominal CT angiography with a stent, int16 stored values (0..2000), 256x128x128, spacing not recorded', inDefaultDataset: true, inCorpus: true, planes: ['axial'] },
  { id: 'piesno-dwi', debianPackage: 'python3-dipy', path: `${PY}/dipy/data/files/test_piesno.nii.gz`, format: 'nifti', subject: 'dipy-piesno', modality: 'MR', description: 'Noisy diffusion-weighted MRI (dipy test data), 96x96x14, voxel size not recorded (1 mm nominal)', inDefaultDataset: true, inCorpus: true, planes: ['axial'] },
  { id: 's0-dwi', debianPackage: 'python3-dipy', path: `${PY}/dipy/data/files/S0_10slices.nii.gz`, format: 'nifti', subject: 'dipy-s0', modality: 'MR', description: 'b=0 diffusion MRI, 10 slices of 128x128, 2 mm in plane, 53 mm between slices', inDefaultDataset: true, inCorpus: true, planes: ['axial'] },
  { id: 'tpm-csf', debianPackage: 'python3-nipype', path: `${PY}/nipype/testing/data/tpm_00.nii.gz`, format: 'nifti', subject: 'nipype-tpm', modality: 'MR', description: 'CSF tissue probability map, 3 mm (a derived map, not an acquisition: not in the corpus)', inDefaultDataset: false, inCorpus: false },
  { id: 'tpm-gm', debianPackage: 'python3-nipype', path: `${PY}/nipype/testing/data/tpm_01.nii.gz`, format: 'nifti', subject: 'nipype-tpm', modality: 'MR', description: 'Grey matter tissue probability map, 3 mm (derived: not in the corpus)', inDefaultDataset: false, inCorpus: false },
  { id: 'tpm-wm', debianPackage: 'python3-nipype', path: `${PY}/nipype/testing/data/tpm_02.nii.gz`, format: 'nifti', subject: 'nipype-tpm', modality: 'MR', description: 'White matter tissue probability map, 3 mm (derived: not in the corpus)', inDefaultDataset: false, inCorpus: false },

  // ITK Software Guide example data (insighttoolkit5-examples). The 181 x 217 brain slices are BrainWeb
  // simulations (1 mm) of the digital phantom built from the Colin27 scans, hence subject colin27.
  { id: 'brainweb-t1-slice', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/BrainT1Slice.png`, format: 'png', subject: 'colin27', modality: 'MR', origin: 'simulated', plane: 'axial', pixelSpacing: [1, 1], description: 'BrainWeb simulated T1-weighted axial brain slice, 181x217, 1 mm (ITK example; grey stored as RGB)', inDefaultDataset: false, inCorpus: true },
  { id: 'brainweb-pd-slice', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/BrainProtonDensitySlice.png`, format: 'png', subject: 'colin27', modality: 'MR', origin: 'simulated', plane: 'axial', pixelSpacing: [1, 1], description: 'BrainWeb simulated proton-density axial brain slice, 181x217, 1 mm (ITK example; grey palette)', inDefaultDataset: false, inCorpus: true },
  { id: 'brainweb-pd-3slices', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/BrainProtonDensity3Slices.mha`, format: 'metaimage', subject: 'colin27', modality: 'MR', origin: 'simulated', description: 'BrainWeb simulated proton-density brain MRI, 3 axial slices of 181x217, 1 mm, uint8 (MetaImage + .raw)', inDefaultDataset: false, inCorpus: true },
  { id: 'itk-midsagittal', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/BrainMidSagittalSlice.png`, format: 'png', subject: 'colin27', modality: 'MR', plane: 'sagittal', description: 'Mid-sagittal T1-weighted brain slice, 217x180, 8-bit (ITK example; 217 px is BrainWeb\'s anterior-posterior size, so taken as Colin27/BrainWeb)', inDefaultDataset: false, inCorpus: true },
  { id: 'itk-fat-mri', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/FatMRISlice.png`, format: 'png', subject: 'itk-fat-mri', modality: 'MR', plane: 'axial', description: 'Axial abdominal MRI slice (fat bright), 256x256, 8-bit, spacing not recorded (ITK example)', inDefaultDataset: false, inCorpus: true },
  { id: 'itk-rat-lung-1', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/RatLungSlice1.mha`, format: 'metaimage', subject: 'itk-rat-lung', modality: 'MR', plane: 'coronal', description: 'Coronal MRI slice of a rat thorax (lungs dark, fat bright), 128x128, 8-bit, nominal 1 mm (ITK registration example, slice 1 of 2)', inDefaultDataset: false, inCorpus: true },
  { id: 'itk-rat-lung-2', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/RatLungSlice2.mha`, format: 'metaimage', subject: 'itk-rat-lung', modality: 'MR', plane: 'coronal', description: 'Coronal MRI slice of the same rat thorax, 128x128, 8-bit (slice 2 of 2)', inDefaultDataset: false, inCorpus: true },
  { id: 'itk-kmeans-t1', debianPackage: 'insighttoolkit5-examples', path: `${ITK}/KmeansTest_T1UCharRaw.nii.gz`, format: 'nifti', subject: 'itk-kmeans-t1', modality: 'MR', description: 'T1-weighted head MRI, 128x128x62, 2x2x3 mm (coronal acquisition), 8-bit (ITK k-means example)', inDefaultDataset: false, inCorpus: true },

  // nibabel's test data (python3-nibabel).
  { id: 'nibabel-anatomical', debianPackage: 'python3-nibabel', path: `${NIBABEL}/anatomical.nii`, format: 'nifti', subject: 'nibabel-spm-anat', modality: 'MR', description: 'T1-weighted brain MRI, spatially normalised by SPM, 33x41x25 at 2 mm, big-endian int16 (a crop around the basal ganglia)', inDefaultDataset: false, inCorpus: true },
  { id: 'nibabel-example4d', debianPackage: 'python3-nibabel', path: `${NIBABEL}/example4d.nii.gz`, format: 'nifti', volumeIndex: 0, subject: 'nibabel-fsl-example', modality: 'MR', description: 'Functional (EPI, T2*-weighted) brain MRI, 128x96x24, 2x2x2.2 mm, first of its 2 volumes (the second is the same image 2 s later)', inDefaultDataset: false, inCorpus: true },

  // dipy (python3-dipy).
  { id: 'dipy-aniso-t1', debianPackage: 'python3-dipy', path: `${PY}/dipy/data/files/aniso_vox.nii.gz`, format: 'nifti', subject: 'dipy-aniso', modality: 'MR', description: 'T1-weighted head MRI with anisotropic voxels, 58x58x24, 4x4x5 mm (dipy reslicing example)', inDefaultDataset: false, inCorpus: true },
  { id: 'dipy-t1-coronal', debianPackage: 'python3-dipy', path: `${PY}/dipy/data/files/t1_coronal_slice.npy`, format: 'npy', subject: 'dipy-t1-coronal', modality: 'MR', plane: 'coronal', description: 'Skull-stripped coronal T1-weighted brain slice, 256x256 float64 in [0, 1], spacing not recorded (dipy registration example)', inDefaultDataset: false, inCorpus: true },

  // matplotlib's sample data (python-matplotlib-data): a headerless 16-bit big-endian slice.
  { id: 'mpl-s1045', debianPackage: 'python-matplotlib-data', path: 'usr/share/matplotlib/mpl-data/sample_data/s1045.ima.gz', format: 'raw', raw: { shape: [256, 256], dtype: '>u2', gzip: true }, subject: 'matplotlib-s1045', modality: 'MR', plane: 'sagittal', description: 'Sagittal head MRI slice, 256x256, 16-bit big-endian raw (values 0..215), spacing not recorded (matplotlib\'s MRI demo)', inDefaultDataset: false, inCorpus: true },

  // pydicom's DICOM test files (python3-pydicom): one file per distinct image (the other MR_small_*
  // files are the same pixels in other transfer syntaxes).
  { id: 'nema-mr1', debianPackage: 'python3-pydicom', path: `${PYDICOM_TEST_FILES}/MR_small.dcm`, format: 'dicom', subject: 'nema-mr1', modality: 'MR', scanner: 'TOSHIBA_MEC', description: 'MR slice, 64x64 downsized from NEMA WG04 MR1 (CompressedSamples^MR1), 0.31 mm', inDefaultDataset: false, inCorpus: true },
  { id: 'nema-ct1', debianPackage: 'python3-pydicom', path: `${PYDICOM_TEST_FILES}/CT_small.dcm`, format: 'dicom', subject: 'nema-ct1', modality: 'CT', scanner: 'GE MEDICAL SYSTEMS', description: 'Thoracic CT slice, HU, 128x128 downsized from NEMA WG04 CT1 (CompressedSamples^CT1), 0.66 mm', inDefaultDataset: false, inCorpus: true },
  { id: 'cq500-ct-310', debianPackage: 'python3-pydicom', path: `${PYDICOM_TEST_FILES}/693_J2KI.dcm`, format: 'dicom', subject: 'cq500-ct-310', modality: 'CT', floor: -1024, description: 'Axial head CT slice from the CQ500 collection (patient CQ500-CT-310), HU, 512x512, 0.49 mm, lossy JPEG 2000; padding outside the scan circle raised to -1024 HU. The terms of the CQ500 collection itself are reportedly non-commercial (CC BY-NC-SA 4.0)', inDefaultDataset: false, inCorpus: true },
  { id: 'nema-nm1', debianPackage: 'python3-pydicom', path: `${PYDICOM_TEST_FILES}/JPEG2000.dcm`, format: 'dicom', subject: 'nema-nm1', modality: 'NM', plane: 'coronal', scanner: 'GE Medical Systems', description: 'Planar whole-body bone scintigram (nuclear medicine), 1024x256, 2.26 mm, from NEMA WG04 NM1 (lossy JPEG 2000)', inDefaultDataset: false, inCorpus: true },
];

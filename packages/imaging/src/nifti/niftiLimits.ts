/**
 * What readNifti will allocate at most. A header can claim any size (a 1 MB .nii.gz claiming
 * 16384 x 16384 x 2 voxels took 5.3 GB before these existed), so the claim is checked against these
 * before anything is inflated or allocated. The defaults fit every brain MRI and CT volume in use;
 * raise them for bigger data.
 */
export interface NiftiLimits {
  /** Largest size of any one of the three spatial dimensions. */
  readonly maxDimension: number;
  /** Most voxels in the 3-D volume read (each becomes 4 bytes of Float32Array). */
  readonly maxVoxels: number;
  /** Most bytes inflated from a .nii.gz, or read from a .nii: header and voxels up to the volume read. */
  readonly maxBytes: number;
}

export const DEFAULT_NIFTI_LIMITS: NiftiLimits = Object.freeze({
  maxDimension: 8192,
  // 1 GiB as float32.
  maxVoxels: 256 * 1024 * 1024,
  maxBytes: 2 * 1024 * 1024 * 1024,
});

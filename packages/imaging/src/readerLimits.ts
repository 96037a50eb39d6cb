/**
 * What the readers will allocate at most. A header can claim any size (a 1 MB .nii.gz claiming
 * 16384 x 16384 x 2 voxels took 5.3 GB before these existed; a DICOM header may claim 65535 x 65535
 * pixels for a compressed frame), so the claim is checked against these before anything of that
 * size is inflated, decoded or allocated. The defaults fit every brain MRI and CT volume in use;
 * raise them per call for bigger data.
 */
export interface ReaderLimits {
  /** Largest size of any one spatial dimension (NIfTI x, y, z; DICOM Rows and Columns). */
  readonly maxDimension: number;
  /** Most voxels read from one file (each becomes 4 bytes of Float32Array). */
  readonly maxVoxels: number;
  /** Most bytes inflated from a .nii.gz, or read from a .nii: header and voxels up to the volume read. */
  readonly maxBytes: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = Object.freeze({
  maxDimension: 8192,
  // 1 GiB as float32.
  maxVoxels: 256 * 1024 * 1024,
  maxBytes: 2 * 1024 * 1024 * 1024,
});

/** What a NIfTI header claims about size, read from its first bytes without the full reader. */
export interface NiftiClaims {
  readonly version: 1 | 2;
  readonly littleEndian: boolean;
  /** dim[0..7] as written. */
  readonly dims: readonly number[];
  readonly datatypeCode: number;
  readonly voxOffset: number;
}

/** Bytes needed for niftiClaims: the NIfTI-2 header and its extension flag. */
export const CLAIMS_BYTES = 544;

/**
 * Reads dim, datatype and vox_offset from the fixed header layout (NIfTI-1: sizeof_hdr 348, dim at
 * 40, datatype at 70, vox_offset float32 at 108; NIfTI-2: sizeof_hdr 540, datatype at 12, dim int64
 * at 16, vox_offset int64 at 168), so sizes can be checked before the rest of a .nii.gz is inflated.
 * Undefined when the bytes are not a NIfTI header.
 */
export function niftiClaims(head: Uint8Array): NiftiClaims | undefined {
  if (head.length < 348) return undefined;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (const littleEndian of [true, false]) {
    const size = v.getInt32(0, littleEndian);
    if (size === 348) {
      const dims = Array.from({ length: 8 }, (_, i) => v.getInt16(40 + 2 * i, littleEndian));
      return { version: 1, littleEndian, dims, datatypeCode: v.getInt16(70, littleEndian), voxOffset: v.getFloat32(108, littleEndian) };
    }
    if (size === 540 && head.length >= 540) {
      const dims = Array.from({ length: 8 }, (_, i) => Number(v.getBigInt64(16 + 8 * i, littleEndian)));
      return { version: 2, littleEndian, dims, datatypeCode: v.getInt16(12, littleEndian), voxOffset: Number(v.getBigInt64(168, littleEndian)) };
    }
  }
  return undefined;
}

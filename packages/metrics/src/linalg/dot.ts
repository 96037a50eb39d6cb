/**
 * Dot product of a[ia .. ia + n) and b[ib .. ib + n), with four partial sums
 * so V8 keeps several multiply-adds in flight (the hot loop of every product here).
 */
export function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += (a[ia + k] as number) * (b[ib + k] as number);
    s1 += (a[ia + k + 1] as number) * (b[ib + k + 1] as number);
    s2 += (a[ia + k + 2] as number) * (b[ib + k + 2] as number);
    s3 += (a[ia + k + 3] as number) * (b[ib + k + 3] as number);
  }
  for (; k < n; k++) s0 += (a[ia + k] as number) * (b[ib + k] as number);
  return s0 + s1 + s2 + s3;
}

/** Columns [0, width) of a row-major matrix with `rows` rows and row stride `stride`, transposed: width x rows. */
export function transposeColumns(m: Float64Array, rows: number, stride: number, width: number): Float64Array {
  const out = new Float64Array(width * rows);
  for (let i = 0; i < rows; i++) {
    const row = i * stride;
    for (let j = 0; j < width; j++) out[j * rows + i] = m[row + j] as number;
  }
  return out;
}

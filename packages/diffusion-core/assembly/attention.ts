// AssemblyScript (compiled to WebAssembly with SIMD by scripts/buildAttentionWasm.ts; the bytes are
// committed in src/runtime/wasmGradients/attentionWasm.ts, and a test checks they match this file).
// Scaled dot-product attention of one head: o = softmax(q kT) v, q already scaled. f32 in linear
// memory: q [n, d], kT [d, n] (the keys transposed), v [n, d], o [n, d], scratch s [4, n]; n % 8 == 0
// and d % 16 == 0. Four query rows at a time: their scores against 8 keys per pass over d, a softmax
// of each row in the scratch, then the weighted sum of v for two rows at a time. The N x N scores are
// never stored, and the arithmetic runs on 4-lane SIMD, where the XNNPACK path (attention.ts) spends
// most of its time on a K = d product and a separate softmax over a 4 MB score matrix.

/** Where the caller may place its arrays: after this module's own static data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** e^x for x <= 0 (clamped at -87), 4 lanes, within a few ulp. */
@inline function exp4(x: v128): v128 {
  // 2^k e^r with k = round(x log2 e) found by the 1.5 x 2^23 trick (its bits then hold k too), r = x - k ln 2.
  x = f32x4.pmax(x, f32x4.splat(-87.0));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.4426950408889634)), f32x4.splat(12582912.0));
  const kf = f32x4.sub(t, f32x4.splat(12582912.0));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(kf, f32x4.splat(0.693145751953125))), f32x4.mul(kf, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.splat(1.3888889e-3);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3333333e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1666667e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666667e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  return f32x4.mul(p, i32x4.shl(i32x4.sub(t, i32x4.splat(0x4B3FFF81)), 23));
}

/** Row r of s becomes exp(s - max); returns 1 / the row's sum. */
@inline function softmaxRow(row: usize, n: i32): f32 {
  let m = f32x4.splat(-Infinity);
  for (let j = 0; j < n; j += 4) m = f32x4.pmax(m, v128.load(row + (<usize>j << 2)));
  const ms = f32x4.splat(max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3))));
  let sum = f32x4.splat(0);
  for (let j = 0; j < n; j += 4) {
    const at = row + (<usize>j << 2);
    const p = exp4(f32x4.sub(v128.load(at), ms));
    v128.store(at, p);
    sum = f32x4.add(sum, p);
  }
  return 1.0 / (f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3));
}

/** o rows r0, r0+1 (16 channels from c0) = p rows (scratch rows pr, pr+1) times v, scaled. */
@inline function pv2(s: usize, pr: i32, v: usize, o: usize, r0: i32, c0: i32, n: i32, d: i32, inv0: f32, inv1: f32): void {
  const rowBytes = <usize>n << 2;
  const p0 = s + <usize>pr * rowBytes;
  const p1 = p0 + rowBytes;
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
  const dBytes = <usize>d << 2;
  let vp = v + (<usize>c0 << 2);
  for (let j = 0; j < n; j++) {
    const v0 = v128.load(vp), v1 = v128.load(vp, 16), v2 = v128.load(vp, 32), v3 = v128.load(vp, 48);
    const s0 = v128.load32_splat(p0 + (<usize>j << 2));
    const s1 = v128.load32_splat(p1 + (<usize>j << 2));
    a0 = f32x4.add(a0, f32x4.mul(s0, v0)); a1 = f32x4.add(a1, f32x4.mul(s0, v1));
    a2 = f32x4.add(a2, f32x4.mul(s0, v2)); a3 = f32x4.add(a3, f32x4.mul(s0, v3));
    b0 = f32x4.add(b0, f32x4.mul(s1, v0)); b1 = f32x4.add(b1, f32x4.mul(s1, v1));
    b2 = f32x4.add(b2, f32x4.mul(s1, v2)); b3 = f32x4.add(b3, f32x4.mul(s1, v3));
    vp += dBytes;
  }
  const i0 = f32x4.splat(inv0), i1 = f32x4.splat(inv1);
  const o0 = o + (<usize>(r0 * d + c0) << 2);
  const o1 = o0 + dBytes;
  v128.store(o0, f32x4.mul(a0, i0)); v128.store(o0, f32x4.mul(a1, i0), 16); v128.store(o0, f32x4.mul(a2, i0), 32); v128.store(o0, f32x4.mul(a3, i0), 48);
  v128.store(o1, f32x4.mul(b0, i1)); v128.store(o1, f32x4.mul(b1, i1), 16); v128.store(o1, f32x4.mul(b2, i1), 32); v128.store(o1, f32x4.mul(b3, i1), 48);
}

export function attention(q: usize, kT: usize, v: usize, o: usize, s: usize, n: i32, d: i32): void {
  const rowBytes = <usize>n << 2;
  const dBytes = <usize>d << 2;
  for (let i = 0; i < n; i += 4) {
    const q0 = q + <usize>i * dBytes;
    for (let j = 0; j < n; j += 8) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), e0 = f32x4.splat(0), e1 = f32x4.splat(0);
      let kp = kT + (<usize>j << 2);
      let qp = q0;
      for (let c = 0; c < d; c++) {
        const k0 = v128.load(kp), k1 = v128.load(kp, 16);
        const s0 = v128.load32_splat(qp), s1 = v128.load32_splat(qp + dBytes);
        const s2 = v128.load32_splat(qp + 2 * dBytes), s3 = v128.load32_splat(qp + 3 * dBytes);
        a0 = f32x4.add(a0, f32x4.mul(s0, k0)); a1 = f32x4.add(a1, f32x4.mul(s0, k1));
        b0 = f32x4.add(b0, f32x4.mul(s1, k0)); b1 = f32x4.add(b1, f32x4.mul(s1, k1));
        c0 = f32x4.add(c0, f32x4.mul(s2, k0)); c1 = f32x4.add(c1, f32x4.mul(s2, k1));
        e0 = f32x4.add(e0, f32x4.mul(s3, k0)); e1 = f32x4.add(e1, f32x4.mul(s3, k1));
        kp += rowBytes;
        qp += 4;
      }
      const sp = s + (<usize>j << 2);
      v128.store(sp, a0); v128.store(sp, a1, 16);
      v128.store(sp + rowBytes, b0); v128.store(sp + rowBytes, b1, 16);
      v128.store(sp + 2 * rowBytes, c0); v128.store(sp + 2 * rowBytes, c1, 16);
      v128.store(sp + 3 * rowBytes, e0); v128.store(sp + 3 * rowBytes, e1, 16);
    }
    const inv0 = softmaxRow(s, n), inv1 = softmaxRow(s + rowBytes, n);
    const inv2 = softmaxRow(s + 2 * rowBytes, n), inv3 = softmaxRow(s + 3 * rowBytes, n);
    for (let c = 0; c < d; c += 16) {
      pv2(s, 0, v, o, i, c, n, d, inv0, inv1);
      pv2(s, 2, v, o, i + 2, c, n, d, inv2, inv3);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { attentionModuleSource, compileAttentionWasm } from '../../../scripts/buildAttentionWasm';
import { ATTENTION_WASM_BASE64 } from './attentionWasm';
import { simdAttention, simdAttentionFits } from './attentionSimd';

/** softmax(scale q k^T) v in float64, from token-major [n, d] arrays. */
function reference(q: Float32Array, k: Float32Array, v: Float32Array, n: number, d: number, scale: number): Float64Array {
  const o = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = new Float64Array(n);
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      let a = 0;
      for (let c = 0; c < d; c++) a += q[i * d + c]! * scale * k[j * d + c]!;
      s[j] = a;
      max = Math.max(max, a);
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += s[j] = Math.exp(s[j]! - max);
    for (let c = 0; c < d; c++) {
      let a = 0;
      for (let j = 0; j < n; j++) a += s[j]! * v[j * d + c]!;
      o[i * d + c] = a / sum;
    }
  }
  return o;
}

function seeded(length: number, seed: number, spread: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x / 2147483648 - 0.5) * 2 * spread;
  });
}

describe('the WebAssembly SIMD attention kernel', () => {
  it('is the compiled assembly/attention.ts: the committed bytes are what asc makes of the source (run build:wasm after editing it)', async () => {
    const bytes = await compileAttentionWasm();
    expect(ATTENTION_WASM_BASE64).toBe(Buffer.from(bytes).toString('base64'));
    expect(attentionModuleSource(bytes)).toContain(ATTENTION_WASM_BASE64);
    // Browsers compile modules under 4 kB synchronously on the main thread, as attentionSimd.ts does.
    expect(bytes.length).toBeLessThan(4096);
  }, 60_000);

  it('runs in Node, for token counts divisible by 8 and depths by 16 only', () => {
    expect(simdAttentionFits(1024, 16)).toBe(true);
    expect(simdAttentionFits(256, 32)).toBe(true);
    expect(simdAttentionFits(1020, 16)).toBe(false);
    expect(simdAttentionFits(1024, 8)).toBe(false);
  });

  it.each([
    { n: 64, d: 16, spread: 1, tolerance: 1e-6 },
    { n: 256, d: 32, spread: 1, tolerance: 1e-6 },
    // Logits in the hundreds: most weights underflow (the kernel clamps exponents at -87) and one key
    // dominates; float32 scores of that size are only good to about 1e-5, whoever computes them.
    { n: 128, d: 16, spread: 30, tolerance: 1e-4 },
  ])('matches softmax(q k^T / sqrt d) v in float64 to $tolerance for $n tokens of depth $d (q, k, v spread $spread), read and written through strided views', ({ n, d, spread, tolerance }) => {
    const q = seeded(n * d, 1, spread);
    const k = seeded(n * d, 2, spread);
    const v = seeded(n * d, 3, 1);
    // Packed as the kernel finds them: per token, q | k | v side by side, after an offset.
    const stride = 3 * d + 5;
    const packed = new Float32Array(7 + n * stride);
    for (let t = 0; t < n; t++) {
      packed.set(q.subarray(t * d, (t + 1) * d), 7 + t * stride);
      packed.set(k.subarray(t * d, (t + 1) * d), 7 + t * stride + d);
      packed.set(v.subarray(t * d, (t + 1) * d), 7 + t * stride + 2 * d);
    }
    const out = new Float32Array(3 + n * (d + 2)).fill(Number.NaN);
    const scale = 1 / Math.sqrt(d);
    simdAttention({ data: packed, start: 7, stride }, { data: packed, start: 7 + d, stride }, { data: packed, start: 7 + 2 * d, stride }, { data: out, start: 3, stride: d + 2 }, n, d, scale);
    const want = reference(q, k, v, n, d, scale);
    let worst = 0;
    for (let t = 0; t < n; t++) for (let c = 0; c < d; c++) worst = Math.max(worst, Math.abs(out[3 + t * (d + 2) + c]! - want[t * d + c]!));
    expect(worst).toBeLessThan(tolerance);
    // Only the output's own entries were written.
    expect(Number.isNaN(out[0]!) && Number.isNaN(out[3 + d]!)).toBe(true);
  });
});

import { ATTENTION_WASM_BASE64 } from './attentionWasm.js';

/**
 * The attention forward of one head on WebAssembly SIMD (assembly/attention.ts): scores, softmax and
 * the weighted sum in one pass over blocks of 4 query rows, never storing the N x N scores. About
 * twice as fast as the XNNPACK path for 1024 tokens of depth 16 and three times for 256 of depth 32
 * (`npx tsx bench/attention.ts`). Its own small module and memory: q, k and v are copied in (k
 * transposed) and the output copied out, a few hundred kB against milliseconds of arithmetic.
 */
interface SimdModule {
  readonly memory: WebAssembly.Memory;
  readonly heapBase: () => number;
  readonly attention: (q: number, kT: number, v: number, o: number, s: number, n: number, d: number) => void;
}

let compiled: SimdModule | null | undefined;

/** The module, compiled synchronously on first use (under 4 kB, which browsers allow on the main thread); null without WebAssembly SIMD. */
function simdModule(): SimdModule | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(ATTENTION_WASM_BASE64), (c) => c.charCodeAt(0));
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: {
          abort: () => {
            throw new Error('attention kernel: WebAssembly abort');
          },
        },
      });
      compiled = instance.exports as unknown as SimdModule;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether one head of `tokens` x `depth` runs here: the kernel's blocking needs tokens % 8 and depth % 16 to be 0. */
export function simdAttentionFits(tokens: number, depth: number): boolean {
  return tokens % 8 === 0 && depth % 16 === 0 && simdModule() !== null;
}

/** Where one head's values lie in a channels-last array: element (token t, channel c) at start + t * stride + c. */
export interface HeadView {
  readonly data: Float32Array;
  readonly start: number;
  readonly stride: number;
}

/**
 * o = softmax(scale q k^T) v for one head of `tokens` x `depth` (check simdAttentionFits first),
 * reading q, k, v and writing o through their views.
 */
export function simdAttention(q: HeadView, k: HeadView, v: HeadView, o: HeadView, tokens: number, depth: number, scale: number): void {
  const m = simdModule()!;
  const n = tokens;
  const d = depth;
  const base = m.heapBase();
  const bytes = 4 * (4 * n * d + 4 * n);
  const missing = base + bytes - m.memory.buffer.byteLength;
  if (missing > 0) m.memory.grow(Math.ceil(missing / 65536));
  const heap = new Float32Array(m.memory.buffer);
  const [qAt, kAt, vAt, oAt, sAt] = [0, 1, 2, 3, 4].map((i) => base / 4 + i * n * d);
  for (let t = 0; t < n; t++) {
    const qs = q.start + t * q.stride;
    const ks = k.start + t * k.stride;
    const vs = v.start + t * v.stride;
    for (let c = 0; c < d; c++) {
      heap[qAt! + t * d + c] = q.data[qs + c]! * scale;
      heap[kAt! + c * n + t] = k.data[ks + c]!;
      heap[vAt! + t * d + c] = v.data[vs + c]!;
    }
  }
  m.attention(4 * qAt!, 4 * kAt!, 4 * vAt!, 4 * oAt!, 4 * sAt!, n, d);
  for (let t = 0; t < n; t++) o.data.set(heap.subarray(oAt! + t * d, oAt! + (t + 1) * d), o.start + t * o.stride);
}

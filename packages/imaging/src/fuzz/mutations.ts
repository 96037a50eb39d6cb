import fc from 'fast-check';

/**
 * Damage done to a real file by the fuzz suites: cut it short, flip bits, or overwrite a few bytes
 * (at random places, or inside the first `headerBytes`, where the fields that size allocations live).
 * The seed and case count are fixed in each suite, so a failure repeats exactly in CI.
 */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; bits: { at: number; bit: number }[] }
  | { kind: 'overwrite'; at: number; bytes: number[] };

export function mutationArb(length: number, headerBytes: number): fc.Arbitrary<Mutation> {
  const anywhere = fc.nat({ max: length - 1 });
  const inHeader = fc.nat({ max: Math.min(headerBytes, length) - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: anywhere }),
    fc.record({ kind: fc.constant('flip' as const), bits: fc.array(fc.record({ at: fc.oneof(anywhere, inHeader), bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('overwrite' as const), at: fc.oneof(inHeader, anywhere), bytes: fc.array(fc.oneof(fc.constantFrom(0x00, 0xff, 0x7f, 0x80), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }) }),
  );
}

export function applyMutation(original: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'truncate') return original.slice(0, m.at);
  const out = original.slice();
  if (m.kind === 'flip') for (const { at, bit } of m.bits) out[at] = out[at]! ^ (1 << bit);
  else m.bytes.forEach((b, i) => { if (m.at + i < out.length) out[m.at + i] = b; });
  return out;
}

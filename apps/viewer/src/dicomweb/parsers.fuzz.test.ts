import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import dcmjs from 'dcmjs';
import { writeFixtureSeries } from '../testing/fixtures.js';
import { DicomFolderStore } from './dicomFolderStore.js';
import { encodeMultipart, MultipartError, parseMultipart } from '@meddiff/imaging/node';
import { pixelDataProblem } from './pixelDataLength.js';

// Damaged input must end in a typed refusal or a valid result, never an exception or a stored
// broken instance. Fixed seed, bounded runs.
const RUNS = { seed: 19, numRuns: 300 } as const;

type Mutation = { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; bit: number } | { kind: 'overwrite'; at: number; bytes: number[] };

function mutationArb(length: number): fc.Arbitrary<Mutation> {
  const at = fc.nat({ max: length - 1 });
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('overwrite' as const), at, bytes: fc.array(fc.oneof(fc.constantFrom(0x00, 0xff, 0x2d, 0x0d, 0x0a), fc.nat({ max: 255 })), { minLength: 1, maxLength: 6 }) }),
  );
}

function apply(original: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'truncate') return original.slice(0, m.at);
  const out = original.slice();
  if (m.kind === 'flip') out[m.at] = out[m.at]! ^ (1 << m.bit);
  else m.bytes.forEach((b, i) => { if (m.at + i < out.length) out[m.at + i] = b; });
  return out;
}

const fixture = writeFixtureSeries();
// dcmjs reports every damaged value representation it meets, and the store logs each refusal.
beforeAll(() => {
  dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
  for (const level of ['log', 'warn', 'info'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
});
afterAll(() => {
  dcmjs.log.getLogger('validation.dcmjs').setLevel('warn');
  vi.restoreAllMocks();
});
const instance = new Uint8Array(readFileSync(fixture.files[0]!));

describe('fuzz: multipart/related parser', () => {
  const type = 'multipart/related; type="application/dicom"; boundary=fuzzb';
  const body = new Uint8Array(encodeMultipart([{ headers: { 'Content-Type': 'application/dicom' }, body: instance }, { headers: { 'Content-Type': 'application/dicom' }, body: instance.subarray(0, 64) }], 'fuzzb'));

  it('a damaged body gives parts that lie inside it, or a MultipartError', () => {
    fc.assert(
      fc.property(mutationArb(body.length), (m) => {
        const damaged = Buffer.from(apply(body, m));
        try {
          const parts = parseMultipart(damaged, type);
          const total = parts.reduce((n, p) => n + p.body.length, 0);
          expect(total).toBeLessThanOrEqual(damaged.length);
        } catch (e) {
          if (!(e instanceof MultipartError)) throw e;
        }
      }),
      RUNS,
    );
  });
});

describe('fuzz: STOW-RS instance check', () => {
  it('a damaged instance is refused with a reason, or stored whole: never a throw, never a short Pixel Data', () => {
    const stowDir = mkdtempSync(join(tmpdir(), 'meddiff-fuzz-stow-'));
    const store = new DicomFolderStore([], stowDir).load();
    fc.assert(
      fc.property(mutationArb(instance.length), (m) => {
        const damaged = apply(instance, m);
        const outcome = store.store(damaged);
        if (!outcome.ok) {
          expect(outcome.reason).toBeGreaterThan(0);
          expect(outcome.message.length).toBeGreaterThan(0);
          return;
        }
        const bytes = readFileSync(outcome.record.file);
        expect(outcome.record.file.startsWith(stowDir)).toBe(true);
        const parsed = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        expect(pixelDataProblem(parsed.dict, outcome.record.transferSyntax, bytes)).toBeUndefined();
      }),
      RUNS,
    );
    // Every file the store wrote lies in <stow>/<study>/<series>/.
    for (const f of readdirSync(stowDir, { recursive: true }).map(String)) {
      const depth = f.split('/').length;
      expect(depth < 3 || (depth === 3 && f.endsWith('.dcm')), f).toBe(true);
    }
  });
});

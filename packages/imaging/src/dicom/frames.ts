import { CorruptPixelDataError, UnsupportedTransferSyntaxError } from '../errors.js';
import type { DecoderMap } from './decoders.js';
import type { NaturalDataset } from './parseDicom.js';
import type { PixelModule } from './pixelModule.js';
import { swapBytes } from './storedValues.js';
import { transferSyntaxInfo } from './transferSyntax.js';

function asU8(x: unknown): Uint8Array | undefined {
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return undefined;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Whether a fragment starts a new compressed frame (a JPEG SOI or a JPEG 2000 codestream SOC marker). */
function startsFrame(f: Uint8Array): boolean {
  return f.length >= 2 && f[0] === 0xff && (f[1] === 0xd8 || f[1] === 0x4f);
}

/**
 * Groups encapsulated fragments into frames. dcmjs already groups them when the Basic Offset Table is
 * filled; without it every fragment comes separately and a frame may span several.
 */
function groupFragments(fragments: readonly Uint8Array[], nFrames: number, file?: string): Uint8Array[] {
  if (fragments.length === nFrames) return [...fragments];
  if (nFrames === 1) return [concat(fragments)];
  const frames: Uint8Array[][] = [];
  for (const f of fragments) {
    if (frames.length === 0 || startsFrame(f)) frames.push([f]);
    else frames[frames.length - 1]!.push(f);
  }
  if (frames.length !== nFrames) throw new CorruptPixelDataError(file, `found ${frames.length} compressed frames in ${fragments.length} fragments, NumberOfFrames is ${nFrames}`);
  return frames.map(concat);
}

/** The pixel bytes of every frame, as native little-endian samples (decoded when encapsulated). */
export async function frameBytes(
  ds: NaturalDataset,
  pm: PixelModule,
  transferSyntaxUID: string,
  decoders: DecoderMap,
  file?: string,
): Promise<Uint8Array[]> {
  const info = transferSyntaxInfo(transferSyntaxUID);
  const pd = ds['PixelData'];
  const parts = (Array.isArray(pd) ? pd : [pd]).map(asU8).filter((x): x is Uint8Array => x !== undefined);
  if (parts.length === 0) throw new CorruptPixelDataError(file, 'Pixel Data is empty');
  const nFrames = pm.numberOfFrames;

  if (info.encoding === 'native-le' || info.encoding === 'native-be') {
    const all = concat(parts);
    const frameLen = pm.bitsAllocated === 1 ? Math.ceil((pm.rows * pm.cols) / 8) : (pm.rows * pm.cols * pm.bitsAllocated) / 8;
    // 1-bit frames are packed back to back without padding, so frame k may start mid-byte.
    if (pm.bitsAllocated === 1) {
      const bitsPerFrame = pm.rows * pm.cols;
      if (all.length * 8 < bitsPerFrame * nFrames) throw new CorruptPixelDataError(file, `Pixel Data has ${all.length} bytes, ${nFrames} 1-bit frames need ${Math.ceil((bitsPerFrame * nFrames) / 8)}`);
      const frames: Uint8Array[] = [];
      for (let k = 0; k < nFrames; k++) {
        const out = new Uint8Array(frameLen);
        for (let i = 0; i < bitsPerFrame; i++) {
          const b = k * bitsPerFrame + i;
          if ((all[b >> 3]! >> (b & 7)) & 1) out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
        }
        frames.push(out);
      }
      return frames;
    }
    if (all.length < frameLen * nFrames) {
      throw new CorruptPixelDataError(file, `Pixel Data has ${all.length} bytes, ${nFrames} frame(s) of ${pm.rows}x${pm.cols} at ${pm.bitsAllocated} bits need ${frameLen * nFrames}`);
    }
    const frames: Uint8Array[] = [];
    for (let k = 0; k < nFrames; k++) {
      const f = all.subarray(k * frameLen, (k + 1) * frameLen);
      frames.push(info.encoding === 'native-be' ? swapBytes(f, pm.bitsAllocated / 8) : f);
    }
    return frames;
  }

  const decoder = decoders[info.encoding];
  if (decoder === undefined) throw new UnsupportedTransferSyntaxError(file, transferSyntaxUID, info.name);
  const encoded = groupFragments(parts, nFrames, file);
  const out: Uint8Array[] = [];
  for (const e of encoded) {
    out.push(
      await decoder(e, {
        rows: pm.rows,
        cols: pm.cols,
        bitsAllocated: pm.bitsAllocated,
        bitsStored: pm.bitsStored,
        pixelRepresentation: pm.pixelRepresentation,
        samplesPerPixel: pm.samplesPerPixel,
        transferSyntaxUID,
        ...(file === undefined ? {} : { file }),
      }),
    );
  }
  return out;
}

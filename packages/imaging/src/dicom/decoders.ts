import { CorruptPixelDataError, UnsupportedTransferSyntaxError } from '../errors.js';
import { decodeRleFrame } from './rle.js';
import { transferSyntaxInfo, type PixelEncoding } from './transferSyntax.js';

/** What a decoder needs to know about the frame it decodes. */
export interface FrameInfo {
  readonly rows: number;
  readonly cols: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: 0 | 1;
  readonly samplesPerPixel: number;
  readonly transferSyntaxUID: string;
  /** For messages. */
  readonly file?: string;
}

/**
 * Decodes one encapsulated frame to native little-endian bytes: rows * cols * samplesPerPixel samples of
 * ceil(bitsAllocated / 8) bytes each, samples of a pixel adjacent (PlanarConfiguration 0).
 */
export type FrameDecoder = (encoded: Uint8Array, info: FrameInfo) => Promise<Uint8Array>;

/** Decoders by pixel encoding. Pass your own in `ReadDicomOptions.decoders` to add or replace one. */
export type DecoderMap = Partial<Record<PixelEncoding, FrameDecoder>>;

type CodecKey = 'JpegLSDecoder' | 'J2KDecoder' | 'JPEGDecoder';
type LoadedCodec = Record<string, new () => EmscriptenDecoder>;

// A codec's WebAssembly module is compiled once per process and shared: it holds no configuration.
const codecCache = new Map<CodecKey, Promise<LoadedCodec>>();

function loadCodec(key: CodecKey): Promise<LoadedCodec> {
  let p = codecCache.get(key);
  if (p === undefined) {
    // The `decode` builds embed their WebAssembly as a data URL, so they load in Node and in browsers
    // without having to locate a .wasm file. Imported lazily: nobody pays for a codec they never use.
    // '#codec/…' (package.json `imports`) is the codec package in Node and this package's browser
    // build of it for bundlers (see tsup.config.ts).
    p = (async (): Promise<LoadedCodec> => {
      const mod =
        key === 'JpegLSDecoder'
          ? await import('#codec/charls')
          : key === 'J2KDecoder'
            ? await import('#codec/openjpeg')
            : await import('#codec/libjpeg-turbo-8bit');
      const factory = (mod.default ?? mod) as unknown as (arg?: object) => Promise<LoadedCodec>;
      // Emscripten prints decoder warnings to the console; keep them off the user's terminal.
      return factory({ print: () => undefined, printErr: () => undefined });
    })();
    codecCache.set(key, p);
  }
  return p;
}

function emscriptenDecoder(key: CodecKey, label: string): FrameDecoder {
  return async (encoded, info) => {
    const codec = await loadCodec(key);
    const Ctor = codec[key];
    if (Ctor === undefined) throw new CorruptPixelDataError(info.file, `${label} decoder did not load`);
    const dec = new Ctor();
    try {
      dec.getEncodedBuffer(encoded.length).set(encoded);
      try {
        dec.decode();
      } catch (e) {
        throw new CorruptPixelDataError(info.file, `${label} decoding failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
      }
      const fi = dec.getFrameInfo();
      if (fi.width !== info.cols || fi.height !== info.rows || fi.componentCount !== info.samplesPerPixel) {
        throw new CorruptPixelDataError(
          info.file,
          `${label} stream is ${fi.width}x${fi.height}x${fi.componentCount} but the header says ${info.cols}x${info.rows}x${info.samplesPerPixel}`,
        );
      }
      // The decoded buffer is a view into the codec's memory: copy before the decoder is freed.
      const bytes = dec.getDecodedBuffer().slice();
      const bytesPerSample = fi.bitsPerSample > 8 ? 2 : 1;
      return widenTo(bytes, bytesPerSample, info);
    } finally {
      dec.delete();
    }
  };
}

/** Decoders give 8-bit samples as 1 byte; DICOM may allocate 16 bits to them. */
function widenTo(bytes: Uint8Array, bytesPerSample: number, info: FrameInfo): Uint8Array {
  const want = Math.ceil(info.bitsAllocated / 8);
  if (bytesPerSample === want) return bytes;
  if (bytesPerSample === 1 && want === 2) {
    const out = new Uint8Array(bytes.length * 2);
    for (let i = 0; i < bytes.length; i++) out[2 * i] = bytes[i]!;
    return out;
  }
  throw new CorruptPixelDataError(info.file, `decoded ${bytesPerSample * 8}-bit samples but BitsAllocated is ${info.bitsAllocated}`);
}

const jpegLossless: FrameDecoder = async (encoded, info) => {
  const { Decoder } = await import('jpeg-lossless-decoder-js');
  const bytesPerSample = Math.ceil(info.bitsAllocated / 8);
  let out: Uint8Array | Uint16Array;
  try {
    // The decoder reads from an ArrayBuffer: give it one holding exactly this frame.
    const copy = encoded.slice();
    out = new Decoder().decode(copy.buffer, 0, copy.byteLength, bytesPerSample);
  } catch (e) {
    throw new CorruptPixelDataError(info.file, `JPEG Lossless decoding failed (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  // Its 16-bit output is in the platform's byte order, which is little endian everywhere we run.
  return bytes.slice();
};

const jpegExtended: FrameDecoder = async (encoded, info) => {
  if (info.bitsStored > 8) {
    throw new UnsupportedTransferSyntaxError(
      info.file,
      info.transferSyntaxUID,
      transferSyntaxInfo(info.transferSyntaxUID).name,
      `${info.bitsStored}-bit lossy JPEG (12-bit DCT) has no decoder here; only 8-bit JPEG is decoded`,
    );
  }
  return emscriptenDecoder('JPEGDecoder', 'JPEG')(encoded, info);
};

const rle: FrameDecoder = async (encoded, info) =>
  decodeRleFrame(encoded, info.rows, info.cols, info.bitsAllocated, info.samplesPerPixel, info.file);

/** The decoders used when the caller passes none. Native encodings need no decoder. */
export const defaultDecoders: Readonly<DecoderMap> = Object.freeze({
  rle,
  'jpeg-baseline': emscriptenDecoder('JPEGDecoder', 'JPEG'),
  'jpeg-extended': jpegExtended,
  'jpeg-lossless': jpegLossless,
  'jpeg-ls': emscriptenDecoder('JpegLSDecoder', 'JPEG-LS'),
  'jpeg-2000': emscriptenDecoder('J2KDecoder', 'JPEG 2000'),
});

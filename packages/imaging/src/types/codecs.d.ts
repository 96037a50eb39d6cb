// Minimal typings for the Emscripten codec builds we load (they ship none).
interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
type EmscriptenCodecFactory<K extends string> = (moduleArg?: object) => Promise<Record<K, new () => EmscriptenDecoder>>;

// '#codec/…' are this package's `imports`: the codec packages' `decode` builds (see package.json).
declare module '#codec/charls' {
  const factory: EmscriptenCodecFactory<'JpegLSDecoder'>;
  export default factory;
}
declare module '#codec/openjpeg' {
  const factory: EmscriptenCodecFactory<'J2KDecoder'>;
  export default factory;
}
declare module '#codec/libjpeg-turbo-8bit' {
  const factory: EmscriptenCodecFactory<'JPEGDecoder'>;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
    numComp: number;
  }
}

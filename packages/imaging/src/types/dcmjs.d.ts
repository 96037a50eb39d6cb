// Typings for the parts of dcmjs 0.49 the project uses (dcmjs ships none): the one copy, also
// included by the tsconfigs of @meddiff/ohif-extension and the viewer.
declare module 'dcmjs' {
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
    BulkDataURI?: string;
  }
  export type DicomDictObject = Record<string, DicomElement>;
  export class DicomDict {
    constructor(meta: DicomDictObject);
    meta: DicomDictObject;
    dict: DicomDictObject;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }
  export class DicomMessage {
    static readFile(
      buffer: ArrayBuffer,
      options?: { ignoreErrors?: boolean; untilTag?: string | null; includeUntilTagValue?: boolean; noCopy?: boolean; forceStoreRaw?: boolean },
    ): DicomDict;
  }
  export class DicomMetaDictionary {
    static naturalizeDataset(dataset: DicomDictObject): Record<string, unknown>;
    static denaturalizeDataset(dataset: Record<string, unknown>): DicomDictObject;
    static namifyDataset(dataset: DicomDictObject): Record<string, unknown>;
    static uid(): string;
    static unpunctuateTag(tag: string): string;
    static nameMap: Record<string, { tag: string; vr: string; name: string } | undefined>;
  }
  interface LogLike {
    setLevel(level: string | number): void;
    getLevel(): number;
    getLogger(name: string): LogLike;
  }
  const dcmjs: {
    data: { DicomDict: typeof DicomDict; DicomMessage: typeof DicomMessage; DicomMetaDictionary: typeof DicomMetaDictionary };
    log: LogLike;
  };
  export const data: (typeof dcmjs)['data'];
  export const log: LogLike;
  export default dcmjs;
}

// Typings for the parts of dcmjs 0.49 the viewer server uses (dcmjs ships none).
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
    static readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string | null; includeUntilTagValue?: boolean }): DicomDict;
  }
  export class DicomMetaDictionary {
    static naturalizeDataset(dataset: DicomDictObject): Record<string, unknown>;
    static denaturalizeDataset(dataset: Record<string, unknown>): DicomDictObject;
    static uid(): string;
    static unpunctuateTag(tag: string): string;
    static nameMap: Record<string, { tag: string; vr: string; name: string } | undefined>;
  }
  interface LogLike {
    setLevel(level: string | number): void;
    getLogger(name: string): LogLike;
  }
  const dcmjs: {
    data: { DicomDict: typeof DicomDict; DicomMessage: typeof DicomMessage; DicomMetaDictionary: typeof DicomMetaDictionary };
    log: LogLike;
  };
  export default dcmjs;
}

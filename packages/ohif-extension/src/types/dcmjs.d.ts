// Typings for the parts of dcmjs 0.49 the extension uses (dcmjs ships none).
declare module 'dcmjs' {
  export interface DicomElement {
    vr: string;
    Value?: unknown[];
  }
  export type DicomDictObject = Record<string, DicomElement>;
  export class DicomDict {
    constructor(meta: DicomDictObject);
    meta: DicomDictObject;
    dict: DicomDictObject;
    write(): ArrayBuffer;
  }
  export class DicomMessage {
    static readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean }): DicomDict;
  }
  export class DicomMetaDictionary {
    static naturalizeDataset(dataset: DicomDictObject): Record<string, unknown>;
    static denaturalizeDataset(dataset: Record<string, unknown>): DicomDictObject;
    static namifyDataset(dataset: DicomDictObject): Record<string, unknown>;
  }
  const dcmjs: {
    data: { DicomDict: typeof DicomDict; DicomMessage: typeof DicomMessage; DicomMetaDictionary: typeof DicomMetaDictionary };
  };
  export default dcmjs;
}

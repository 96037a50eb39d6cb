import dcmjs from 'dcmjs';
import { resizeImage, stackSlices, volumeSlice, writeDerivedSeries, writeSpreadSeries, type Image2D, type Volume } from '@meddiff/imaging';
import { taskLabel, type SamplingOptions, type Task, type TaskResult } from '../model/taskTypes.js';

/** A naturalised dcmjs dataset, the form OHIF's DicomMetadataStore and data sources take. */
export type NaturalizedInstance = Record<string, unknown> & { StudyInstanceUID: string; SeriesInstanceUID: string; SOPInstanceUID: string };

export interface DerivedSeries {
  /** 'result' (the mean over samples) or 'uncertainty' (their standard deviation). */
  kind: 'result' | 'uncertainty';
  seriesLabel: string;
  studyInstanceUID: string;
  seriesInstanceUID: string;
  seriesNumber: number;
  sopInstanceUIDs: string[];
  /** The Part-10 files, kept so a failed store can be retried from exactly the same bytes. */
  part10: Uint8Array[];
  rows: number;
  columns: number;
}

export interface DerivationInfo {
  task: Task;
  sampling: SamplingOptions;
  modelName: string;
  backend: string;
  /** Translation: the source contrasts, in the model's order (the result lies on the first's grid). */
  sources?: string[];
  /** SeriesNumber of the result (the spread, if any, takes the next); default the source's + 1000. */
  seriesNumber?: number;
}

/** DerivationDescription: which model did what, with which settings, so the result can be reproduced. */
export function derivationDescription(info: DerivationInfo, samplesNote = ''): string {
  const s = info.sampling;
  const what = info.task.kind === 'translate' ? `${info.sources?.join(' + ') ?? 'sources'} to ${info.task.target}` : taskLabel(info.task);
  // CDM samples its representation with DDIM whatever the sampler setting says.
  const sampler = info.task.kind === 'translate' ? 'MDN DDIM' : s.sampler;
  return `${info.modelName}: ${what} (${sampler}, ${s.steps} steps, seed ${s.seed}, ${s.samples} sample${s.samples > 1 ? 's' : ''}${samplesNote}; ${info.backend})`;
}

export function seriesLabelOf(task: Task): string {
  switch (task.kind) {
    case 'super-resolve':
      return `SR x${task.factor}`;
    case 'denoise':
      return 'denoised';
    case 'inpaint':
      return 'inpainted';
    case 'translate':
      return `synthetic ${task.target}`;
  }
}

const isVolume = (image: Image2D | Volume): image is Volume => image.shape.length === 3;

/**
 * The result's place in space: the source's plane, resampled to the result's size (half-pixel
 * centres); a volume result (a whole series) has one slice per source slice, each on its source
 * slice's plane (on a finer grid after super-resolution).
 */
export function resultImage(source: Image2D | Volume, rows: number, columns: number, pixels: Float32Array): Image2D | Volume {
  if (isVolume(source)) {
    const depth = source.shape[0];
    if (pixels.length !== depth * rows * columns) throw new Error(`a volume result must have ${depth} slices of ${rows} x ${columns}, like its source, but has ${pixels.length} values`);
    if (source.shape[1] === rows && source.shape[2] === columns) return { ...source, data: pixels };
    const n = rows * columns;
    return stackSlices(Array.from({ length: depth }, (_, k) => resultImage(volumeSlice(source, k), rows, columns, pixels.subarray(k * n, (k + 1) * n)) as Image2D), source.source);
  }
  const placed = rows === source.shape[0] && columns === source.shape[1] ? source : resizeImage(source, rows, columns, 'nearest');
  return { ...placed, data: pixels, shape: [rows, columns] };
}

/**
 * Writes a model's result as derived DICOM series of the source's study with @meddiff/imaging:
 * the result itself and, when several samples were drawn, their per-pixel standard deviation as a
 * second series, in colour (labelled as uncertainty). Both say in SeriesDescription and ImageComments that
 * they are research output of a generative model.
 */
export function buildDerivedSeries(result: TaskResult, source: Image2D | Volume, info: DerivationInfo): DerivedSeries[] {
  const label = seriesLabelOf(info.task);
  const out: DerivedSeries[] = [];
  const add = (kind: DerivedSeries['kind'], pixels: Float32Array, seriesLabel: string, description: string, seriesNumberOffset: number) => {
    const seriesNumber = (info.seriesNumber ?? (Number(source.source.dicomAttributes?.['SeriesNumber']) || 0) + 1000) + seriesNumberOffset;
    const image = resultImage(source, result.rows, result.columns, pixels);
    const written = kind === 'result' ? writeDerivedSeries(image, source, { description, seriesLabel, seriesNumber }) : writeSpreadSeries(image, source, { description, seriesLabel, seriesNumber, samples: result.samples });
    out.push({
      kind,
      seriesLabel,
      studyInstanceUID: written.studyInstanceUID,
      seriesInstanceUID: written.seriesInstanceUID,
      seriesNumber,
      sopInstanceUIDs: written.sopInstanceUIDs,
      part10: written.files,
      rows: result.rows,
      columns: result.columns,
    });
  };
  add('result', result.pixels, label, derivationDescription(info), 0);
  if (result.std) add('uncertainty', result.std, `${label} SD`, derivationDescription(info, ', per-pixel standard deviation over samples'), 1);
  return out;
}

/** Part-10 bytes as the naturalised dataset OHIF registers (with the _meta dcmjs writes back). */
export function naturalize(part10: Uint8Array): NaturalizedInstance {
  const ab = part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength) as ArrayBuffer;
  const dict = dcmjs.data.DicomMessage.readFile(ab);
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as NaturalizedInstance;
  dataset['_meta'] = dcmjs.data.DicomMetaDictionary.namifyDataset(dict.meta);
  return dataset;
}

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicomSeries, resizeImage, stackSlices, volumeSlice, writeDicomSeries, writePart10 } from '@meddiff/imaging';
import { uidFromName } from '@meddiff/imaging/node';
import { writeShiftedSeries } from './shiftedSeries.js';
import type { SimulatedStudy } from './simulatedStudy.js';

/** Bump when the files change, so caches are rebuilt. */
const TEST_STUDIES_VERSION = 4;

/** How far the not-co-registered T2 copy is moved along its rows, in mm. */
export const SHIFTED_T2_MM = 6;

/** Edge of the small MR slices. */
export const SMALL_MR_SIZE = 32;

/** Consecutive slices of the small MR stack (whole-series runs: two calls of 4 slices). */
export const SMALL_MR_STACK_SLICES = 8;

export const TEST_STUDY_UID = uidFromName('meddiff viewer test study');
export const TEST_SERIES = {
  /** 32 x 32 axial MR slices (Colin27, area-downsampled): model runs small enough for CPU-emulated WebGPU. */
  smallMr: uidFromName('meddiff viewer test series small-mr'),
  /** SMALL_MR_STACK_SLICES consecutive 32 x 32 axial MR slices (Colin27): whole-series runs on CPU-emulated WebGPU. */
  smallMrStack: uidFromName('meddiff viewer test series small-mr-stack'),
  /** An RGB Secondary Capture made from an MR slice: the models refuse colour. */
  colour: uidFromName('meddiff viewer test series colour'),
  /** An Encapsulated PDF: a series that is not an image. */
  pdf: uidFromName('meddiff viewer test series pdf'),
  /**
   * In the SIMULATED study (same patient, study and frame of reference): its T2 series with every
   * slice moved SHIFTED_T2_MM along the rows, so it is not co-registered with the other contrasts.
   */
  shiftedT2: uidFromName('meddiff viewer test series shifted-t2'),
} as const;

const PATIENT = { 'PatientName': 'Fixtures^Viewer Test', 'PatientID': 'MEDDIFF-TEST', 'PatientBirthDate': '', 'PatientSex': 'O' };
const STUDY = {
  StudyInstanceUID: TEST_STUDY_UID,
  StudyDate: '20240102',
  StudyTime: '120000',
  StudyID: 'viewer-test',
  AccessionNumber: 'viewer-test',
  StudyDescription: 'Viewer test fixtures (from open data: Colin27)',
  ReferringPhysicianName: '',
};

function mrFiles(sampleDir: string): { name: string; bytes: Uint8Array }[] {
  const dir = join(sampleDir, 'mr-brain-colin27', 'series-1');
  if (!existsSync(dir)) throw new Error(`the sample MR study is missing in ${dir}; run the viewer's prepare step first`);
  return readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
}

/** A minimal valid PDF 1.4 document with one page of text (objects and xref offsets computed). */
export function tinyPdf(text: string): Uint8Array {
  const content = `BT /F1 18 Tf 40 100 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

/** The simulated T2 with every slice moved along its rows; its files go in `<out>/shifted-t2/`. */
async function writeShiftedT2(simulated: SimulatedStudy, out: string): Promise<void> {
  const t2 = simulated.series.T2;
  const files = readdirSync(t2.dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(t2.dir, f))) }));
  const shifted = await writeShiftedSeries(files, {
    rowShiftMm: SHIFTED_T2_MM,
    seriesInstanceUID: TEST_SERIES.shiftedT2,
    seriesNumber: 12,
    description: `T2 (shifted ${SHIFTED_T2_MM} mm: not co-registered, test fixture)`,
    sopInstanceUIDs: files.map((_, i) => uidFromName(`meddiff viewer test shifted-t2 ${i}`)),
    now: new Date(Date.UTC(2024, 0, 2, 12)),
    imageComments: `Test fixture: the simulated T2 series ${t2.seriesInstanceUID} moved ${SHIFTED_T2_MM} mm along its rows, so it is not co-registered with the other contrasts. Simulated, not an acquisition.`,
  });
  mkdirSync(join(out, 'shifted-t2'));
  shifted.forEach((bytes, i) => writeFileSync(join(out, 'shifted-t2', `IM${String(i + 1).padStart(4, '0')}.dcm`), bytes));
}

/**
 * Writes the end-to-end tests' fixtures into `<cacheDir>/viewer/test-studies`: a study (one patient,
 * four series) with a small MR series and a small stack of consecutive slices for fast model runs, an RGB image and an encapsulated PDF for
 * the viewer's refusals, all from the MR sample study (so `writeSampleStudies` first); and one more
 * series in the simulated multi-contrast study (so `ensureSimulatedStudy` first): its T2 moved out
 * of register. Rewritten when this file's fixtures or the simulated study change.
 */
export async function writeTestStudies(cacheDir: string, sampleDir: string, simulated: SimulatedStudy, log: (m: string) => void = () => undefined): Promise<string> {
  const dir = join(cacheDir, 'viewer', 'test-studies');
  const stamp = join(dir, '.version');
  const version = `${TEST_STUDIES_VERSION} ${simulated.key}`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === version) return dir;
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const { volume } = await readDicomSeries(mrFiles(sampleDir));
  const depth = volume.shape[0];
  const picks = [Math.floor(depth * 0.4), Math.floor(depth * 0.5), Math.floor(depth * 0.6)];
  // Small MR: 32 x 32 (area averaging keeps the mean and anti-aliases).
  const small = stackSlices(picks.map((k) => resizeImage(volumeSlice(volume, k), SMALL_MR_SIZE, SMALL_MR_SIZE, 'area')), volume.source);
  const smallOut = writeDicomSeries(small, {
    sopClass: 'MR',
    modality: 'MR',
    patient: { name: PATIENT.PatientName, id: PATIENT.PatientID, sex: 'O' },
    study: { instanceUID: TEST_STUDY_UID, date: STUDY.StudyDate, time: STUDY.StudyTime, id: STUDY.StudyID, accessionNumber: STUDY.AccessionNumber, description: STUDY.StudyDescription },
    series: { instanceUID: TEST_SERIES.smallMr, number: 1, description: `MR ${SMALL_MR_SIZE} px (test fixture)` },
    frameOfReferenceUID: uidFromName('meddiff viewer test frame'),
    sopInstanceUIDs: picks.map((_, i) => uidFromName(`meddiff viewer test small-mr ${i}`)),
    now: new Date(Date.UTC(2024, 0, 2, 12)),
  });
  mkdirSync(join(tmp, 'small-mr'));
  smallOut.files.forEach((bytes, i) => writeFileSync(join(tmp, 'small-mr', `IM${String(i + 1).padStart(4, '0')}.dcm`), bytes));
  // The small stack: consecutive slices around the middle, same 32 x 32 grid.
  const first = Math.floor(depth / 2) - SMALL_MR_STACK_SLICES / 2;
  const stackPicks = Array.from({ length: SMALL_MR_STACK_SLICES }, (_, i) => first + i);
  const stack = stackSlices(stackPicks.map((k) => resizeImage(volumeSlice(volume, k), SMALL_MR_SIZE, SMALL_MR_SIZE, 'area')), volume.source);
  const stackOut = writeDicomSeries(stack, {
    sopClass: 'MR',
    modality: 'MR',
    patient: { name: PATIENT.PatientName, id: PATIENT.PatientID, sex: 'O' },
    study: { instanceUID: TEST_STUDY_UID, date: STUDY.StudyDate, time: STUDY.StudyTime, id: STUDY.StudyID, accessionNumber: STUDY.AccessionNumber, description: STUDY.StudyDescription },
    series: { instanceUID: TEST_SERIES.smallMrStack, number: 6, description: `MR ${SMALL_MR_SIZE} px stack of ${SMALL_MR_STACK_SLICES} (test fixture)` },
    frameOfReferenceUID: uidFromName('meddiff viewer test frame'),
    sopInstanceUIDs: stackPicks.map((_, i) => uidFromName(`meddiff viewer test small-mr-stack ${i}`)),
    now: new Date(Date.UTC(2024, 0, 2, 12)),
  });
  mkdirSync(join(tmp, 'small-mr-stack'));
  stackOut.files.forEach((bytes, i) => writeFileSync(join(tmp, 'small-mr-stack', `IM${String(i + 1).padStart(4, '0')}.dcm`), bytes));
  // Colour: the middle slice through a blue-to-yellow ramp, as an RGB Secondary Capture.
  const slice = volumeSlice(volume, picks[1]!);
  const [rows, cols] = slice.shape;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of slice.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const rgb = new Uint8Array(rows * cols * 3);
  slice.data.forEach((v, i) => {
    const t = hi > lo ? (v - lo) / (hi - lo) : 0;
    rgb[3 * i] = Math.round(255 * t);
    rgb[3 * i + 1] = Math.round(255 * t * t);
    rgb[3 * i + 2] = Math.round(255 * (1 - t));
  });
  const common = { ...PATIENT, ...STUDY, Modality: 'OT', SpecificCharacterSet: 'ISO_IR 192', InstanceNumber: 1 };
  mkdirSync(join(tmp, 'colour'));
  writeFileSync(
    join(tmp, 'colour', 'IM0001.dcm'),
    writePart10({
      ...common,
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
      SOPInstanceUID: uidFromName('meddiff viewer test colour 0'),
      SeriesInstanceUID: TEST_SERIES.colour,
      SeriesNumber: 2,
      SeriesDescription: 'Colour image (test fixture)',
      ConversionType: 'WSD',
      ImageType: ['DERIVED', 'SECONDARY'],
      SamplesPerPixel: 3,
      PhotometricInterpretation: 'RGB',
      PlanarConfiguration: 0,
      Rows: rows,
      Columns: cols,
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      PixelRepresentation: 0,
      PixelData: rgb.buffer,
      _vrMap: { PixelData: 'OB' },
    }),
  );
  mkdirSync(join(tmp, 'pdf'));
  const pdf = tinyPdf('MedDiff viewer test: a series that is not an image');
  const pdfPadded = new Uint8Array(pdf.length + (pdf.length % 2));
  pdfPadded.set(pdf);
  writeFileSync(
    join(tmp, 'pdf', 'DOC0001.dcm'),
    writePart10({
      ...common,
      Modality: 'DOC',
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.104.1',
      SOPInstanceUID: uidFromName('meddiff viewer test pdf 0'),
      SeriesInstanceUID: TEST_SERIES.pdf,
      SeriesNumber: 3,
      SeriesDescription: 'PDF document (test fixture)',
      ConversionType: 'WSD',
      BurnedInAnnotation: 'NO',
      DocumentTitle: 'Viewer test document',
      MIMETypeOfEncapsulatedDocument: 'application/pdf',
      ContentDate: '20240102',
      ContentTime: '120000',
      AcquisitionDateTime: '20240102120000',
      ConceptNameCodeSequence: [],
      EncapsulatedDocument: pdfPadded.buffer,
      _vrMap: { EncapsulatedDocument: 'OB' },
    }),
  );
  await writeShiftedT2(simulated, tmp);
  writeFileSync(join(tmp, '.version'), version);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`viewer test study written to ${dir}`);
  return dir;
}


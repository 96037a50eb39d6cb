import { directionAxis, InvalidArgumentError, readDicomSeries, writeDicomSeries, type NamedBytes, type Vec3 } from '@meddiff/imaging';

/** What identifies the copy: everything else (patient, study, frame of reference, pixels) is the source's. */
export interface ShiftedSeriesOptions {
  /** Shift of every slice along the image's row direction (ImageOrientationPatient's first triplet), in mm. */
  rowShiftMm: number;
  seriesInstanceUID: string;
  seriesNumber: number;
  description: string;
  /** One per slice, in slice order. */
  sopInstanceUIDs: readonly string[];
  /** Recorded as the instances' creation time. */
  now: Date;
  imageComments?: string;
}

/** Patient and Study attributes copied verbatim, so the copy joins the source's patient and study. */
const SHARED_ATTRIBUTES = [
  'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'PatientAge',
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'ReferringPhysicianName', 'StudyDescription',
  'BodyPartExamined', 'PatientPosition',
] as const;

/**
 * A copy of an MR or CT series whose pixels are unchanged but whose ImagePositionPatient is moved by
 * `rowShiftMm` along the row direction, in the same patient, study and frame of reference: the
 * same image placed somewhere else, i.e. a series that is not co-registered with its source.
 * Returns the Part-10 files in slice order.
 */
export async function writeShiftedSeries(source: readonly NamedBytes[], options: ShiftedSeriesOptions): Promise<Uint8Array[]> {
  const { volume } = await readDicomSeries(source);
  const attrs = volume.source.dicomAttributes ?? {};
  const modality = volume.modality;
  if (modality !== 'MR' && modality !== 'CT') throw new InvalidArgumentError('writeShiftedSeries', `copies MR or CT series; the source is ${modality ?? 'of unknown modality'}`);
  const g = volume.geometry;
  const row = directionAxis(g.direction, 0);
  const origin: Vec3 = [g.origin[0] + options.rowShiftMm * row[0], g.origin[1] + options.rowShiftMm * row[1], g.origin[2] + options.rowShiftMm * row[2]];
  const shared = Object.fromEntries(SHARED_ATTRIBUTES.filter((k) => attrs[k] !== undefined).map((k) => [k, attrs[k]]));
  const { files } = writeDicomSeries(
    { ...volume, geometry: { ...g, origin } },
    {
      sopClass: modality,
      modality,
      series: { instanceUID: options.seriesInstanceUID, number: options.seriesNumber, description: options.description },
      ...(volume.frameOfReferenceUID === undefined ? {} : { frameOfReferenceUID: volume.frameOfReferenceUID }),
      sopInstanceUIDs: options.sopInstanceUIDs,
      now: options.now,
      ...(options.imageComments === undefined ? {} : { imageComments: options.imageComments }),
      extraAttributes: shared,
    },
  );
  return files;
}

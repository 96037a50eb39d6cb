import type { Image2D, Mat3, Vec3 } from '@meddiff/imaging';
import { NoActiveImageError, NotAnImageError } from '../errors.js';
import { cornerstoneGlobals, type CornerstoneGlobals, type CornerstoneImage, type OhifDisplaySet, type OhifServices } from '../ohif/ohifTypes.js';
import { checkGreyscale, describeNonImage } from './inputChecks.js';

/** The slice a user is looking at, ready for a model: pixels in modality units and where they are. */
export interface ActiveSlice {
  viewportId: string;
  displaySet: OhifDisplaySet;
  imageId: string;
  /** Modality values (HU for CT), with the geometry and DICOM references a derived series needs. */
  image: Image2D;
}

/** Patient, study and series attributes a derived series copies from its source. */
const CARRIED_ATTRIBUTES = [
  'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex',
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'StudyDescription', 'ReferringPhysicianName',
  'SeriesInstanceUID', 'SeriesNumber', 'SeriesDescription', 'Modality', 'BodyPartExamined',
] as const;

export type Instance = Record<string, unknown>;

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}
function num(inst: Instance, key: string): number | undefined {
  const x = first(inst[key]);
  const n = typeof x === 'number' ? x : x === undefined || x === null || x === '' ? NaN : Number(x);
  return Number.isFinite(n) ? n : undefined;
}
function nums(inst: Instance, key: string, length: number): number[] | undefined {
  const v = inst[key];
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : undefined;
  const out = arr?.map((x) => Number(x));
  return out && out.length === length && out.every((x) => Number.isFinite(x)) ? out : undefined;
}
export function str(inst: Instance, key: string): string | undefined {
  const x = first(inst[key]);
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'object' && 'Alphabetic' in (x as Instance)) return String((x as Instance)['Alphabetic']);
  const s = String(x).trim();
  return s || undefined;
}

/** Modality values: the loader usually applied the rescale already (preScale.scaled); apply it only when it has not. */
export function toModalityUnits(image: CornerstoneImage, instance: Instance): Float32Array {
  const raw = image.voxelManager?.getScalarData() ?? image.getPixelData();
  const out = new Float32Array(raw.length);
  if (image.preScale?.scaled) {
    for (let i = 0; i < raw.length; i++) out[i] = raw[i]!;
    return out;
  }
  const slope = num(instance, 'RescaleSlope') ?? image.slope ?? 1;
  const intercept = num(instance, 'RescaleIntercept') ?? image.intercept ?? 0;
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]! * slope + intercept;
  return out;
}

/** Geometry in LPS from the Image Plane module; a slice without it gets an identity plane at the origin. */
export function sliceGeometry(instance: Instance): Image2D['geometry'] {
  const spacing = nums(instance, 'PixelSpacing', 2) ?? [1, 1];
  const thickness = num(instance, 'SliceThickness') ?? num(instance, 'SpacingBetweenSlices') ?? 1;
  const iop = nums(instance, 'ImageOrientationPatient', 6) ?? [1, 0, 0, 0, 1, 0];
  const ipp = nums(instance, 'ImagePositionPatient', 3) ?? [0, 0, 0];
  const [ix, iy, iz, jx, jy, jz] = iop as [number, number, number, number, number, number];
  const k: Vec3 = [iy * jz - iz * jy, iz * jx - ix * jz, ix * jy - iy * jx];
  // PixelSpacing is (row spacing, column spacing); spacing[0] is along i (columns).
  return {
    spacing: [spacing[1]!, spacing[0]!, thickness] as Vec3,
    origin: ipp as unknown as Vec3,
    direction: [ix, iy, iz, jx, jy, jz, k[0], k[1], k[2]] as Mat3,
  };
}

/**
 * Reads the active viewport's current slice. Throws NoActiveImageError when no image is shown or
 * loaded, NotAnImageError for SR, SEG, PDF and other non-image series, ColourImageError for colour.
 */
export function readActiveSlice(services: OhifServices, cs: CornerstoneGlobals | undefined = cornerstoneGlobals()): ActiveSlice {
  const { viewportGridService, displaySetService, cornerstoneViewportService } = services;
  let viewportId: string | null;
  try {
    viewportId = viewportGridService.getActiveViewportId() ?? viewportGridService.getState().activeViewportId;
  } catch {
    // The grid's state lives in its React provider; before the viewer is shown there is none.
    throw new NoActiveImageError();
  }
  if (!viewportId) throw new NoActiveImageError();
  const uid = viewportGridService.getDisplaySetsUIDsForViewport(viewportId)?.[0] ?? viewportGridService.getState().viewports.get(viewportId)?.displaySetInstanceUIDs[0];
  const displaySet = uid ? displaySetService.getDisplaySetByUID(uid) : undefined;
  if (!displaySet) throw new NoActiveImageError();
  const firstInstance = (displaySet.instances?.[0] ?? displaySet.instance) as Instance | undefined;
  const nonImage = describeNonImage({ sopClassUID: displaySet.SOPClassUID ?? (firstInstance ? str(firstInstance, 'SOPClassUID') : undefined), modality: displaySet.Modality });
  if (nonImage) throw new NotAnImageError(nonImage);
  if (firstInstance) checkGreyscale({ photometricInterpretation: str(firstInstance, 'PhotometricInterpretation'), samplesPerPixel: num(firstInstance, 'SamplesPerPixel') });
  if (!cs) throw new NoActiveImageError('The viewer exposes no cornerstone (window.cornerstone); this OHIF build is not supported.');
  const viewport = cornerstoneViewportService?.getCornerstoneViewport(viewportId);
  const imageId = viewport?.getCurrentImageId?.();
  if (!imageId) throw new NoActiveImageError('The active viewport shows no image yet; wait until the series has loaded.');
  const instance = (cs.cornerstone.metaData.get('instance', imageId) as Instance | undefined) ?? firstInstance;
  if (!instance) throw new NoActiveImageError('The metadata of the active image is not available yet; wait until the series has loaded.');
  const image = cs.cornerstone.cache.getImage(imageId);
  if (!image) throw new NoActiveImageError('The active image is not loaded yet; wait until it is shown.');
  return { viewportId, displaySet, imageId, image: sliceImage(instance, image, imageId, displaySet) };
}

/**
 * A loaded image as the models take it: modality values with the geometry, frame of reference and
 * DICOM references a derived series needs. Throws ColourImageError for colour images.
 */
export function sliceImage(instance: Instance, image: CornerstoneImage, imageId: string, displaySet: OhifDisplaySet): Image2D {
  checkGreyscale({ photometricInterpretation: str(instance, 'PhotometricInterpretation'), samplesPerPixel: num(instance, 'SamplesPerPixel') ?? image.numberOfComponents, color: image.color });
  const data = toModalityUnits(image, instance);
  if (data.length !== image.rows * image.columns) throw new NoActiveImageError(`The image has ${data.length} values for ${image.rows} x ${image.columns} pixels; multi-component images are not supported.`);
  const sopClassUID = str(instance, 'SOPClassUID') ?? displaySet.SOPClassUID ?? '';
  const sopInstanceUID = str(instance, 'SOPInstanceUID') ?? '';
  const frameMatch = /[?&]frame=(\d+)|\/frames\/(\d+)/.exec(imageId);
  const frameNumber = frameMatch ? Number(frameMatch[1] ?? frameMatch[2]) : undefined;
  const attributes: Record<string, unknown> = {};
  for (const key of CARRIED_ATTRIBUTES) if (instance[key] !== undefined) attributes[key] = instance[key];
  const frameOfReferenceUID = str(instance, 'FrameOfReferenceUID');
  const modality = str(instance, 'Modality') ?? displaySet.Modality;
  return {
    data,
    shape: [image.rows, image.columns],
    geometry: sliceGeometry(instance),
    ...(frameOfReferenceUID ? { frameOfReferenceUID } : {}),
    ...(modality ? { modality } : {}),
    source: {
      format: 'dicom',
      files: [],
      dicom: [{ sopClassUID, sopInstanceUID, ...(frameNumber && frameNumber > 1 ? { frameNumber } : {}) }],
      dicomAttributes: attributes,
    },
  };
}

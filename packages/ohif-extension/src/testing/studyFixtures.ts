import type { CornerstoneGlobals, CornerstoneImage, OhifDisplaySet } from '../ohif/ohifTypes.js';
import type { createOhifApp } from './ohifCore.js';

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const HANDLER = 'meddiff-test-sop.sopClassHandlerModule.stack';

export interface SeriesSpec {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  seriesNumber: number;
  description: string;
  frameOfReferenceUID: string;
  rows: number;
  columns: number;
  /** Slice positions along z (mm); each slice's first pixel is at (x0, y0, z). */
  z: number[];
  x0?: number;
  y0?: number;
  spacing?: number;
}

/**
 * Naturalised MR instances of an axial series, as OHIF's DicomMetadataStore holds them, with the
 * non-enumerable `imageId` OHIF's data sources add.
 */
export function seriesInstances(spec: SeriesSpec): Record<string, unknown>[] {
  return spec.z.map((z, k) => {
    const instance: Record<string, unknown> = {
      SOPClassUID: MR_IMAGE_STORAGE,
      SOPInstanceUID: `${spec.seriesInstanceUID}.${k + 1}`,
      StudyInstanceUID: spec.studyInstanceUID,
      SeriesInstanceUID: spec.seriesInstanceUID,
      SeriesNumber: spec.seriesNumber,
      SeriesDescription: spec.description,
      Modality: 'MR',
      PatientID: 'TEST',
      FrameOfReferenceUID: spec.frameOfReferenceUID,
      Rows: spec.rows,
      Columns: spec.columns,
      PixelSpacing: [spec.spacing ?? 1, spec.spacing ?? 1],
      SliceThickness: 2,
      ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
      ImagePositionPatient: [spec.x0 ?? -10, spec.y0 ?? -12, z],
      InstanceNumber: k + 1,
      PhotometricInterpretation: 'MONOCHROME2',
      SamplesPerPixel: 1,
    };
    Object.defineProperty(instance, 'imageId', { value: `test:${spec.seriesInstanceUID}/${k + 1}`, enumerable: false });
    return instance;
  });
}

/**
 * Lets OHIF's real DisplaySetService make one stack display set per series, as the default
 * extension's SOP class handler does for MR images.
 */
export async function useStackDisplaySets(app: ReturnType<typeof createOhifApp>): Promise<void> {
  await app.extensionManager.registerExtension({
    id: 'meddiff-test-sop',
    getSopClassHandlerModule: () => [
      {
        name: 'stack',
        sopClassUids: [MR_IMAGE_STORAGE],
        getDisplaySetsFromSeries: (instances: Record<string, unknown>[]) => {
          const first = instances[0]!;
          return [
            {
              displaySetInstanceUID: `ds-${String(first['SeriesInstanceUID'])}`,
              StudyInstanceUID: first['StudyInstanceUID'],
              SeriesInstanceUID: first['SeriesInstanceUID'],
              SeriesDescription: first['SeriesDescription'],
              SeriesNumber: first['SeriesNumber'],
              Modality: first['Modality'],
              SOPClassUID: first['SOPClassUID'],
              SOPClassHandlerId: HANDLER,
              instances,
              instance: first,
            },
          ];
        },
      },
    ],
  });
  app.servicesManager.services.displaySetService.init(app.extensionManager, [HANDLER]);
}

export function addSeries(app: ReturnType<typeof createOhifApp>, spec: SeriesSpec): OhifDisplaySet {
  const [ds] = app.servicesManager.services.displaySetService.makeDisplaySets(seriesInstances(spec)) as OhifDisplaySet[];
  return ds!;
}

/** cornerstone's cache and image loader over images made on demand by `pixels(imageId)`. */
export function fakeCornerstone(rows: number, columns: number, pixels: (imageId: string) => Float32Array): CornerstoneGlobals & { loaded: string[] } {
  const cache = new Map<string, CornerstoneImage>();
  const loaded: string[] = [];
  const make = (imageId: string): CornerstoneImage => ({ rows, columns, preScale: { scaled: true }, getPixelData: () => pixels(imageId) });
  return {
    loaded,
    cornerstone: {
      cache: { getImage: (id) => cache.get(id) },
      metaData: { get: () => undefined },
      imageLoader: {
        loadAndCacheImage: async (id) => {
          loaded.push(id);
          const image = make(id);
          cache.set(id, image);
          return image;
        },
      },
    },
  };
}

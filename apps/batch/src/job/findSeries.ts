import { RESEARCH_LABEL } from '@meddiff/imaging';
import { jsonValue, TAG, type DicomwebClient } from '../dicomweb/dicomwebClient.js';

/** Modalities whose series are not images a model can take (reports, segmentations, presentation states...). */
const NOT_IMAGES = new Set(['SR', 'SEG', 'PR', 'KO', 'DOC', 'RTSTRUCT', 'RTPLAN', 'REG']);

export interface SeriesRef {
  study: string;
  series: string;
  modality?: string;
  description?: string;
}

export interface FindSeriesOptions {
  /** Study Instance UIDs. */
  studies?: readonly string[];
  /** A QIDO-RS study query, e.g. { PatientID: 'P1', StudyDate: '20260101-20261231' }. */
  query?: Record<string, string>;
  /** Keep only series of these modalities (e.g. ['MR']). */
  modalities?: readonly string[];
}

/**
 * The image series of the given studies, or of the studies a QIDO query finds: not reports or
 * segmentations, and not series this project derived (their description starts with the research
 * label), so that running a batch again does not process its own output.
 */
export async function findSeries(dicomweb: DicomwebClient, o: FindSeriesOptions): Promise<SeriesRef[]> {
  const studies = [...(o.studies ?? [])];
  if (o.query) {
    for (const s of await dicomweb.search('studies', o.query)) {
      const uid = jsonValue(s, TAG.studyInstanceUID);
      if (uid && !studies.includes(uid)) studies.push(uid);
    }
  }
  const found: SeriesRef[] = [];
  for (const study of studies) {
    for (const s of await dicomweb.search(`studies/${study}/series`, { includefield: TAG.seriesDescription })) {
      const series = jsonValue(s, TAG.seriesInstanceUID);
      const modality = jsonValue(s, TAG.modality);
      const description = jsonValue(s, TAG.seriesDescription);
      if (!series) continue;
      if (modality && NOT_IMAGES.has(modality)) continue;
      if (o.modalities?.length && !(modality && o.modalities.includes(modality))) continue;
      if (description?.startsWith(RESEARCH_LABEL)) continue;
      found.push({ study, series, ...(modality ? { modality } : {}), ...(description ? { description } : {}) });
    }
  }
  return found;
}

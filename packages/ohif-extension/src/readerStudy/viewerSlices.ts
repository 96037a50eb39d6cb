import { cornerstoneGlobals, type CornerstoneGlobals, type ExtensionManager, type OhifServices } from '../ohif/ohifTypes.js';
import { describeNonImage } from '../viewer/inputChecks.js';
import { orderedInstances, readSources } from '../viewer/sourceSeries.js';
import { str } from '../viewer/activeSlice.js';
import type { TaskImage } from '../model/taskTypes.js';
import { ReaderStudyConfigError } from './studyErrors.js';
import type { PlannedTrial, StudySeries } from './studyTypes.js';

/** The image series of the studies open in the viewer (derived series and non-images left out). */
export function viewerSeries(services: OhifServices): StudySeries[] {
  return services.displaySetService
    .getActiveDisplaySets()
    .filter((ds) => !ds.isDerivedDisplaySet && ds.SeriesInstanceUID && ds.StudyInstanceUID)
    .filter((ds) => {
      const first = ds.instances?.[0] ?? ds.instance;
      if (describeNonImage({ sopClassUID: ds.SOPClassUID ?? (first ? str(first, 'SOPClassUID') : undefined), modality: ds.Modality })) return false;
      // The models take grey slices only: colour series are not offered.
      const photometric = first ? str(first, 'PhotometricInterpretation') : undefined;
      return !photometric || photometric.startsWith('MONOCHROME');
    })
    .map((ds) => ({
      studyInstanceUID: ds.StudyInstanceUID!,
      seriesInstanceUID: ds.SeriesInstanceUID!,
      slices: orderedInstances(ds).length,
      label: `${ds.SeriesNumber ?? ''} ${ds.Modality ?? ''} ${ds.SeriesDescription ?? ''}`.trim(),
    }))
    .filter((s) => s.slices > 0);
}

/** Calls `changed` whenever display sets are added (a study of the list loading); returns the unsubscribe. */
export function watchViewerSeries(services: OhifServices, changed: () => void): () => void {
  const dss = services.displaySetService;
  const subs = ['DISPLAY_SETS_ADDED', 'DISPLAY_SETS_CHANGED'].flatMap((k) => (dss.EVENTS[k] ? [dss.subscribe(dss.EVENTS[k]!, changed)] : []));
  return () => subs.forEach((s) => s.unsubscribe());
}

/** A planned trial's slice (its series' slices in order along the normal), from cornerstone's cache or loaded, in modality units. */
export async function readViewerSlice(services: OhifServices, extensionManager: ExtensionManager, trial: PlannedTrial, cs: CornerstoneGlobals | undefined = cornerstoneGlobals()): Promise<TaskImage> {
  const ds = services.displaySetService.getActiveDisplaySets().find((d) => d.SeriesInstanceUID === trial.seriesInstanceUID && !d.isDerivedDisplaySet);
  if (!ds) throw new ReaderStudyConfigError(`Series ${trial.seriesInstanceUID} is not open in the viewer; open the study list the study was planned on.`);
  const slices = orderedInstances(ds);
  const s = slices[trial.slice];
  if (!s) throw new ReaderStudyConfigError(`Series ${trial.seriesInstanceUID} has ${slices.length} slices, the trial needs slice ${trial.slice + 1}.`);
  const imageIdOf = (instance: Record<string, unknown>) => extensionManager.getActiveDataSource?.()?.[0]?.getImageIdsForInstance?.({ instance });
  const located = { contrast: `slice ${trial.slice + 1} of series ${ds.SeriesNumber ?? trial.seriesInstanceUID}`, displaySet: ds, instance: s.instance, rows: Number(s.instance['Rows']), columns: Number(s.instance['Columns']), geometry: s.geometry };
  const image = (await readSources({ x: located }, cs, imageIdOf))[located.contrast]!;
  return { pixels: image.data, rows: image.shape[0], columns: image.shape[1] };
}

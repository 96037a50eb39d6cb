/**
 * Where results go once made: their series numbers, registration with the viewer through the
 * extension's local data source, and storage to the PACS by STOW-RS.
 */
import type { Image2D, Volume } from '@meddiff/imaging';
import { naturalize, type DerivedSeries } from '../derived/derivedSeries.js';
import { RegisterFailedError } from '../errors.js';
import { waitForDisplaySet } from '../viewer/sideBySide.js';
import type { ControllerDeps, ResultEntry } from './controllerState.js';

/**
 * The source's SeriesNumber + 1000, or past the highest number in the study when that is taken,
 * so each result gets its own number in the viewer's series list.
 */
export function freeSeriesNumber(deps: ControllerDeps, results: readonly ResultEntry[], source: Image2D | Volume): number {
  const attributes = source.source.dicomAttributes ?? {};
  const study = attributes['StudyInstanceUID'];
  const numbers = [
    ...deps.services.displaySetService.getActiveDisplaySets().filter((d) => d.StudyInstanceUID === study).map((d) => Number(d.SeriesNumber) || 0),
    // Results not yet made into display sets by the viewer.
    ...results.flatMap((r) => r.series.filter((s) => s.studyInstanceUID === study).map((s) => s.seriesNumber)),
  ];
  const wanted = (Number(attributes['SeriesNumber']) || 0) + 1000;
  return numbers.includes(wanted) || numbers.includes(wanted + 1) ? Math.max(wanted, ...numbers) + 1 : wanted;
}

/** Registers the derived series with OHIF through the local data source and waits for their display sets. */
export async function registerSeries(deps: ControllerDeps, series: readonly DerivedSeries[]): Promise<string[]> {
  const storeFn = deps.commandsManager.runCommand('createStoreFunction', { dataSource: deps.config.localDataSource, defaultFileName: 'meddiff-result.dcm' }) as
    | ((dicom: unknown) => Promise<void>)
    | null
    | undefined;
  if (typeof storeFn !== 'function') throw new RegisterFailedError(`The viewer has no data source "${deps.config.localDataSource}" to keep results in; add the extension's localResults data source to the app config.`);
  const uids: string[] = [];
  for (const s of series) {
    await storeFn(s.part10.map(naturalize));
    const ds = await waitForDisplaySet(deps.services, s.seriesInstanceUID, deps.displaySetTimeoutMs);
    if (ds) uids.push(ds.displaySetInstanceUID);
  }
  return uids;
}

/**
 * Sends a result's series to the PACS by STOW-RS: the Part-10 bytes kept locally, exactly (OHIF's
 * DICOMweb source sends an ArrayBuffer as it is, where a dataset would be written again); throws
 * on the first failure.
 */
export async function storeToPacs(deps: ControllerDeps, series: readonly DerivedSeries[]): Promise<void> {
  const source = deps.extensionManager.getDataSources(deps.config.pacsDataSource)?.[0];
  if (!source?.store?.dicom) throw new Error(`the data source "${deps.config.pacsDataSource}" cannot store (no STOW-RS)`);
  for (const s of series) for (const bytes of s.part10) await source.store.dicom(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A failed store in words: the HTTP status when there is one. */
export function describeStoreError(e: unknown): string {
  const err = e as { message?: string; status?: number; request?: { status?: number; statusText?: string } };
  const status = err?.status ?? err?.request?.status;
  if (status) return `HTTP ${status}${err.request?.statusText ? ` ${err.request.statusText}` : ''}${err.message ? ` (${err.message})` : ''}`;
  return err?.message ?? String(e);
}

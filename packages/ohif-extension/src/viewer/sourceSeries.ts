/**
 * Contrast translation takes one slice from each of several series (T1, T2, ...). This file finds
 * the series a user can pick, guesses which holds which contrast, finds each picked series' slice at
 * the position shown in the active viewport, checks that those slices share one pixel grid (from
 * metadata, before any pixel is read), and reads their pixels.
 */
import { checkCoregistered, NotCoregisteredError as CdmNotCoregisteredError } from '@meddiff/cdm';
import type { Image2D, ImageGeometry } from '@meddiff/imaging';
import { InvalidTaskError, NoActiveImageError, NotCoregisteredError } from '../errors.js';
import type { CornerstoneGlobals, OhifDisplaySet, OhifServices } from '../ohif/ohifTypes.js';
import type { ActiveSlice } from './activeSlice.js';
import { sliceGeometry, sliceImage, str, type Instance } from './activeSlice.js';
import { describeNonImage } from './inputChecks.js';

export interface SourceCandidate {
  displaySetInstanceUID: string;
  seriesInstanceUID: string;
  /** "3: T2 (simulated ...)": series number and description, as the viewer's study list shows them. */
  label: string;
  description: string;
}

/** A picked series' slice at the reference position, located from metadata only. */
export interface LocatedSource {
  contrast: string;
  displaySet: OhifDisplaySet;
  instance: Instance;
  rows: number;
  columns: number;
  geometry: ImageGeometry;
  frameOfReferenceUID?: string;
}

/** Where the user is looking: the active slice's plane. */
export interface ReferencePlane {
  geometry: ImageGeometry;
  frameOfReferenceUID?: string;
  /** StudyInstanceUID of the series shown, to offer that study's series. */
  studyInstanceUID?: string;
}

export function referencePlane(slice: ActiveSlice): ReferencePlane {
  const study = slice.displaySet.StudyInstanceUID ?? (slice.image.source.dicomAttributes?.['StudyInstanceUID'] as string | undefined);
  return { geometry: slice.image.geometry, ...(slice.image.frameOfReferenceUID ? { frameOfReferenceUID: slice.image.frameOfReferenceUID } : {}), ...(study ? { studyInstanceUID: study } : {}) };
}

const instancesOf = (ds: OhifDisplaySet): Instance[] => (ds.instances ?? (ds.instance ? [ds.instance] : [])) as Instance[];

/** Greyscale image series of a study (all studies when none is given), in series-number order. */
export function sourceCandidates(displaySets: readonly OhifDisplaySet[], studyInstanceUID?: string): SourceCandidate[] {
  return displaySets
    .filter((ds) => !studyInstanceUID || ds.StudyInstanceUID === studyInstanceUID)
    .filter((ds) => instancesOf(ds).length > 0)
    .filter((ds) => !describeNonImage({ sopClassUID: ds.SOPClassUID ?? str(instancesOf(ds)[0]!, 'SOPClassUID'), modality: ds.Modality }))
    .sort((a, b) => (Number(a.SeriesNumber) || 0) - (Number(b.SeriesNumber) || 0))
    .map((ds) => {
      const description = ds.SeriesDescription ?? '';
      return {
        displaySetInstanceUID: ds.displaySetInstanceUID,
        seriesInstanceUID: ds.SeriesInstanceUID ?? '',
        description,
        label: `${ds.SeriesNumber ?? '?'}: ${description || ds.SeriesInstanceUID || ds.displaySetInstanceUID}`,
      };
    });
}

/** Whether a description names a contrast as a word: "T2 FLAIR" names T2 and FLAIR, "T1ce" does not name T1. */
function names(description: string, contrast: string): boolean {
  const escaped = contrast.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}([^a-z0-9]|$)`, 'i').test(description);
}

/**
 * A first guess of the series that holds each contrast, from the series descriptions: a series
 * whose description starts with the contrast's name wins over one that only mentions it; each
 * series is used once. Contrasts with no match are left out (the user picks them).
 */
export function guessSources(contrasts: readonly string[], candidates: readonly SourceCandidate[], keep: Readonly<Record<string, string>> = {}): Record<string, string> {
  const picks: Record<string, string> = {};
  const taken = new Set<string>();
  for (const c of contrasts) {
    const kept = keep[c];
    if (kept && candidates.some((s) => s.displaySetInstanceUID === kept)) {
      picks[c] = kept;
      taken.add(kept);
    }
  }
  for (const c of contrasts) {
    if (picks[c]) continue;
    const free = candidates.filter((s) => !taken.has(s.displaySetInstanceUID) && names(s.description, c));
    const best = free.find((s) => names(s.description.trim().split(/\s+/)[0] ?? '', c)) ?? free[0];
    if (best) {
      picks[c] = best.displaySetInstanceUID;
      taken.add(best.displaySetInstanceUID);
    }
  }
  return picks;
}

const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

/**
 * The slice of a series nearest the reference plane along its normal, if one lies within half a
 * slice thickness of it (in-plane offsets are left to the co-registration check, which names them).
 */
function sliceAt(ds: OhifDisplaySet, plane: ReferencePlane): { instance: Instance; distance: number } | { nearest: number } {
  const normal = plane.geometry.direction.slice(6, 9);
  const origin = plane.geometry.origin;
  let best: { instance: Instance; distance: number } | undefined;
  for (const instance of instancesOf(ds)) {
    const g = sliceGeometry(instance);
    const d = Math.abs(dot([g.origin[0] - origin[0], g.origin[1] - origin[1], g.origin[2] - origin[2]], normal));
    if (!best || d < best.distance) best = { instance, distance: d };
  }
  if (!best) return { nearest: Infinity };
  const tolerance = 0.5 * Math.max(1e-3, plane.geometry.spacing[2]);
  return best.distance <= tolerance ? best : { nearest: best.distance };
}

/**
 * Finds each picked series' slice at the reference plane and checks that they are co-registered:
 * the same frame of reference as the slice shown, a slice at its position, and one pixel grid
 * (size, spacing, position, orientation; @meddiff/cdm's rule, the one the model applies again).
 * Throws InvalidTaskError for a contrast without a series, NotCoregisteredError otherwise.
 */
export function locateSources(services: OhifServices, contrasts: readonly string[], picks: Readonly<Record<string, string>>, plane: ReferencePlane): Record<string, LocatedSource> {
  const located: Record<string, LocatedSource> = {};
  for (const contrast of contrasts) {
    const uid = picks[contrast];
    if (!uid) throw new InvalidTaskError(`Choose the series that holds ${contrast}: the model translates from ${contrasts.join(' + ')}.`);
    const ds = services.displaySetService.getDisplaySetByUID(uid);
    if (!ds) throw new InvalidTaskError(`The series picked for ${contrast} is no longer loaded; pick it again.`);
    const label = `${contrast} (${ds.SeriesDescription ?? ds.SeriesInstanceUID})`;
    const first = instancesOf(ds)[0];
    if (!first) throw new InvalidTaskError(`${label} has no images.`);
    const frame = str(first, 'FrameOfReferenceUID');
    if (plane.frameOfReferenceUID && frame && frame !== plane.frameOfReferenceUID) {
      throw new NotCoregisteredError(`${label} is in another frame of reference than the slice shown, so no slice of it can be matched to this position. Show one of the source series in the active viewport, and pick series of one session.`);
    }
    const hit = sliceAt(ds, plane);
    if (!('instance' in hit)) {
      const how = Number.isFinite(hit.nearest) ? `its nearest slice is ${hit.nearest.toFixed(1)} mm away` : 'it has no slice positions';
      throw new NotCoregisteredError(`${label} has no slice at the position shown (${how}). Scroll to a slice the source series share, or pick series that cover it.`);
    }
    const rows = Number(hit.instance['Rows']);
    const columns = Number(hit.instance['Columns']);
    const f = str(hit.instance, 'FrameOfReferenceUID');
    located[contrast] = { contrast, displaySet: ds, instance: hit.instance, rows, columns, geometry: sliceGeometry(hit.instance), ...(f ? { frameOfReferenceUID: f } : {}) };
  }
  try {
    checkCoregistered(Object.fromEntries(Object.values(located).map((s) => [s.contrast, { data: new Float32Array(0), shape: [s.rows, s.columns] as const, geometry: s.geometry, ...(s.frameOfReferenceUID ? { frameOfReferenceUID: s.frameOfReferenceUID } : {}) }])));
  } catch (e) {
    if (e instanceof CdmNotCoregisteredError) throw new NotCoregisteredError(e.message);
    throw e;
  }
  return located;
}

/** The instances of a series in order along its normal (the first instance's), each with its geometry. */
export function orderedInstances(ds: OhifDisplaySet): { instance: Instance; geometry: ImageGeometry }[] {
  const slices = instancesOf(ds).map((instance) => ({ instance, geometry: sliceGeometry(instance) }));
  const n = slices[0]?.geometry.direction.slice(6, 9) ?? [0, 0, 1];
  return slices.sort((a, b) => dot(a.geometry.origin, n) - dot(b.geometry.origin, n));
}

/** The plane of every slice of a series, in order along its normal (what a whole-series run visits). */
export function seriesPlanes(ds: OhifDisplaySet): ReferencePlane[] {
  return orderedInstances(ds).map(({ instance, geometry }): ReferencePlane => {
    const f = str(instance, 'FrameOfReferenceUID');
    return { geometry, ...(f ? { frameOfReferenceUID: f } : {}) };
  });
}

/**
 * Every slice of the series shown in a viewport, in order along its normal, read in modality units
 * (from cornerstone's cache, or loaded), each as the slice a single-slice run would take.
 */
export async function readSeriesSlices(shown: ActiveSlice, cs: CornerstoneGlobals | undefined, imageIdOf: ImageIdOf): Promise<ActiveSlice[]> {
  const out: ActiveSlice[] = [];
  for (const [k, { instance, geometry }] of orderedInstances(shown.displaySet).entries()) {
    // Named in readSources' messages as "the #k slice".
    const located: LocatedSource = { contrast: `#${k + 1}`, displaySet: shown.displaySet, instance, rows: Number(instance['Rows']), columns: Number(instance['Columns']), geometry };
    const image = (await readSources({ slice: located }, cs, imageIdOf))[located.contrast]!;
    const imageId = (instance['imageId'] as string | undefined) ?? imageIdOf(instance)!;
    out.push({ viewportId: shown.viewportId, displaySet: shown.displaySet, imageId, image });
  }
  return out;
}

/** The image ID of an instance: OHIF keeps it on the instance; a data source can also make it. */
export type ImageIdOf = (instance: Instance) => string | undefined;

/** Reads the pixels of located slices (from cornerstone's cache, or loading them), in modality units. */
export async function readSources(located: Readonly<Record<string, LocatedSource>>, cs: CornerstoneGlobals | undefined, imageIdOf: ImageIdOf): Promise<Record<string, Image2D>> {
  if (!cs) throw new NoActiveImageError('The viewer exposes no cornerstone (window.cornerstone); this OHIF build is not supported.');
  const out: Record<string, Image2D> = {};
  for (const s of Object.values(located)) {
    const imageId = (s.instance['imageId'] as string | undefined) ?? imageIdOf(s.instance);
    if (!imageId) throw new NoActiveImageError(`The ${s.contrast} slice has no image ID; wait until its series has loaded.`);
    const image = cs.cornerstone.cache.getImage(imageId) ?? (await cs.cornerstone.imageLoader?.loadAndCacheImage(imageId));
    if (!image) throw new NoActiveImageError(`The ${s.contrast} slice could not be loaded (${imageId}).`);
    out[s.contrast] = sliceImage(s.instance, image, imageId, s.displaySet);
  }
  return out;
}

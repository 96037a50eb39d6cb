/** Which series of the study shown hold a translation's source contrasts, and whether they fit together at a slice. */
import type { OhifServices } from '../ohif/ohifTypes.js';
import { guessSources, locateSources, sourceCandidates, type ReferencePlane } from '../viewer/sourceSeries.js';
import { errorInfo, type TranslationSources } from './controllerState.js';

/** The study's image series as candidates, the user's picks that still exist, and guesses (from series descriptions) for the others. */
export function listedSources(services: OhifServices, contrasts: readonly string[], current: TranslationSources, plane: ReferencePlane | undefined): TranslationSources {
  const candidates = sourceCandidates(services.displaySetService.getActiveDisplaySets(), plane?.studyInstanceUID);
  return { ...current, candidates, picks: guessSources([...contrasts], candidates, current.picks) };
}

/** Checks the picked series at a slice (metadata only): located, on one grid, co-registered. */
export function sourcesCheck(services: OhifServices, contrasts: readonly string[], picks: Record<string, string>, plane: () => ReferencePlane): { ok: boolean; message: string } {
  try {
    const located = locateSources(services, [...contrasts], picks, plane());
    const first = located[contrasts[0]!]!;
    return { ok: true, message: `Co-registered at this slice: ${contrasts.join(', ')} on one ${first.rows} x ${first.columns} grid.` };
  } catch (e) {
    return { ok: false, message: errorInfo(e).message };
  }
}

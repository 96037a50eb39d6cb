import type { CommandsManager, OhifDisplaySet, OhifServices } from '../ohif/ohifTypes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The display set OHIF made for a series, once it has (registration is asynchronous). */
export async function waitForDisplaySet(services: OhifServices, seriesInstanceUID: string, timeoutMs = 10_000): Promise<OhifDisplaySet | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ds = services.displaySetService.getActiveDisplaySets().find((d) => d.SeriesInstanceUID === seriesInstanceUID);
    if (ds || Date.now() > deadline) return ds;
    await sleep(50);
  }
}

/**
 * Shows a result beside its source: a 1 x 2 layout when the viewer has a single viewport, then the
 * result in the viewport that does not hold the source.
 */
export async function showSideBySide(services: OhifServices, commandsManager: CommandsManager, sourceViewportId: string, resultDisplaySetUID: string): Promise<void> {
  const grid = services.viewportGridService;
  if (grid.getState().viewports.size < 2) {
    commandsManager.runCommand('setViewportGridLayout', { numRows: 1, numCols: 2 });
    const deadline = Date.now() + 5000;
    while (grid.getState().viewports.size < 2 && Date.now() < deadline) await sleep(50);
  }
  const viewports = [...grid.getState().viewports.values()];
  const sourceDisplaySets = grid.getState().viewports.get(sourceViewportId)?.displaySetInstanceUIDs ?? [];
  const target = (viewports.find((v) => v.viewportId !== sourceViewportId && !v.displaySetInstanceUIDs.some((uid) => sourceDisplaySets.includes(uid))) ?? viewports.find((v) => v.viewportId !== sourceViewportId))?.viewportId;
  if (!target) return;
  await grid.setDisplaySetsForViewports([{ viewportId: target, displaySetInstanceUIDs: [resultDisplaySetUID] }]);
  // The grid applies it on its next render: wait until it shows, so callers see the final layout.
  const deadline = Date.now() + 5000;
  while (!grid.getState().viewports.get(target)?.displaySetInstanceUIDs.includes(resultDisplaySetUID) && Date.now() < deadline) await sleep(50);
}

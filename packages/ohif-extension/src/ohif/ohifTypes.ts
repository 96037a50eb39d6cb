/**
 * The slices of OHIF 3.13's and cornerstone3D's APIs this extension uses, typed structurally: the
 * host app exposes no types to run-time plugins, and depending on @ohif/core for types would
 * bundle it. Each member is what the extension calls, nothing more.
 */

export interface Unsubscribe {
  unsubscribe(): void;
}

export interface OhifDisplaySet {
  displaySetInstanceUID: string;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  SeriesDescription?: string;
  SeriesNumber?: number;
  Modality?: string;
  SOPClassUID?: string;
  SOPClassHandlerId?: string;
  isDerivedDisplaySet?: boolean;
  instances?: Record<string, unknown>[];
  instance?: Record<string, unknown>;
}

export interface ViewportGridState {
  activeViewportId: string | null;
  layout: { numRows: number; numCols: number };
  viewports: Map<string, { viewportId: string; displaySetInstanceUIDs: string[] }>;
}

export interface OhifServices {
  viewportGridService: {
    getState(): ViewportGridState;
    getActiveViewportId(): string | null;
    getDisplaySetsUIDsForViewport(viewportId: string): string[] | undefined;
    setDisplaySetsForViewports(viewports: { viewportId: string; displaySetInstanceUIDs: string[] }[]): void | Promise<void>;
  };
  displaySetService: {
    getDisplaySetByUID(uid: string): OhifDisplaySet | undefined;
    getActiveDisplaySets(): OhifDisplaySet[];
    subscribe(event: string, cb: (data: unknown) => void): Unsubscribe;
    EVENTS: Record<string, string>;
  };
  cornerstoneViewportService?: {
    getCornerstoneViewport(viewportId: string): CornerstoneViewport | undefined;
  };
  segmentationService?: {
    getActiveSegmentation(viewportId: string): { segmentationId: string } | undefined;
    getActiveSegment(viewportId: string): { segmentIndex: number } | undefined;
    getSegmentation?(segmentationId: string): { representationData?: { Labelmap?: { imageIds?: string[]; referencedImageIds?: string[] } } } | undefined;
  };
  uiNotificationService?: {
    show(o: { title: string; message: string; type?: 'success' | 'error' | 'info' | 'warning'; duration?: number }): void;
  };
  panelService?: {
    activatePanel(panelId: string, forceActive?: boolean): void;
  };
  toolbarService?: {
    register(buttons: unknown[]): void;
    updateSection(key: string, ids: string[]): void;
    getButtonSection?(key: string): { id: string }[];
  };
  [name: string]: unknown;
}

export interface ServicesManager {
  services: OhifServices;
}

export interface CommandsManager {
  runCommand(name: string, options?: Record<string, unknown>, context?: string | string[]): unknown;
  run?(command: unknown, options?: Record<string, unknown>): unknown;
}

export interface ExtensionManager {
  getDataSources(name?: string): { store?: { dicom?: (dataset: unknown) => Promise<unknown> }; getConfig?(): Record<string, unknown> }[] | undefined;
  getActiveDataSource?(): { getImageIdsForInstance?(o: { instance: Record<string, unknown> }): string | undefined }[];
  appConfig?: Record<string, unknown>;
}

export interface CornerstoneImage {
  rows: number;
  columns: number;
  color?: boolean;
  numberOfComponents?: number;
  slope?: number;
  intercept?: number;
  preScale?: { scaled?: boolean; scalingParameters?: { rescaleSlope?: number; rescaleIntercept?: number } };
  getPixelData(): ArrayLike<number>;
  voxelManager?: { getScalarData(): ArrayLike<number> };
  photometricInterpretation?: string;
}

export interface CornerstoneViewport {
  id: string;
  getCurrentImageId?(): string | undefined;
  getCurrentImageIdIndex?(): number;
}

/** window.cornerstone and window.cornerstoneTools, as much as the extension uses. */
export interface CornerstoneGlobals {
  cornerstone: {
    cache: { getImage(imageId: string): CornerstoneImage | undefined };
    metaData: { get(type: string, imageId: string): unknown };
    /** Loads images of series no viewport shows (translation sources). */
    imageLoader?: { loadAndCacheImage(imageId: string): Promise<CornerstoneImage> };
  };
  cornerstoneTools?: {
    annotation?: { state?: { getAllAnnotations?(): CornerstoneAnnotation[] } };
    segmentation?: {
      getLabelmapImageIdsForImageId?(imageId: string, segmentationId: string): string[] | undefined;
      getCurrentLabelmapImageIdsForViewport?(viewportId: string, segmentationId: string): string[] | undefined;
      getCurrentLabelmapImageIdForViewport?(viewportId: string, segmentationId: string): string | undefined;
    };
  };
}

export interface CornerstoneAnnotation {
  annotationUID?: string;
  metadata?: { toolName?: string; referencedImageId?: string };
  data?: { handles?: { points?: number[][] } };
}

export function cornerstoneGlobals(): CornerstoneGlobals | undefined {
  const w = globalThis as unknown as { cornerstone?: CornerstoneGlobals['cornerstone']; cornerstoneTools?: CornerstoneGlobals['cornerstoneTools'] };
  return w.cornerstone ? { cornerstone: w.cornerstone, ...(w.cornerstoneTools ? { cornerstoneTools: w.cornerstoneTools } : {}) } : undefined;
}

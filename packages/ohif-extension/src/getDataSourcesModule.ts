import { LOCAL_DATA_SOURCE_MODULE } from './id.js';

type Instance = Record<string, unknown> & { StudyInstanceUID?: string; SOPInstanceUID?: string };

/**
 * A data source that keeps results in this browser. OHIF's `createStoreFunction` registers an
 * instance with the viewer (an in-memory copy it displays) and then calls the source's
 * `store.dicom`; this source only remembers it, so a result is shown without touching the PACS.
 * It lists no studies of its own and is never the active source.
 */
export function createLocalResultsDataSource(configuration: Record<string, unknown> = {}) {
  const instances = new Map<string, Instance>();
  return {
    initialize: async () => undefined,
    query: {
      studies: { search: async () => [] },
      series: { search: async () => [] },
      instances: { search: async () => [] },
    },
    retrieve: {
      directURL: () => undefined,
      series: { metadata: async () => undefined },
      bulkDataURI: async () => undefined,
    },
    store: {
      dicom: async (dataset: Instance) => {
        if (dataset.SOPInstanceUID) instances.set(dataset.SOPInstanceUID, dataset);
      },
    },
    /** Instances kept here, by SOP Instance UID. */
    get instances(): ReadonlyMap<string, Instance> {
      return instances;
    },
    deleteStudyMetadataPromise: () => undefined,
    getImageIdsForDisplaySet: () => [],
    getImageIdsForInstance: ({ instance }: { instance: Instance }) => (instance['url'] as string | undefined) ?? undefined,
    getStudyInstanceUIDs: () => [],
    getConfig: () => ({ ...configuration }),
  };
}

export function getDataSourcesModule() {
  return [{ name: LOCAL_DATA_SOURCE_MODULE, type: 'localApi', createDataSource: createLocalResultsDataSource }];
}

// @meddiff/imaging/node: the Node-only parts (file system, Debian packages, dataset and sample-study builders).
export { resolveCacheDir, findRepoRoot } from './node/cacheDir.js';
export { ensureDebianPackage, openDataFile, parseCopyright, PROVENANCE_FILE, type DebianProvenance } from './node/debian.js';
export { fetchOpenData } from './node/openData.js';
export { loadOpenSource, loadOpenSourceAsync, openSourceById } from './node/loadOpenSource.js';
export { writeDataset, readDataset, type VolumeGroup, type WriteDatasetOptions } from './node/writeDataset.js';
export { buildOpenDataset, type BuildOpenDatasetOptions } from './node/buildDataset.js';
export { buildCorpusDataset, type BuildCorpusOptions } from './node/buildCorpus.js';
export { discoverUserVolumes, buildUserDataset, type UserFolderOptions } from './node/userFolder.js';
export { writeSampleStudies, uidFromName, type SampleStudyIndex } from './node/sampleStudies.js';
export { readDicomFolder, readFile, readImageFile } from './node/files.js';
export { foreignEntries, removeOwnEntries } from './node/outputFolder.js';
export { exitCodeFor, integerOption, listOption, nonNegativeOption, positiveOption, runCommandLine } from './node/commandKit.js';
export { dciodvfy, type DicomConformance } from './node/dciodvfy.js';
export { contentTypeParam, encodeMultipart, newBoundary, parseMultipart, MultipartError, type Part } from './node/multipart.js';
export { startOrthanc, uploadToOrthanc, orthancAvailable, orthancConfig, OrthancError, ORTHANC_BINARY, DICOMWEB_PLUGIN, type OrthancOptions, type RunningOrthanc } from './node/orthanc.js';
export { freePort } from './node/freePort.js';

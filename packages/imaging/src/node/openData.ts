import { DEBIAN_PACKAGES } from '../dataset/openSources.js';
import { type DebianProvenance, ensureDebianPackage } from './debian.js';

/** Fetches and unpacks every Debian package the open sources and the DICOM tests need. Cached. */
export function fetchOpenData(cacheDir: string, log: (msg: string) => void = () => undefined): { package: string; fetched: boolean; provenance: DebianProvenance }[] {
  return DEBIAN_PACKAGES.map((pkg) => {
    const r = ensureDebianPackage(pkg, cacheDir, log);
    return { package: pkg, fetched: r.fetched, provenance: r.provenance };
  });
}

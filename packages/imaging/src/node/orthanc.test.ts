import { describe, expect, it } from 'vitest';
import { DICOMWEB_PLUGIN, orthancConfig } from './orthanc.js';

describe('the Orthanc configuration', () => {
  it('serves loopback clients only, has no DICOM listener, and keeps its data in the given folder', () => {
    const c = orthancConfig('/data/orthanc', 8123);
    expect(c).toMatchObject({
      HttpPort: 8123,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      DicomServerEnabled: false,
      StorageDirectory: '/data/orthanc/db',
      IndexDirectory: '/data/orthanc/db',
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/' },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { writePart10 } from './writeDicom.js';
import { readDicom } from './readDicom.js';

// No enhanced multi-frame file is among the reachable test data, so build one: three frames whose
// positions, spacing and rescale live in functional groups (PS3.3 C.7.6.16), listed out of order.
function enhanced(): Uint8Array {
  const rows = 4, cols = 3, frames = 3;
  const px = new Int16Array(rows * cols * frames).map((_, i) => i - 5);
  const positions = [[0, 0, 4], [0, 0, 0], [0, 0, 2]];
  return writePart10({
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.4.1',
    SOPInstanceUID: '2.25.77',
    SeriesInstanceUID: '2.25.78',
    StudyInstanceUID: '2.25.79',
    FrameOfReferenceUID: '2.25.80',
    Modality: 'MR',
    Rows: rows,
    Columns: cols,
    NumberOfFrames: frames,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [{ PixelSpacing: ['0.5', '0.25'], SliceThickness: '2' }],
        PlaneOrientationSequence: [{ ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'] }],
        PixelValueTransformationSequence: [{ RescaleSlope: '2', RescaleIntercept: '10', RescaleType: 'US' }],
      },
    ],
    PerFrameFunctionalGroupsSequence: positions.map((p) => ({ PlanePositionSequence: [{ ImagePositionPatient: p.map(String) }] })),
    PixelData: [px.buffer],
    _vrMap: { PixelData: 'OW' },
  });
}

describe('enhanced multi-frame (functional groups)', () => {
  it('takes per-frame positions and shared spacing and rescale, and sorts frames along the normal', async () => {
    const v = await readDicom(enhanced(), { file: 'enhanced.dcm' });
    expect(v.shape).toEqual([3, 4, 3]);
    expect(v.geometry.spacing).toEqual([0.25, 0.5, 2]);
    expect(v.geometry.origin).toEqual([0, 0, 0]);
    // Frame 2 (0-based 1) is at z = 0, so it comes first; value = stored * 2 + 10.
    expect(v.data[0]).toBe((12 - 5) * 2 + 10);
    expect(v.source.dicom?.map((d) => d.frameNumber)).toEqual([2, 3, 1]);
  });
});

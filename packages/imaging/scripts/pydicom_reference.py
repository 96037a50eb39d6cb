#!/usr/bin/python3
"""Dump reference pixel statistics of pydicom's test files, decoded by pydicom, for the reader's tests.

Run with Debian's Python (python3-pydicom 2.3, python3-numpy, python3-pil), after the set-up step:
    /usr/bin/python3 scripts/pydicom_reference.py <cache>/open-data/python3-pydicom > src/dicom/__fixtures__/pydicom-reference.json
Values are after the modality LUT (pydicom's apply_modality_lut), as float64.
"""
import json
import os
import sys
import warnings

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut

warnings.simplefilter("ignore")
root = os.path.join(sys.argv[1], "usr/lib/python3/dist-packages/pydicom/data/test_files")
FILES = [
    "CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm", "MR_small_implicit.dcm",
    "MR_small_padded.dcm", "MR_small_RLE.dcm", "rtdose.dcm", "rtdose_1frame.dcm", "rtdose_expb.dcm",
    "rtdose_rle.dcm", "rtdose_rle_1frame.dcm", "image_dfl.dcm", "no_meta.dcm", "liver_1frame.dcm",
    "liver_expb_1frame.dcm", "693_J2KI.dcm", "JPEG2000.dcm", "SC_rgb_rle.dcm", "SC_rgb_rle_16bit.dcm",
    "SC_rgb_jpeg_gdcm.dcm", "SC_rgb_gdcm_KY.dcm", "SC_rgb_jpeg_lossy_gdcm.dcm",
]
out = {"pydicom": pydicom.__version__, "numpy": np.__version__, "files": {}}
for name in FILES:
    ds = pydicom.dcmread(os.path.join(root, name), force=True)
    if not hasattr(ds.file_meta, "TransferSyntaxUID"):
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    try:
        arr = ds.pixel_array
    except Exception as e:  # no handler here for this syntax
        out["files"][name] = {"error": str(e)[:200]}
        continue
    colour = int(getattr(ds, "SamplesPerPixel", 1)) > 1
    vals = arr.astype(np.float64) if colour else apply_modality_lut(arr, ds).astype(np.float64)
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    flat = vals.reshape(frames, int(ds.Rows), int(ds.Columns), -1)
    n = flat.shape[1] * flat.shape[2]
    idx = [0, 1, n // 3, n // 2, n - 1]
    entry = {
        "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
        "frames": frames,
        "rows": int(ds.Rows),
        "cols": int(ds.Columns),
        "samplesPerPixel": int(getattr(ds, "SamplesPerPixel", 1)),
        "min": float(vals.min()),
        "max": float(vals.max()),
        "sum": float(vals.sum()),
        # first and last frame, a few flat indices (row-major within the frame), all samples
        "pixels": {str(i): [flat[0].reshape(n, -1)[i].tolist(), flat[-1].reshape(n, -1)[i].tolist()] for i in idx},
    }
    for key in ("ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "RescaleSlope", "RescaleIntercept", "SliceThickness"):
        if key in ds and ds.data_element(key).value is not None and ds.data_element(key).value != "":
            v = ds.data_element(key).value
            entry[key] = [float(x) for x in v] if isinstance(v, (list, pydicom.multival.MultiValue)) else float(v)
    out["files"][name] = entry
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")

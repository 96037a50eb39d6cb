#!/usr/bin/python3
"""Make the NIfTI test fixtures and reference values with nibabel (Debian's python3-nibabel).

    /usr/bin/python3 scripts/nibabel_reference.py <cache dir> src/nifti/__fixtures__

Writes two small fixtures cut from the real Colin27 scan (a NIfTI-2 file with a rotated sform and
scl_slope/scl_inter, and a NIfTI-1 file with only a qform, qfac -1 and scaling) and reference.json with
nibabel's affine (RAS), shape and statistics of get_fdata() for them and for the open NIfTI scans.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np

cache, out_dir = sys.argv[1], sys.argv[2]
od = os.path.join(cache, "open-data")
ch2 = nib.load(os.path.join(od, "mricron-data/usr/share/mricron/templates/ch2.nii.gz"))
crop = np.asarray(ch2.dataobj)[80:100, 100:124, 80:96].astype(np.int16)  # x, y, z

def rot(ax, deg):
    t = np.deg2rad(deg); c, s = np.cos(t), np.sin(t)
    m = np.eye(3)
    i, j = [(1, 2), (0, 2), (0, 1)][ax]
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m

# NIfTI-2, sform only, rotated and anisotropic, with scaling.
aff2 = np.eye(4)
aff2[:3, :3] = rot(2, 20) @ rot(0, 10) @ np.diag([0.9, 1.1, 1.3])
aff2[:3, 3] = [-12.5, 30.25, 8.0]
img2 = nib.Nifti2Image(crop, aff2)
img2.header.set_sform(aff2, code=2)
img2.header.set_qform(None, code=0)
img2.header.set_slope_inter(0.5, 10.0)
nib.save(img2, os.path.join(out_dir, "colin-crop-nifti2.nii.gz"))

# NIfTI-1, qform only with a left-handed axis (qfac -1), with scaling.
aff1 = np.eye(4)
aff1[:3, :3] = rot(1, -15) @ np.diag([-1.0, 1.0, 2.0])
aff1[:3, 3] = [40.0, -20.0, 5.5]
img1 = nib.Nifti1Image(crop, aff1)
img1.header.set_qform(aff1, code=1)
img1.header.set_sform(None, code=0)
img1.header.set_slope_inter(2.0, -100.0)
nib.save(img1, os.path.join(out_dir, "colin-crop-qform.nii"))

def describe(path):
    img = nib.load(path)
    data = img.get_fdata(dtype=np.float64)
    if data.ndim > 3:
        data = data[..., 0] if data.ndim == 4 else data.reshape(data.shape[:3] + (-1,))[..., 0]
    flat = data.reshape(-1, order="F")  # x fastest, as stored
    idx = [0, flat.size // 3, flat.size // 2, flat.size - 1]
    return {
        "version": 2 if isinstance(img, nib.Nifti2Image) else 1,
        "shape": [int(x) for x in img.shape],
        "affineRAS": np.asarray(img.affine, dtype=float).round(6).tolist(),
        "min": float(data.min()), "max": float(data.max()), "sum": float(data.sum()),
        "voxels": {str(i): float(flat[i]) for i in idx},
    }

files = {
    "colin-crop-nifti2.nii.gz": os.path.join(out_dir, "colin-crop-nifti2.nii.gz"),
    "colin-crop-qform.nii": os.path.join(out_dir, "colin-crop-qform.nii"),
}
for pkg, rel in [
    ("mricron-data", "usr/share/mricron/templates/ch2.nii.gz"),
    ("mricron-data", "usr/share/mricron/templates/inia19-t1-brain.nii.gz"),
    ("python3-dipy", "usr/lib/python3/dist-packages/dipy/data/files/test_piesno.nii.gz"),
    ("python3-dipy", "usr/lib/python3/dist-packages/dipy/data/files/S0_10slices.nii.gz"),
    ("python3-dipy", "usr/lib/python3/dist-packages/dipy/data/files/small_64D.nii"),
    ("python3-nipype", "usr/lib/python3/dist-packages/nipype/testing/data/tpm_00.nii.gz"),
    ("python3-nipype", "usr/lib/python3/dist-packages/nipype/testing/data/ds003_sub-01_mc.nii.gz"),
]:
    files[f"{pkg}:{rel}"] = os.path.join(od, pkg, rel)
ref = {"nibabel": nib.__version__, "files": {k: describe(v) for k, v in files.items()}}
with open(os.path.join(out_dir, "nibabel-reference.json"), "w") as f:
    json.dump(ref, f, indent=1)
    f.write("\n")

"""The slice datasets that `imaging`'s dataset builder writes (imaging/src/dataset/manifest.ts):
manifest.json beside one little-endian float32 file per split, [count, channels, size, size] (NCHW)
values in [-1, 1], split by subject."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

DATASET_FORMAT = "meddiff-slices"


class DatasetError(ValueError):
    """A dataset folder that cannot be read; the message says what to do."""


@dataclass
class SliceDataset:
    manifest: dict
    split: str
    images: torch.Tensor  # (count, channels, size, size)

    @property
    def channels(self) -> list[str]:
        return list(self.manifest["channels"])

    def __len__(self) -> int:
        return self.images.shape[0]


def read_dataset(folder: str | Path, split: str = "train", verify: bool = True) -> SliceDataset:
    folder = Path(folder)
    mp = folder / "manifest.json"
    if not mp.exists():
        raise DatasetError(f"{mp} does not exist. Build the dataset first (`npx meddiff-imaging build-dataset`, see the imaging README) or give its folder.")
    manifest = json.loads(mp.read_text())
    if manifest.get("format") != DATASET_FORMAT:
        raise DatasetError(f"{mp} is not a {DATASET_FORMAT} manifest.")
    if split not in manifest["splits"]:
        raise DatasetError(f"{mp} has no '{split}' split (it has {', '.join(manifest['splits'])}).")
    s = manifest["splits"][split]
    raw = (folder / s["file"]).read_bytes()
    shape = (s["count"], len(manifest["channels"]), *manifest["size"])
    if len(raw) != 4 * int(np.prod(shape)):
        raise DatasetError(f"{folder / s['file']} has {len(raw)} bytes; the manifest implies {4 * int(np.prod(shape))}. Rebuild the dataset with --force.")
    if verify and hashlib.sha256(raw).hexdigest() != s["sha256"]:
        raise DatasetError(f"{folder / s['file']} does not match the SHA-256 in its manifest: rebuild the dataset with --force.")
    images = torch.from_numpy(np.frombuffer(raw, dtype="<f4").reshape(shape).copy())
    return SliceDataset(manifest, split, images)

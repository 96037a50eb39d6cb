import json
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from meddiff_torch.typescript import run_script  # noqa: E402


@pytest.fixture(scope="session")
def ts_configs() -> dict:
    """The configs the TypeScript packages build for every preset (scripts/ts_configs.ts)."""
    out = run_script("ts_configs.ts", [])
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def randomize(net: torch.nn.Module, seed: int, scale: float = 0.05) -> torch.nn.Module:
    """Moves every weight off its initial value (zero-initialised kernels included), so a forward
    pass exercises every path; seeded."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(scale * torch.randn(p.shape, generator=g))
    return net.eval()


# Contrasts of one blob image b in [-1, 1]: co-registered, each a different monotone or folded map of b.
CONTRASTS = {"T1": lambda b: b, "T2": lambda b: -b, "FLAIR": lambda b: 2 * b * b - 1, "PD": lambda b: b.clip(-0.5, 1) * 4 / 3 - 1 / 3}


def write_slice_dataset(folder: Path, size: int = 16, train: int = 24, val: int = 8, seed: int = 0, channels: tuple[str, ...] = ("image",)) -> Path:
    """A small dataset in the format `imaging` writes (manifest.json, train.f32, val.f32): smooth
    random blobs in [-1, 1], two subjects, one per split. Channels named in CONTRASTS are
    co-registered contrasts of the same blobs (a CDM dataset); any other name is the blob image."""
    import hashlib

    import numpy as np

    r = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    splits = {}
    folder.mkdir(parents=True, exist_ok=True)
    for split, count in (("train", train), ("val", val)):
        blobs = np.zeros((count, size, size), dtype=np.float32)
        for i in range(count):
            for _ in range(4):
                cy, cx, s, a = r.uniform(0.2, 0.8), r.uniform(0.2, 0.8), r.uniform(0.05, 0.2), r.uniform(0.3, 1)
                blobs[i] += a * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        blobs = np.clip(blobs / blobs.max() * 2 - 1, -1, 1)
        images = np.stack([CONTRASTS.get(c, lambda b: b)(blobs) for c in channels], axis=1).astype("<f4")
        raw = images.tobytes()
        (folder / f"{split}.f32").write_bytes(raw)
        splits[split] = {"file": f"{split}.f32", "count": count, "sha256": hashlib.sha256(raw).hexdigest()}
    volume = lambda subject, split, count: {"id": subject, "subject": subject, "split": split, "modality": "MR", "channels": list(channels), "stats": [], "shape": [count, size, size], "spacing": [1, 1, 1], "sliceIndices": list(range(count)), "offset": 0, "provenance": [{"kind": "user", "file": "synthetic", "licence": "CC0", "sha256": "0"}]}  # noqa: E731
    manifest = {
        "format": "meddiff-slices", "version": 1, "name": "synthetic-blobs", "size": [size, size], "channels": list(channels), "dtype": "float32", "layout": "NCHW",
        "valueRange": [-1, 1], "normalization": {}, "splits": splits,
        "subjects": [{"id": "blob-a", "split": "train"}, {"id": "blob-b", "split": "val"}],
        "volumes": [volume("blob-a", "train", train), volume("blob-b", "val", val)], "skipped": [], "inputsKey": "synthetic", "notes": "test fixture",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder

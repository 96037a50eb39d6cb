"""Co-registered multi-contrast slices for CDM (cdm/src/train/pairedSlices.ts): a slice dataset
whose channels are named after contrasts, prepared for a model as the TypeScript trainer does."""
from __future__ import annotations

import numpy as np
import torch

from .data import DatasetError
from .degradations import resample_weights


def channel_indices(channels: list[str], modalities: list[str]) -> list[int]:
    """The dataset channel of each modality, matched case-insensitively (modalities.ts ``modalityIndex``)."""
    lower = [c.lower() for c in channels]
    out = []
    for m in modalities:
        if m.lower() not in lower:
            raise DatasetError(f"The data has no '{m}' channel (it has {', '.join(channels)}); build it with that contrast or choose other modalities.")
        out.append(lower.index(m.lower()))
    return out


def _percentiles(sorted_rows: np.ndarray, p: float) -> np.ndarray:
    # NumPy's 'linear' method on float32 order statistics, in float64 (imaging's percentiles).
    n = sorted_rows.shape[1]
    pos = p / 100 * (n - 1)
    lo = int(np.floor(pos))
    hi = min(n - 1, lo + 1)
    return sorted_rows[:, lo] + (sorted_rows[:, hi] - sorted_rows[:, lo]) * (pos - lo)


def prepare_slices(images: torch.Tensor, size: int, normalization: dict) -> torch.Tensor:
    """(N, C, S, S) slices resized to ``size`` (area when shrinking, bilinear when enlarging) and
    every channel of every slice mapped on its own to [-1, 1] by the percentiles in
    ``normalization`` (``prepareSlices``); a slice without contrast becomes -1 everywhere."""
    if images.ndim != 4 or images.shape[2] != images.shape[3]:
        raise DatasetError(f"CDM trains on square slices; the dataset holds {list(images.shape[2:])} slices.")
    n, c, s, _ = images.shape
    x = images.detach().cpu().numpy().astype(np.float64).reshape(n * c, s, s)
    if s != size:
        w = resample_weights(s, size, "area" if s > size else "bilinear")
        x = w @ x @ w.T
    # resize2d returns float32; the statistics are taken of those values.
    x = x.astype(np.float32).reshape(n * c, size * size)
    finite = np.isfinite(x).all(axis=1)
    ordered = np.sort(np.where(np.isfinite(x), x, 0), axis=1).astype(np.float64)
    low, high = _percentiles(ordered, normalization["lowPercentile"]), _percentiles(ordered, normalization["highPercentile"])
    usable = finite & (high > low)
    scale = np.where(usable, 2 / np.where(usable, high - low, 1), 0)
    y = np.clip((x.astype(np.float64) - low[:, None]) * scale[:, None] - 1, -1, 1)
    y[~usable] = -1
    return torch.from_numpy(y.astype(np.float32).reshape(n, c, size, size))


def spread_indices(count: int, k: int) -> torch.Tensor:
    """At most ``k`` slice indices spread evenly over ``count`` (``spreadSlices``), so every subject is represented."""
    k = min(k, count)
    return torch.tensor([t * count // k for t in range(k)], dtype=torch.long)

"""The MAE-style patch mask of CDM's MRM (He et al. 2022; cdm/src/nn/patchMask.ts)."""
from __future__ import annotations

import torch

from .unet import ConfigError


def patch_keep_mask(scores: torch.Tensor, height: int, width: int, patch_size: int, ratio: float) -> torch.Tensor:
    """(B, 1, H, W): 1 where pixels are kept, 0 on exactly round(ratio x patches) patches per image.

    ``scores`` (B, patches) are uniform draws, one per patch in row-major order; the patches with
    the smallest scores are dropped, a uniform random subset as the TypeScript partial shuffle
    gives. The caller draws them (``batch.draw``), so an image's mask does not depend on the world size.
    """
    if patch_size < 1 or height % patch_size or width % patch_size:
        raise ConfigError(f"patch_keep_mask: patch size {patch_size} must divide the image size {height} x {width}; set mrm.patchSize to a divisor of imageSize.")
    if not 0 <= ratio < 1:
        raise ConfigError(f"patch_keep_mask: the masked share must be in [0, 1), got {ratio}; set mrm.maskRatio.")
    py, px = height // patch_size, width // patch_size
    if scores.shape[1] != py * px:
        raise ValueError(f"patch_keep_mask: expected {py * px} scores per image, got {scores.shape[1]}.")
    # JavaScript's Math.round: halves go up.
    dropped = int((ratio * py * px) + 0.5)
    keep = torch.ones_like(scores)
    if dropped:
        keep.scatter_(1, scores.argsort(dim=1)[:, :dropped], 0.0)
    grid = keep.reshape(-1, 1, py, px)
    return grid.repeat_interleave(patch_size, dim=2).repeat_interleave(patch_size, dim=3)

"""The frozen MRM's vectors of chosen channels of every slice (cdm/src/train/encodeSlices.ts)."""
from __future__ import annotations

import torch

from ..models.cdm import MaskedRepresentationModel


@torch.no_grad()
def encode_slices(mrm: MaskedRepresentationModel, images: torch.Tensor, channels: list[int], chunk: int = 32) -> torch.Tensor:
    """(N, C, H, W) slices -> (N, len(channels) x D): each channel encoded on its own, concatenated in
    ``channels`` order. Computed once before a stage trains, in eval mode, in float32."""
    was_training = mrm.training
    mrm.eval()
    try:
        parts = [mrm.encode_channels(images[i:i + chunk, channels].float()) for i in range(0, images.shape[0], chunk)]
    finally:
        mrm.train(was_training)
    return torch.cat(parts)

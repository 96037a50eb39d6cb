"""Mean absolute error per target contrast of a translator (cdm/src/train/validation.ts
``translationErrors``): on the [-1, 1] scale, outputs clipped to it."""
from __future__ import annotations

from typing import Callable

import torch


@torch.no_grad()
def translation_errors(sources: torch.Tensor, targets: torch.Tensor, predict: Callable[[torch.Tensor, int], torch.Tensor], batch_size: int = 8) -> list[float]:
    """``predict(sources_batch, first_index)`` returns (b, targets, H, W); one error per target channel."""
    sums = torch.zeros(targets.shape[1], dtype=torch.float64)
    for start in range(0, sources.shape[0], batch_size):
        out = predict(sources[start:start + batch_size], start).float().clamp(-1, 1)
        sums += (out - targets[start:start + batch_size]).abs().mean(dim=(2, 3)).sum(dim=0).double().cpu()
    return (sums / sources.shape[0]).tolist()


def named_errors(targets: list[str], errors: list[float]) -> dict:
    """{'mae_<target>': ..., 'mae': mean}, the keys the TypeScript trainer logs and its card holds."""
    return {**{f"mae_{t}": e for t, e in zip(targets, errors)}, "mae": sum(errors) / len(errors)}

"""Deterministic DDIM with an x0-predicting network (Song et al. 2021, eq. 12 with eta = 0), as
diffusion-core's DdimScheduler with predictionType 'x0' and no x0 processing: what CDM's MDN
samples with (cdm/src/nn/mdn.ts ``scheduler``)."""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch


def trailing_timesteps(num_train: int, steps: int) -> list[int]:
    """Descending timesteps, the first at T - 1 (Lin et al. 2024, table 2; samplers/timestepSpacing.ts)."""
    if not 1 <= steps <= num_train:
        raise ValueError(f"numInferenceSteps must be an integer in [1, {num_train}], got {steps}.")
    stride = num_train / steps
    # Math.round of a non-negative number: halves go up.
    return [int(np.floor(num_train - i * stride + 0.5)) - 1 for i in range(steps)]


def ddim_sample_x0(predict_x0: Callable[[torch.Tensor, int], torch.Tensor], x: torch.Tensor, alphas_cumprod: np.ndarray, steps: int) -> torch.Tensor:
    """Runs the reverse process from x_T = ``x``; ``predict_x0(x_t, t)`` is the network. Returns x_0."""
    ts = trailing_timesteps(len(alphas_cumprod), steps)
    for i, t in enumerate(ts):
        ab_t = float(alphas_cumprod[t])
        ab_s = float(alphas_cumprod[ts[i + 1]]) if i + 1 < len(ts) else 1.0
        # 1. the predicted x0 and the noise it implies; 2. eq. 12: sqrt(ab_s) x0 + sqrt(1 - ab_s) eps.
        x0 = predict_x0(x, t)
        eps = (x - x0 * float(np.sqrt(ab_t))) / float(np.sqrt(1 - ab_t))
        x = x0 * float(np.sqrt(ab_s)) + eps * float(np.sqrt(max(1 - ab_s, 0.0)))
    return x

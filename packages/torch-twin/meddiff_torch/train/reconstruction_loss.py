"""Mean squared or absolute error of a network that is not a diffusion model (diffusion-core's
``reconstructionLoss``): CDM's C-UNet and its plain U-Net baseline use ``config.loss``."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..nn.unet import ConfigError

RECONSTRUCTION_LOSSES = {"mse": F.mse_loss, "l1": F.l1_loss}


def check_reconstruction_loss(kind: str) -> None:
    if kind not in RECONSTRUCTION_LOSSES:
        raise ConfigError(f"loss '{kind}' is unknown. Allowed: {', '.join(RECONSTRUCTION_LOSSES)}.")


def reconstruction_loss(prediction: torch.Tensor, target: torch.Tensor, kind: str) -> torch.Tensor:
    """The mean over every element (in float32, also under autocast)."""
    check_reconstruction_loss(kind)
    return RECONSTRUCTION_LOSSES[kind](prediction.float(), target.float())

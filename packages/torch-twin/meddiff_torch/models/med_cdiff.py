"""Med-cDiff (Hung et al. 2023): a conditional DDPM, the condition concatenated to the noisy image."""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn as nn

from ..nn.unet import UNet
from ..weights import load_tf_state, read_weights, save_weights, tf_state

MODEL_CLASS = "MedCDiff"
REGRESSION_MODEL_CLASS = "MedCDiff-Regression"
CONFIG_VERSION = 1


def condition_channels(task: str) -> int:
    return 2 if task == "inpainting" else 1


class MedCDiff(nn.Module):
    """The network of a MedCDiffConfig (med-cdiff/src/config.ts); ``forward`` predicts epsilon."""

    def __init__(self, config: dict):
        super().__init__()
        if config.get("version") != CONFIG_VERSION:
            raise ValueError(f"MedCDiffConfig.version {config.get('version')!r} is not supported; this package reads {CONFIG_VERSION}.")
        self.config = config
        self.unet = UNet(config["unet"])

    def forward(self, noisy: torch.Tensor, condition: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return self.unet(torch.cat([noisy, condition], dim=1), timesteps)

    @classmethod
    def load(cls, folder: str | Path) -> tuple["MedCDiff", dict]:
        """A model saved by either side; returns it and its metadata (config, card)."""
        meta, weights = read_weights(folder, MODEL_CLASS)
        model = cls(meta["config"])
        load_tf_state(model.unet, weights, str(folder))
        return model, meta

    def save(self, folder: str | Path, card: dict | None = None, storage_dtype: str = "float32", overwrite: bool = False) -> dict:
        return save_weights(folder, tf_state(self.unet), MODEL_CLASS, self.config, card, storage_dtype, overwrite)


class MedCDiffRegression(nn.Module):
    """The regression baseline (med-cdiff/src/baselines/regressionUNet.ts): the model's U-Net without
    the time input, predicting in one pass from the condition what the diffusion model samples."""

    def __init__(self, config: dict):
        super().__init__()
        if config.get("version") != CONFIG_VERSION:
            raise ValueError(f"MedCDiffConfig.version {config.get('version')!r} is not supported; this package reads {CONFIG_VERSION}.")
        self.config = config
        self.unet = UNet({**config["unet"], "inChannels": condition_channels(config["task"]), "timeEmbedding": False})

    def forward(self, condition: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return self.unet(condition)

    @classmethod
    def load(cls, folder: str | Path) -> tuple["MedCDiffRegression", dict]:
        meta, weights = read_weights(folder, REGRESSION_MODEL_CLASS)
        model = cls(meta["config"])
        load_tf_state(model.unet, weights, str(folder))
        return model, meta

    def save(self, folder: str | Path, card: dict | None = None, storage_dtype: str = "float32", overwrite: bool = False) -> dict:
        return save_weights(folder, tf_state(self.unet), REGRESSION_MODEL_CLASS, self.config, card, storage_dtype, overwrite)

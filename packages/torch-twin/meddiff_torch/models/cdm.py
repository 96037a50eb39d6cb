"""CDM (Xing et al. 2024): MRM, MDN and C-UNet from one CdmConfig (cdm/src/config.ts and model.ts)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from ..model_card import validate_model_card
from ..ddim import ddim_sample_x0
from ..nn.residual_mlp import ResidualMlp
from ..nn.unet import UNet
from ..schedule import alphas_cumprod
from ..weights import WeightsError, load_tf_state, read_weights, save_weights, tf_state

MODEL_CLASS = "CDM"
PARTS = ("mrm", "mdn", "cunet")
PART_CLASS = {"mrm": "CDM-MRM", "mdn": "CDM-MDN", "cunet": "CDM-CUNet"}
INDEX_FILE = "cdm.json"
STANDARDIZE_EPSILON = 1e-5


def representation_dim(config: dict) -> int:
    u = config["mrm"]["unet"]
    return u["baseChannels"] * u["channelMultipliers"][-1]


def standardize_groups(x: torch.Tensor, groups: int) -> torch.Tensor:
    """Each of ``groups`` consecutive blocks of a row to zero mean and unit standard deviation."""
    b, n = x.shape
    g = x.reshape(b * groups, n // groups)
    mean = g.mean(dim=1, keepdim=True)
    var = g.var(dim=1, unbiased=False, keepdim=True)
    return ((g - mean) / torch.sqrt(var + STANDARDIZE_EPSILON)).reshape(b, n)


class MaskedRepresentationModel(nn.Module):
    """The MRM: a masked autoencoder U-Net; its pooled, standardised bottleneck is a contrast's vector."""

    def __init__(self, unet_config: dict):
        super().__init__()
        self.unet = UNet(unet_config)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """The reconstruction of (masked) images (B, 1, H, W)."""
        return self.unet(images)

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """Vectors (B, D) of images (B, 1, H, W) in [-1, 1]."""
        return standardize_groups(self.unet(images, bottleneck=True).mean(dim=(2, 3)), 1)

    def encode_channels(self, images: torch.Tensor) -> torch.Tensor:
        """One vector per channel of (B, C, H, W), concatenated in channel order: (B, C x D)."""
        b, c, h, w = images.shape
        return self.encode(images.reshape(b * c, 1, h, w)).reshape(b, -1)


class ModalityDecoupledDiffusion(nn.Module):
    """The MDN: x0-parameterised diffusion over representation vectors (see cdm/src/nn/mdn.ts)."""

    def __init__(self, config: dict):
        super().__init__()
        m, mods = config["mdn"], config["modalities"]
        d = representation_dim(config)
        self.groups = len(mods["targets"])
        self.data_dim = d * self.groups
        self.condition_dim = d * len(mods["sources"]) if m["conditioning"] == "source" else 0
        self.gaussian_skip = m["gaussianSkip"]
        self.mlp = ResidualMlp(self.data_dim, self.condition_dim, m["hiddenDim"], m["numBlocks"], m["timeEmbeddingDim"])
        self.alphas_cumprod = alphas_cumprod(m["noiseSchedule"])  # float64, as the sampler needs
        self.register_buffer("sqrt_alpha_bar", torch.from_numpy(np.sqrt(self.alphas_cumprod).astype(np.float32)), persistent=False)

    def forward(self, xt: torch.Tensor, timesteps: torch.Tensor, condition: torch.Tensor | None = None) -> torch.Tensor:
        """The predicted clean vectors; with the Gaussian skip, the MLP learns only the correction to sqrt(alpha-bar_t) x_t."""
        out = self.mlp(xt, timesteps, condition)
        if self.gaussian_skip:
            out = out + self.sqrt_alpha_bar[timesteps.long()][:, None] * xt
        return out

    @torch.no_grad()
    def sample(self, noise: torch.Tensor, condition: torch.Tensor | None, steps: int) -> torch.Tensor:
        """Vectors drawn from x_T = ``noise`` (B, dataDim) by DDIM (eta 0, x0 prediction, trailing
        timesteps, no clipping: vectors are unbounded), each target's part then standardised as the
        MRM's vectors are (mdn.ts ``sampleSync``)."""
        if self.condition_dim and condition is None:
            raise ValueError("MDN.sample: this MDN is conditioned on the sources; pass their representation.")
        t = lambda step: torch.full((noise.shape[0],), step, dtype=torch.long, device=noise.device)  # noqa: E731
        x = ddim_sample_x0(lambda x, step: self(x, t(step), condition), noise, self.alphas_cumprod, steps)
        return standardize_groups(x, self.groups)


class Cdm(nn.Module):
    """The three networks of a CdmConfig, each saved in its own folder of the model folder."""

    def __init__(self, config: dict):
        super().__init__()
        if config.get("version") != 1:
            raise ValueError(f"CdmConfig.version {config.get('version')!r} is not supported; this package reads 1.")
        self.config = config
        self.mrm = MaskedRepresentationModel(config["mrm"]["unet"])
        self.mdn = ModalityDecoupledDiffusion(config)
        self.cunet = UNet(config["cunet"]["unet"])

    def part(self, name: str) -> nn.Module:
        """The module whose parameters are the part's tfjs weights."""
        return {"mrm": self.mrm.unet, "mdn": self.mdn.mlp, "cunet": self.cunet}[name]

    def load_part(self, folder: str | Path, name: str) -> dict:
        sub = Path(folder) / name
        meta, weights = read_weights(sub, PART_CLASS[name])
        if json.dumps(meta["config"], sort_keys=True) != json.dumps(self.config, sort_keys=True):
            raise WeightsError(f"{sub} was trained with another CDM config than this model's. Train all three stages with one config.")
        load_tf_state(self.part(name), weights, str(sub))
        return meta

    @classmethod
    def load(cls, folder: str | Path) -> tuple["Cdm", dict]:
        """A CDM model folder saved by either side; returns it and its index (config, card)."""
        index_path = Path(folder) / INDEX_FILE
        if not index_path.exists():
            raise WeightsError(f"{index_path} does not exist; give a CDM model folder (it holds cdm.json, mrm/, mdn/, cunet/).")
        index = json.loads(index_path.read_text())
        if index.get("format") != "meddiff-cdm" or index.get("modelClass") != MODEL_CLASS:
            raise WeightsError(f"{index_path} is not a CDM model index.")
        if index.get("card") is not None:
            validate_model_card(index["card"], str(folder))
        model = cls(index["config"])
        for name in PARTS:
            model.load_part(folder, name)
        return model, index

    def save_part(self, folder: str | Path, name: str, storage_dtype: str = "float32") -> None:
        save_weights(Path(folder) / name, tf_state(self.part(name)), PART_CLASS[name], self.config, None, storage_dtype, overwrite=True)

    def save(self, folder: str | Path, card: dict | None = None, storage_dtype: str = "float32", overwrite: bool = False) -> None:
        """All three parts, then the index (written last: a folder with it holds a whole model)."""
        folder = Path(folder)
        if card is not None:
            validate_model_card(card, str(folder))
        if (folder / INDEX_FILE).exists() and not overwrite:
            raise WeightsError(f"{folder} already holds a CDM model; pass overwrite=True (--force) to replace it, or choose another folder.")
        for name in PARTS:
            self.save_part(folder, name, storage_dtype)
        index = {"format": "meddiff-cdm", "version": 1, "modelClass": MODEL_CLASS, "config": self.config, "card": card, "parts": {p: p for p in PARTS}}
        tmp = folder / (INDEX_FILE + ".partial")
        tmp.write_text(json.dumps(index, indent=1))
        os.replace(tmp, folder / INDEX_FILE)

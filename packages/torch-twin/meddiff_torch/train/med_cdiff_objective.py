"""Med-cDiff's objective (med-cdiff/src/train/trainMedCDiff.ts and objective.ts): the clean image
or its residual over the condition diffused, the network predicting epsilon (the paper), x0 or v,
MSE with optional min-SNR-gamma weighting, t uniform over the schedule's T steps, the degraded image
(drawn afresh every step) as the condition."""
from __future__ import annotations

import torch

from ..data import DatasetError, SliceDataset
from ..degradations import augment, degrade
from ..models.med_cdiff import MedCDiff
from ..schedule import alphas_cumprod
from .batches import Batch

# The paper's objective; a config saved before `objective` existed means this (med-cdiff/src/config.ts).
PAPER_OBJECTIVE = {"prediction": "epsilon", "target": "image", "residualScale": 1, "minSnrGamma": 0}


class MedCDiffObjective:
    def __init__(self, model: MedCDiff, train: SliceDataset, device: torch.device):
        c = model.config
        if train.images.shape[1] != 1:
            raise DatasetError(f"Med-cDiff trains on single-channel slices; this dataset has channels {train.channels}.")
        scales = (c.get("augmentation") or {}).get("scales")
        if scales and train.images.shape[2] < round(c["imageSize"] * scales[1]):
            raise DatasetError(f"Training slices are {train.images.shape[2]} px; augmentation.scales up to {scales[1]} needs at least {round(c['imageSize'] * scales[1])} px (imageSize {c['imageSize']} x {scales[1]}): build the dataset larger or lower the scales.")
        if not scales and train.images.shape[2] != c["imageSize"]:
            raise DatasetError(f"Training slices are {train.images.shape[2]} px but the model's imageSize is {c['imageSize']}; build the dataset at {c['imageSize']} px, or crop larger slices with augmentation.scales.")
        self.network, self.count, self.config = model, len(train), c
        self.objective = {**PAPER_OBJECTIVE, **c.get("objective", {})}
        self.augmentation = c.get("augmentation")
        self.images = train.images.to(device)
        self.alpha_bar = torch.from_numpy(alphas_cumprod(c["noiseSchedule"])).float().to(device)

    def pair(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """(what is diffused: the image or its scaled residual over the condition, the condition) of a batch."""
        o = self.objective
        clean = self.images[batch.indices.to(self.images.device)]
        if self.augmentation:
            clean = augment(clean, self.augmentation, batch, self.config["imageSize"])
        condition = degrade(self.config["task"], clean, self.config["degradation"], batch)
        return (clean if o["target"] == "image" else (clean - condition[:, :1]) / o["residualScale"]), condition

    def loss(self, net, batch: Batch) -> torch.Tensor:
        o = self.objective
        x0, condition = self.pair(batch)
        t = batch.integers(0, self.alpha_bar.numel()).to(x0.device)
        noise = batch.draw(torch.randn, *x0.shape[1:]).to(x0)
        a = self.alpha_bar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        target = {"epsilon": noise, "x0": x0, "v": a.sqrt() * noise - (1 - a).sqrt() * x0}[o["prediction"]]
        per_example = ((net(xt, condition, t).float() - target) ** 2).flatten(1).mean(1)
        if not o["minSnrGamma"]:
            return per_example.mean()
        # Each target's loss turned into min(SNR, gamma) x (the x0 loss), as diffusion-core's diffusionLoss.
        snr = (a / (1 - a)).flatten()
        clipped = snr.clamp(max=o["minSnrGamma"])
        weight = {"epsilon": clipped / snr, "v": clipped / (snr + 1), "x0": clipped}[o["prediction"]]
        return (per_example * weight).mean()


def validation_loss(objective: MedCDiffObjective, val: SliceDataset, seed: int = 12345) -> float:
    """The objective on at most 64 validation slices with fixed degradations, timesteps and noise."""
    count = min(64, len(val))
    images = val.images[:count].to(objective.images.device)
    saved = objective.images, objective.augmentation
    # The slices as they are: validation measures the task, not the augmented one.
    objective.images, objective.augmentation = images, None
    try:
        net = objective.network.eval()
        with torch.no_grad():
            batch = Batch(torch.arange(count), 0, torch.Generator().manual_seed(seed), count, 0, 1)
            return float(objective.loss(net, batch))
    finally:
        objective.images, objective.augmentation = saved


class RegressionObjective(MedCDiffObjective):
    """The same-size regression baseline: the same pairs, MSE on what the diffusion model samples, in one pass."""

    def loss(self, net, batch: Batch) -> torch.Tensor:
        target, condition = self.pair(batch)
        return ((net(condition).float() - target) ** 2).mean()

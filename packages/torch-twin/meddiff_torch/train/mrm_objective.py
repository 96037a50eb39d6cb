"""Stage 1 of CDM, the MRM as a masked autoencoder (cdm/src/train/trainMrm.ts): each training image
is one contrast of one slice with mrm.maskRatio of its mrm.patchSize patches set to zero, and the
U-Net reconstructs the whole image. The loss is the MSE over the whole image, whatever
config.loss says (as in TypeScript, and the paper: MSE on the whole image)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..models.cdm import Cdm
from ..nn.patch_mask import patch_keep_mask
from .batches import Batch

VALIDATION_SEED = 12345  # train/validation.ts: successive validations see the same masks


def mrm_modalities(config: dict) -> list[str]:
    """The contrasts the MRM encodes: the targets, and the sources too when the MDN is conditioned on them."""
    m = config["modalities"]
    return [*m["targets"], *m["sources"]] if config["mdn"]["conditioning"] == "source" else [*m["targets"]]


class MrmObjective:
    """Every (slice, channel) pair of the chosen channels is one example."""

    def __init__(self, model: Cdm, images: torch.Tensor, channels: list[int]):
        self.network, self.config = model.mrm, model.config
        self.images, self.channels = images, torch.tensor(channels, dtype=torch.long)
        self.count = images.shape[0] * len(channels)
        # Checked now rather than at the first step.
        patch_keep_mask(torch.zeros(1, (images.shape[2] // self.patch) ** 2), images.shape[2], images.shape[3], self.patch, self.ratio)

    @property
    def patch(self) -> int:
        return self.config["mrm"]["patchSize"]

    @property
    def ratio(self) -> float:
        return self.config["mrm"]["maskRatio"]

    def examples(self, items: torch.Tensor) -> torch.Tensor:
        """(b, 1, H, W) single-contrast images of example indices."""
        k = len(self.channels)
        slices, which = items // k, self.channels[items % k]
        return self.images[slices.to(self.images.device), which.to(self.images.device)][:, None]

    def masked_mse(self, net, images: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        keep = patch_keep_mask(scores, images.shape[2], images.shape[3], self.patch, self.ratio).to(images)
        return F.mse_loss(net(images * keep).float(), images)

    def loss(self, net, batch: Batch) -> torch.Tensor:
        images = self.examples(batch.indices)
        h, w = images.shape[2:]
        return self.masked_mse(net, images, batch.draw(torch.rand, (h // self.patch) * (w // self.patch)))


@torch.no_grad()
def mrm_validation_loss(objective: MrmObjective, images: torch.Tensor, batch_size: int = 8) -> float:
    """The objective on validation slices with fixed masks: the mean MSE over every (slice, channel) pair."""
    saved, objective.images = objective.images, images.to(objective.images.device)
    net = objective.network.eval()
    g = torch.Generator().manual_seed(VALIDATION_SEED)
    try:
        items = images.shape[0] * len(objective.channels)
        patches = (images.shape[2] // objective.patch) * (images.shape[3] // objective.patch)
        total = 0.0
        for start in range(0, items, batch_size):
            idx = torch.arange(start, min(items, start + batch_size))
            total += float(objective.masked_mse(net, objective.examples(idx), torch.rand(len(idx), patches, generator=g))) * len(idx)
        return total / items
    finally:
        objective.images = saved

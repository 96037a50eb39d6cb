"""The plain U-Net regression baseline (cdm/src/baselines/plainUNet.ts, train/trainBaseline.ts): the
C-UNet's architecture without the representation (conditionDim 0), trained on the same pairs
with the same loss. What CDM gains over it is what the cross-conditioning adds."""
from __future__ import annotations

import torch

from ..nn.unet import UNet
from ..paired_slices import channel_indices
from ..weights import save_weights, tf_state
from .batches import Batch
from .reconstruction_loss import check_reconstruction_loss, reconstruction_loss
from .translation_errors import named_errors, translation_errors

BASELINE_MODEL_CLASS = "CDM-Baseline-UNet"


def plain_unet_config(config: dict) -> dict:
    return {**config["cunet"]["unet"], "conditionDim": 0}


def save_baseline(unet: UNet, folder, config: dict, card: dict, storage_dtype: str) -> None:
    """Saved under the CDM config, so `cdm evaluate` accepts it only beside a model of that config."""
    save_weights(folder, tf_state(unet), BASELINE_MODEL_CLASS, config, card, storage_dtype, overwrite=True)


class BaselineObjective:
    def __init__(self, config: dict, unet: UNet, images: torch.Tensor, channels: list[str]):
        check_reconstruction_loss(config["loss"])
        m = config["modalities"]
        self.network, self.kind, self.targets = unet, config["loss"], m["targets"]
        self.source_channels, self.target_channels = channel_indices(channels, m["sources"]), channel_indices(channels, m["targets"])
        self.images, self.count = images, images.shape[0]

    def loss(self, net, batch: Batch) -> torch.Tensor:
        slices = self.images[batch.indices.to(self.images.device)]
        return reconstruction_loss(net(slices[:, self.source_channels]), slices[:, self.target_channels], self.kind)


def baseline_validation(objective: BaselineObjective, images: torch.Tensor) -> dict:
    net = objective.network.eval()
    images = images.to(objective.images.device)
    errors = translation_errors(images[:, objective.source_channels], images[:, objective.target_channels], lambda s, _: net(s))
    return named_errors(objective.targets, errors)

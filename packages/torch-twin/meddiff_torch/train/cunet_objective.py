"""Stage 3 of CDM, the C-UNet with the MRM and the MDN frozen (cdm/src/train/trainCunet.ts): at every
step a target vector is drawn from the MDN for each slice (DDIM, ``mdn_steps`` steps, given the
slice's source vectors when the MDN is conditioned) and the C-UNet maps the sources and that
vector to the targets, loss config.loss. The C-UNet never sees the MRM's vector of the true
target: it trains on what it will get at inference."""
from __future__ import annotations

import contextlib

import torch

from ..models.cdm import Cdm
from ..paired_slices import channel_indices
from .batches import Batch
from .encode_slices import encode_slices
from .reconstruction_loss import check_reconstruction_loss, reconstruction_loss
from .translation_errors import named_errors, translation_errors

DEFAULT_MDN_STEPS = 10  # CunetStageOptions.mdnSteps
VALIDATION_SEED = 777  # trainCunet.ts: the validation draws of a batch are seeded 777 + its first index


def _full_precision(device: torch.device):
    # The frozen MDN samples in float32 also inside the trainer's bfloat16 autocast.
    return torch.autocast("cuda", enabled=False) if device.type == "cuda" else contextlib.nullcontext()


class CunetObjective:
    def __init__(self, model: Cdm, images: torch.Tensor, channels: list[str], mdn_steps: int = DEFAULT_MDN_STEPS):
        check_reconstruction_loss(model.config["loss"])
        m = model.config["modalities"]
        self.network, self.model, self.mdn_steps, self.kind = model.cunet, model, mdn_steps, model.config["loss"]
        for frozen in (model.mrm, model.mdn):
            frozen.eval().requires_grad_(False)
        self.source_channels, self.target_channels = channel_indices(channels, m["sources"]), channel_indices(channels, m["targets"])
        self.images, self.count = images, images.shape[0]
        self.source_vectors = encode_slices(model.mrm, images, self.source_channels) if model.mdn.condition_dim else None

    def target_vectors(self, sources: torch.Tensor, source_vectors: torch.Tensor | None, noise: torch.Tensor) -> torch.Tensor:
        if self.model.mdn.condition_dim and source_vectors is None:
            source_vectors = encode_slices(self.model.mrm, sources, list(range(sources.shape[1])))
        with _full_precision(noise.device):
            return self.model.mdn.sample(noise, source_vectors if self.model.mdn.condition_dim else None, self.mdn_steps)

    def loss(self, net, batch: Batch) -> torch.Tensor:
        idx = batch.indices.to(self.images.device)
        slices = self.images[idx]
        sources, targets = slices[:, self.source_channels], slices[:, self.target_channels]
        noise = batch.draw(torch.randn, self.model.mdn.data_dim).to(slices)
        vectors = self.target_vectors(sources, self.source_vectors[idx] if self.source_vectors is not None else None, noise)
        return reconstruction_loss(net(sources, condition=vectors), targets, self.kind)


def cunet_validation(objective: CunetObjective, images: torch.Tensor) -> dict:
    """Mean absolute error per target on validation slices, with seeded MDN draws."""
    model = objective.model
    model.eval()
    dim = model.mdn.data_dim

    def predict(sources: torch.Tensor, first: int) -> torch.Tensor:
        noise = torch.randn(sources.shape[0], dim, generator=torch.Generator().manual_seed(VALIDATION_SEED + first)).to(sources)
        return model.cunet(sources, condition=objective.target_vectors(sources, None, noise))

    images = images.to(objective.images.device)
    errors = translation_errors(images[:, objective.source_channels], images[:, objective.target_channels], predict)
    return named_errors(model.config["modalities"]["targets"], errors)

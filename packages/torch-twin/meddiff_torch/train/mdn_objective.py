"""Stage 2 of CDM, the MDN on the frozen MRM's vectors (cdm/src/train/trainMdn.ts): x0-parameterised
diffusion, MSE to the clean target vector, t uniform over the T steps of mdn.noiseSchedule,
conditioned on the source vectors when mdn.conditioning is 'source'. The vectors are computed
once, before training."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from ..models.cdm import Cdm, MaskedRepresentationModel
from ..paired_slices import channel_indices
from .batches import Batch
from .encode_slices import encode_slices
from .mrm_objective import VALIDATION_SEED


def representations(model: Cdm, images: torch.Tensor, channels: list[str]) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Target vectors and, for a conditioned MDN, source vectors of (N, C, H, W) slices whose channels are named ``channels``."""
    m = model.config["modalities"]
    mrm: MaskedRepresentationModel = model.mrm
    targets = encode_slices(mrm, images, channel_indices(channels, m["targets"]))
    sources = encode_slices(mrm, images, channel_indices(channels, m["sources"])) if model.mdn.condition_dim else None
    return targets, sources


class MdnObjective:
    def __init__(self, model: Cdm, images: torch.Tensor, channels: list[str]):
        self.network = model.mdn
        self.targets, self.sources = representations(model, images, channels)
        self.count = self.targets.shape[0]
        self.alpha_bar = torch.from_numpy(model.mdn.alphas_cumprod).float().to(self.targets.device)

    def x0_mse(self, net, x0: torch.Tensor, condition: torch.Tensor | None, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        a = self.alpha_bar[t][:, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        return F.mse_loss(net(xt, t, condition).float(), x0)

    def loss(self, net, batch: Batch) -> torch.Tensor:
        idx = batch.indices.to(self.targets.device)
        x0 = self.targets[idx]
        condition = self.sources[idx] if self.sources is not None else None
        t = batch.integers(0, self.alpha_bar.numel()).to(x0.device)
        return self.x0_mse(net, x0, condition, t, batch.draw(torch.randn, x0.shape[1]).to(x0))


@torch.no_grad()
def mdn_validation_loss(objective: MdnObjective, targets: torch.Tensor, sources: torch.Tensor | None) -> float:
    """The x0 objective on validation vectors with fixed timesteps and noise."""
    net = objective.network.eval()
    g = torch.Generator().manual_seed(VALIDATION_SEED)
    t = torch.randint(0, objective.alpha_bar.numel(), (targets.shape[0],), generator=g).to(targets.device)
    noise = torch.randn(targets.shape, generator=g).to(targets)
    return float(objective.x0_mse(net, targets, sources, t, noise))

"""CDM's MDN denoiser: the residual MLP of cdm/src/nn/residualMlp.ts, with the same layer names."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .init import init_like_tfjs
from .layers import LAYER_NORM_EPSILON, sinusoidal_embedding


class MlpBlock(nn.Module):
    def __init__(self, hidden: int):
        super().__init__()
        self.norm = nn.LayerNorm(hidden, eps=LAYER_NORM_EPSILON)
        self.emb_proj = nn.Linear(hidden, hidden)
        self.dense1 = nn.Linear(hidden, hidden)
        self.dense2 = nn.Linear(hidden, hidden)

    def forward(self, h: torch.Tensor, emb_act: torch.Tensor) -> torch.Tensor:  # noqa: D102
        a = self.norm(h) + self.emb_proj(emb_act)
        return h + self.dense2(F.silu(self.dense1(F.silu(a))))


class ResidualMlp(nn.Module):
    """x (B, dataDim), timesteps (B,), condition (B, conditionDim) when conditioned; returns (B, dataDim)."""

    def __init__(self, data_dim: int, condition_dim: int, hidden_dim: int, num_blocks: int, time_embedding_dim: int):
        super().__init__()
        self.time_embedding_dim = time_embedding_dim
        self.time_dense1 = nn.Linear(time_embedding_dim, hidden_dim)
        self.time_dense2 = nn.Linear(hidden_dim, hidden_dim)
        if condition_dim > 0:
            self.condition_dense1 = nn.Linear(condition_dim, hidden_dim)
            self.condition_dense2 = nn.Linear(hidden_dim, hidden_dim)
        self.input_proj = nn.Linear(data_dim, hidden_dim)
        self.blocks = num_blocks
        for b in range(num_blocks):
            self.add_module(f"block{b}", MlpBlock(hidden_dim))
        self.output_norm = nn.LayerNorm(hidden_dim, eps=LAYER_NORM_EPSILON)
        self.output_dense = nn.Linear(hidden_dim, data_dim)
        init_like_tfjs(self, zero_kernels=("output_dense",))

    def forward(self, x: torch.Tensor, timesteps: torch.Tensor, condition: torch.Tensor | None = None) -> torch.Tensor:  # noqa: D102
        emb = self.time_dense2(F.silu(self.time_dense1(sinusoidal_embedding(timesteps, self.time_embedding_dim))))
        if hasattr(self, "condition_dense1"):
            if condition is None:
                raise ValueError("MDN: this network is conditioned on the sources; pass condition.")
            emb = emb + self.condition_dense2(F.silu(self.condition_dense1(condition)))
        emb_act = F.silu(emb)
        h = self.input_proj(x)
        for b in range(self.blocks):
            h = getattr(self, f"block{b}")(h, emb_act)
        return self.output_dense(F.silu(self.output_norm(h)))

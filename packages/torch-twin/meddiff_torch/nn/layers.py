"""Building blocks of the project's networks, mirroring diffusion-core's src/nn (tfjs-layers).

Modules hold their parameters under the same names as the TypeScript layers: a module at path
``down0_res0.conv1`` is the tfjs layer ``down0_res0_conv1`` (see ``weights.py``), so weights map one
to one. Tensors are NCHW here and NHWC in tfjs; the weight mapping transposes the kernels.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

GROUP_NORM_EPSILON = 1e-5  # diffusion-core's GroupNormalization
LAYER_NORM_EPSILON = 1e-3  # tfjs-layers' layerNormalization default


def conv3x3(cin: int, cout: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, padding=1)


class StridedConv3x3(nn.Conv2d):
    """A stride-2 3x3 convolution with TensorFlow's 'same' padding, which pads the bottom and right
    more than the top and left (torch's padding=1 would shift the grid by one pixel)."""

    def __init__(self, channels: int):
        super().__init__(channels, channels, 3, stride=2, padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        pads = []
        for n in (x.shape[3], x.shape[2]):
            total = max((math.ceil(n / 2) - 1) * 2 + 3 - n, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads))


def group_norm(groups: int, channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(groups, channels, eps=GROUP_NORM_EPSILON)


def sinusoidal_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """[cos(t f_i), sin(t f_i)], f_i = max_period^(-i / half), as diffusion-core's SinusoidalEmbedding."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32, device=t.device) * (-math.log(max_period) / half))
    args = t.reshape(-1, 1).float() * freqs.reshape(1, half)
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=1)
    return F.pad(emb, (0, 1)) if dim % 2 else emb


class EmbeddingMlp(nn.Module):
    """Dense, SiLU, Dense: the MLP each embedding (time, condition vector) passes through."""

    def __init__(self, cin: int, units: int):
        super().__init__()
        self.dense1 = nn.Linear(cin, units)
        self.dense2 = nn.Linear(units, units)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return self.dense2(F.silu(self.dense1(x)))


class ResBlock(nn.Module):
    """The DDPM / ADM residual block of diffusion-core's blocks.ts (``resBlock``)."""

    def __init__(self, cin: int, cout: int, emb_dim: int, groups: int, dropout: float, injection: str):
        super().__init__()
        self.injection = injection
        self.norm1 = group_norm(groups, cin)
        self.conv1 = conv3x3(cin, cout)
        if emb_dim:
            self.emb_proj = nn.Linear(emb_dim, 2 * cout if injection == "scale-shift" else cout)
        self.norm2 = group_norm(groups, cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = conv3x3(cout, cout)
        if cin != cout:
            self.skip = nn.Conv2d(cin, cout, 1)

    def forward(self, x: torch.Tensor, emb: torch.Tensor | None) -> torch.Tensor:  # noqa: D102
        h = self.conv1(F.silu(self.norm1(x)))
        p = self.emb_proj(emb)[:, :, None, None] if emb is not None and hasattr(self, "emb_proj") else None
        if p is not None and self.injection == "add":
            h = h + p
        h = self.norm2(h)
        if p is not None and self.injection == "scale-shift":
            scale, shift = p.chunk(2, dim=1)
            h = h * (1 + scale) + shift
        h = self.conv2(self.dropout(F.silu(h)))
        return (self.skip(x) if hasattr(self, "skip") else x) + h


def _attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    if hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0: fused, no full score matrix
        return F.scaled_dot_product_attention(q, k, v)
    w = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1]), dim=-1)
    return w @ v


class AttentionBlock(nn.Module):
    """GroupNorm, q/k/v projection, multi-head attention over pixels, output projection, residual."""

    def __init__(self, channels: int, heads: int, groups: int):
        super().__init__()
        self.heads = heads
        self.norm = group_norm(groups, channels)
        self.qkv = nn.Linear(channels, 3 * channels)
        self.proj = nn.Linear(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        b, c, h, w = x.shape
        tokens = self.norm(x).permute(0, 2, 3, 1).reshape(b, h * w, c)
        # (B, HW, 3, heads, d) -> three (B, heads, HW, d), the split of SpatialSelfAttention.
        q, k, v = self.qkv(tokens).reshape(b, h * w, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        out = _attention(q, k, v).permute(0, 2, 1, 3).reshape(b, h * w, c)
        return x + self.proj(out).reshape(b, h, w, c).permute(0, 3, 1, 2)


class Upsample(nn.Module):
    """Nearest-neighbour x2 then a 3x3 convolution."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = conv3x3(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))

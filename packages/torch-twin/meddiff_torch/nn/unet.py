"""The config-driven U-Net of diffusion-core (src/nn/unet.ts), from the same UNetConfig JSON.

Same blocks, same order, same skips and the same layer names, so a TypeScript model's weights load
here and back without a conversion table (see ``meddiff_torch.weights``).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .init import init_like_tfjs
from .layers import AttentionBlock, EmbeddingMlp, ResBlock, StridedConv3x3, Upsample, conv3x3, group_norm, sinusoidal_embedding

UNET_CONFIG_VERSION = 1


class ConfigError(ValueError):
    """A config the networks cannot be built from; the message names the field."""


def validate_unet_config(c: dict) -> None:
    if c.get("version") != UNET_CONFIG_VERSION:
        raise ConfigError(f"UNetConfig.version {c.get('version')!r} is not supported; this package reads version {UNET_CONFIG_VERSION}.")
    levels = len(c["channelMultipliers"])
    for key in ("numResBlocks", "attentionLevels"):
        if len(c[key]) != levels:
            raise ConfigError(f"UNetConfig.{key} has {len(c[key])} entries but channelMultipliers has {levels}; give one per level.")
    if c["embeddingInjection"] not in ("add", "scale-shift"):
        raise ConfigError(f"UNetConfig.embeddingInjection '{c['embeddingInjection']}' is unknown. Allowed: add, scale-shift.")


class UNet(nn.Module):
    """Inputs x (B, inChannels, H, W) with H and W multiples of 2^(levels - 1); timesteps (B,) when
    the config has a time embedding; condition (B, conditionDim) when it has a condition vector."""

    def __init__(self, config: dict):
        super().__init__()
        validate_unet_config(config)
        self.config = c = dict(config)
        base, mults = c["baseChannels"], c["channelMultipliers"]
        emb_dim = 4 * base if (c["timeEmbedding"] or c["conditionDim"] > 0) else 0
        block = dict(emb_dim=emb_dim, groups=c["groups"], dropout=c["dropout"], injection=c["embeddingInjection"])
        if c["timeEmbedding"]:
            self.time_embedding = EmbeddingMlp(base, emb_dim)
        if c["conditionDim"] > 0:
            self.condition_embedding = EmbeddingMlp(c["conditionDim"], emb_dim)
        self.input_conv = conv3x3(c["inChannels"], base)
        skips, ch, last = [base], base, len(mults) - 1
        for level, m in enumerate(mults):
            for r in range(c["numResBlocks"][level]):
                self.add_module(f"down{level}_res{r}", ResBlock(ch, base * m, **block))
                ch = base * m
                if c["attentionLevels"][level]:
                    self.add_module(f"down{level}_attn{r}", AttentionBlock(ch, c["numHeads"], c["groups"]))
                skips.append(ch)
            if level < last:
                self.add_module(f"down{level}_downsample", StridedConv3x3(ch))
                skips.append(ch)
        self.middle_res0 = ResBlock(ch, ch, **block)
        self.middle_attn = AttentionBlock(ch, c["numHeads"], c["groups"])
        self.middle_res1 = ResBlock(ch, ch, **block)
        for level in range(last, -1, -1):
            for r in range(c["numResBlocks"][level] + 1):
                self.add_module(f"up{level}_res{r}", ResBlock(ch + skips.pop(), base * mults[level], **block))
                ch = base * mults[level]
                if c["attentionLevels"][level]:
                    self.add_module(f"up{level}_attn{r}", AttentionBlock(ch, c["numHeads"], c["groups"]))
            if level > 0:
                self.add_module(f"up{level}_upsample", Upsample(ch))
        self.output_norm = group_norm(c["groups"], ch)
        self.output_conv = conv3x3(ch, c["outChannels"])
        init_like_tfjs(self, zero_kernels=("conv2", "proj", "output_conv"))

    @property
    def size_multiple(self) -> int:
        return 2 ** (len(self.config["channelMultipliers"]) - 1)

    def embedding(self, timesteps: torch.Tensor | None, condition: torch.Tensor | None) -> torch.Tensor | None:
        c, parts = self.config, []
        if c["timeEmbedding"]:
            if timesteps is None:
                raise ValueError("UNet: this network takes a timestep; pass timesteps.")
            parts.append(self.time_embedding(sinusoidal_embedding(timesteps, c["baseChannels"])))
        if c["conditionDim"] > 0:
            if condition is None:
                raise ValueError(f"UNet: this network takes a condition vector of length {c['conditionDim']}; pass condition.")
            parts.append(self.condition_embedding(condition))
        # Every block projects SiLU(emb): one activation here, as the TypeScript network does.
        return F.silu(sum(parts)) if parts else None

    def forward(self, x: torch.Tensor, timesteps: torch.Tensor | None = None, condition: torch.Tensor | None = None, bottleneck: bool = False) -> torch.Tensor:
        """The output (B, outChannels, H, W); with ``bottleneck``, the feature map after the middle
        blocks instead (what CDM's MRM reads as its representation)."""
        c, m = self.config, self.size_multiple
        if x.shape[2] % m or x.shape[3] % m:
            raise ValueError(f"UNet: height and width must be multiples of {m}, got {x.shape[2]} x {x.shape[3]}; pad the image first.")
        emb = self.embedding(timesteps, condition)
        h = self.input_conv(x)
        skips, last = [h], len(c["channelMultipliers"]) - 1
        for level in range(last + 1):
            for r in range(c["numResBlocks"][level]):
                h = getattr(self, f"down{level}_res{r}")(h, emb)
                if c["attentionLevels"][level]:
                    h = getattr(self, f"down{level}_attn{r}")(h)
                skips.append(h)
            if level < last:
                h = getattr(self, f"down{level}_downsample")(h)
                skips.append(h)
        h = self.middle_res1(self.middle_attn(self.middle_res0(h, emb)), emb)
        if bottleneck:
            return h
        for level in range(last, -1, -1):
            for r in range(c["numResBlocks"][level] + 1):
                h = getattr(self, f"up{level}_res{r}")(torch.cat([h, skips.pop()], dim=1), emb)
                if c["attentionLevels"][level]:
                    h = getattr(self, f"up{level}_attn{r}")(h)
            if level > 0:
                h = getattr(self, f"up{level}_upsample")(h)
        return self.output_conv(F.silu(self.output_norm(h)))

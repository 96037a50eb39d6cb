"""Initialisation as tfjs-layers does it: Glorot-uniform kernels, zero biases, unit norms."""
from __future__ import annotations

import torch.nn as nn


def init_like_tfjs(module: nn.Module, zero_kernels: tuple[str, ...] = ()) -> None:
    """Glorot-uniform kernels and zero biases everywhere; the named modules (paths as in
    ``named_modules``) get zero kernels, so residual branches start as the identity."""
    for name, m in module.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            if name in zero_kernels or name.endswith(tuple(f".{z}" for z in zero_kernels)):
                nn.init.zeros_(m.weight)
            else:
                nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.GroupNorm, nn.LayerNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

"""Noise schedules of diffusion-core (src/schedules), computed in float64 as there."""
from __future__ import annotations

import math

import numpy as np


def _alpha_bar_betas(n: int, alpha_bar) -> np.ndarray:
    return np.array([min(1 - alpha_bar((i + 1) / n) / alpha_bar(i / n), 0.999) for i in range(n)], dtype=np.float64)


def _sigmoid_betas(n: int) -> np.ndarray:
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    v0, v1 = sig(-3), sig(3)
    return _alpha_bar_betas(n, lambda t: max((v1 - sig(t * 6 - 3)) / (v1 - v0), 1e-12))


BETA_SCHEDULES = {
    "linear": lambda n, c: np.linspace(c["betaStart"], c["betaEnd"], n, dtype=np.float64),
    "scaled-linear": lambda n, c: np.linspace(math.sqrt(c["betaStart"]), math.sqrt(c["betaEnd"]), n, dtype=np.float64) ** 2,
    "cosine": lambda n, c: _alpha_bar_betas(n, lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2),
    "sigmoid": lambda n, c: _sigmoid_betas(n),
}


def rescale_zero_terminal_snr(betas: np.ndarray) -> np.ndarray:
    """Lin et al. 2024, Algorithm 1."""
    s = np.sqrt(np.cumprod(1 - betas))
    s = (s - s[-1]) * s[0] / (s[0] - s[-1])
    ab = s ** 2
    return 1 - ab / np.concatenate([[1.0], ab[:-1]])


def alphas_cumprod(config: dict) -> np.ndarray:
    """alpha-bar_t for t = 0..T-1 of a NoiseScheduleConfig."""
    name = config["betaSchedule"]
    if name not in BETA_SCHEDULES:
        raise ValueError(f"Unknown beta schedule '{name}'. Allowed: {', '.join(BETA_SCHEDULES)}.")
    betas = BETA_SCHEDULES[name](config["numTrainTimesteps"], config)
    if config.get("rescaleZeroTerminalSnr"):
        betas = rescale_zero_terminal_snr(betas)
    return np.cumprod(1 - betas)

"""TrainerConfig of diffusion-core (src/train/trainerConfig.ts): the same JSON, the same defaults."""
from __future__ import annotations

import copy
import math

TRAINER_CONFIG_VERSION = 1

DEFAULT_TRAINER_CONFIG = {
    "version": TRAINER_CONFIG_VERSION,
    "steps": 1000,
    "seed": 0,
    "learningRate": {"peak": 2e-4, "warmupSteps": 100, "decay": "constant", "totalSteps": 1000, "minimum": 0},
    "optimizer": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weightDecay": 0},
    "gradientClipNorm": 1,
    "ema": {"maxDecay": 0.999, "warmup": True},
    "checkpointEvery": 100,
    "keepCheckpoints": 3,
    "logEvery": 10,
    "validateEvery": 0,
}


def resolve_trainer_config(overrides: dict | None = None) -> dict:
    """Overrides (nested objects merged one level deep) onto the defaults, validated."""
    o = copy.deepcopy(overrides or {})
    d = copy.deepcopy(DEFAULT_TRAINER_CONFIG)
    c = {**d, **o}
    c["learningRate"] = {**d["learningRate"], "totalSteps": o.get("steps", d["steps"]), **o.get("learningRate", {})}
    c["optimizer"] = {**d["optimizer"], **o.get("optimizer", {})}
    c["ema"] = None if o.get("ema", d["ema"]) is None else {**d["ema"], **(o.get("ema") or {})}
    if c["version"] != TRAINER_CONFIG_VERSION:
        raise ValueError(f"TrainerConfig.version {c['version']} is not supported; this package reads {TRAINER_CONFIG_VERSION}.")
    for k in ("steps", "logEvery"):
        if not isinstance(c[k], int) or c[k] < 1:
            raise ValueError(f"TrainerConfig.{k} must be a positive integer, got {c[k]}.")
    lr = c["learningRate"]
    if lr["decay"] not in ("constant", "cosine"):
        raise ValueError(f"learningRate.decay '{lr['decay']}' is unknown. Allowed: constant, cosine.")
    return c


def learning_rate_at(step: int, c: dict) -> float:
    """The learning rate at a 0-based step: linear warm-up, then constant or half-cosine decay."""
    if step < c["warmupSteps"]:
        return c["peak"] * (step + 1) / c["warmupSteps"]
    if c["decay"] == "constant":
        return c["peak"]
    progress = min(1.0, (step - c["warmupSteps"]) / (c["totalSteps"] - c["warmupSteps"]))
    return c["minimum"] + 0.5 * (c["peak"] - c["minimum"]) * (1 + math.cos(math.pi * progress))


def ema_decay_at(step: int, ema: dict) -> float:
    return min(ema["maxDecay"], (1 + step) / (10 + step)) if ema["warmup"] else ema["maxDecay"]

"""The training loop of diffusion-core's Trainer (src/train/trainer.ts), in PyTorch and across
processes: AdamW with warm-up and constant or cosine decay, clipping by global norm, an EMA of the
weights, seeded draws, a stop before a non-finite update, periodic atomic checkpoints written by
rank 0, exact resume, and a checkpoint on SIGINT / SIGTERM. Gradients are averaged over the world
by DistributedDataParallel; bfloat16 autocast on GPUs.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import time
from pathlib import Path
from typing import Callable, Protocol

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel

from .batches import Batch, BatchPlan
from .distributed import World
from .trainer_config import ema_decay_at, learning_rate_at, resolve_trainer_config

CHECKPOINT_FORMAT = "meddiff-torch-checkpoint"


class Objective(Protocol):
    """What one training run optimises: a network, the number of training examples, and a loss."""

    network: nn.Module
    count: int

    def loss(self, net: Callable, batch: Batch) -> torch.Tensor:
        """The mean loss over this rank's examples; ``net`` is the (possibly DDP-wrapped) network."""


class TrainingDiverged(RuntimeError):
    pass


class CheckpointError(ValueError):
    """A checkpoint that is not this project's or belongs to another configuration."""


class Interrupted(RuntimeError):
    pass


def _differences(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{path}.{k}" if path else k)]
    return [] if json.dumps(a) == json.dumps(b) else [f"{path}: {json.dumps(a)} -> {json.dumps(b)}"]


class Trainer:
    def __init__(self, objective: Objective, model_config: dict, trainer_config: dict | None, out: str | Path, world: World, global_batch: int, log: Callable[[dict], None] | None = None):
        self.o, self.world, self.global_batch = objective, world, global_batch
        self.config = resolve_trainer_config(trainer_config)
        self.model_config = model_config
        self.checkpoints = Path(out) / "checkpoints"
        self.log = log or (lambda record: print(json.dumps(record), flush=True))
        self.net = objective.network.to(world.device)
        self.params = [p for p in self.net.parameters() if p.requires_grad]
        opt = self.config["optimizer"]
        self.optimizer = torch.optim.AdamW(self.params, lr=self.config["learningRate"]["peak"], betas=(opt["beta1"], opt["beta2"]), eps=opt["epsilon"], weight_decay=opt["weightDecay"])
        self.ema = [p.detach().clone() for p in self.params] if self.config["ema"] else None
        self.plan = BatchPlan(objective.count, global_batch, world, self.config["seed"])
        self.ddp = DistributedDataParallel(self.net, device_ids=[world.device.index] if world.device.type == "cuda" else None) if world.size > 1 else self.net
        self.step = 0
        self.resumed_from: str | None = None
        self._stop = False

    # -- checkpoints ---------------------------------------------------------------------------
    def _state(self) -> dict:
        return {
            "format": CHECKPOINT_FORMAT, "version": 1, "step": self.step, "globalBatch": self.global_batch,
            "modelConfig": self.model_config, "trainerConfig": self.config,
            "parameters": self._parameter_list(),
            "network": self.net.state_dict(), "ema": self.ema, "optimizer": self.optimizer.state_dict(),
        }

    def _parameter_list(self) -> dict:
        return {name: list(p.shape) for name, p in self.net.named_parameters() if p.requires_grad}

    def save_checkpoint(self) -> Path | None:
        """Rank 0 writes ``checkpoints/step-NNNNNNN.pt`` atomically and keeps the newest few."""
        if not self.world.is_main:
            return None
        self.checkpoints.mkdir(parents=True, exist_ok=True)
        path = self.checkpoints / f"step-{self.step:07d}.pt"
        tmp = path.with_suffix(".partial")
        torch.save(self._state(), tmp)
        os.replace(tmp, path)
        for old in sorted(self.checkpoints.glob("step-*.pt"))[: -self.config["keepCheckpoints"]]:
            old.unlink()
        return path

    def resume(self) -> int:
        """Continues from the newest checkpoint, if any; refuses one of another configuration."""
        found = sorted(self.checkpoints.glob("step-*.pt"))
        if not found:
            return 0
        state = torch.load(found[-1], map_location=self.world.device)
        if state.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointError(f"{found[-1]} is not a meddiff_torch checkpoint.")
        strip = lambda c: {**c, "steps": 0, "learningRate": {**c["learningRate"], "totalSteps": 0}}  # noqa: E731
        diffs = [f"model {d}" for d in _differences(state["modelConfig"], self.model_config)]
        diffs += [f"trainer {d}" for d in _differences(strip(state["trainerConfig"]), strip(self.config))]
        if "parameters" in state:  # checkpoints from before the list was saved cannot be checked this way
            diffs += [f"parameters {d}" for d in _differences(state["parameters"], self._parameter_list())][:3]
        if state["globalBatch"] != self.global_batch:
            diffs.append(f"global batch: {state['globalBatch']} -> {self.global_batch}")
        if diffs:
            raise CheckpointError(f"The checkpoint {found[-1]} belongs to another configuration ({'; '.join(diffs[:5])}). Use a new output folder, or the config it was trained with.")
        self.net.load_state_dict(state["network"])
        if self.ema is not None and state["ema"] is not None:
            for e, s in zip(self.ema, state["ema"]):
                e.copy_(s)
        if state["optimizer"] is not None:
            self.optimizer.load_state_dict(state["optimizer"])
        elif self.world.is_main:  # a compact checkpoint (see compact_checkpoint): the moments start afresh
            self.log({"resumed": found[-1].name, "note": "compact checkpoint: AdamW moments start from zero"})
        self.step, self.resumed_from = state["step"], found[-1].name
        return self.step

    @contextlib.contextmanager
    def ema_weights(self):
        """The EMA weights in the network for the duration (when there is an EMA)."""
        if self.ema is None:
            yield self.net
            return
        raw = [p.detach().clone() for p in self.params]
        with torch.no_grad():
            for p, e in zip(self.params, self.ema):
                p.copy_(e)
        try:
            yield self.net
        finally:
            with torch.no_grad():
                for p, r in zip(self.params, raw):
                    p.copy_(r)

    # -- the loop ------------------------------------------------------------------------------
    def train_step(self) -> tuple[float, float]:
        c = self.config
        batch = self.plan.batch(self.step)
        self.net.train()
        autocast = torch.autocast("cuda", dtype=torch.bfloat16) if self.world.device.type == "cuda" else contextlib.nullcontext()
        with autocast:
            loss = self.o.loss(self.ddp, batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.params, c["gradientClipNorm"]) if c["gradientClipNorm"] > 0 else torch.sqrt(sum((p.grad.float() ** 2).sum() for p in self.params if p.grad is not None))
        norm_value = float(norm)
        loss_value = float(loss.detach())
        if not (math.isfinite(norm_value) and math.isfinite(loss_value)):
            raise TrainingDiverged(f"Training diverged at step {self.step}: loss {loss_value}, gradient norm {norm_value}. The weights were not updated; the last good checkpoint is kept. Lower the learning rate or check the data for NaN.")
        for g in self.optimizer.param_groups:
            g["lr"] = learning_rate_at(self.step, c["learningRate"])
        self.optimizer.step()
        if self.ema is not None:
            d = ema_decay_at(self.step, c["ema"])
            with torch.no_grad():
                torch._foreach_mul_(self.ema, d)
                torch._foreach_add_(self.ema, [p.detach() for p in self.params], alpha=1 - d)
        self.step += 1
        return loss_value, norm_value

    def _mean_over_world(self, value: float) -> float:
        if self.world.size == 1:
            return value
        t = torch.tensor([value], device=self.world.device)
        dist.all_reduce(t)
        return float(t) / self.world.size

    def run(self, validate: Callable[[], dict] | None = None) -> dict:
        """Trains to ``config.steps``; on SIGINT or SIGTERM writes a checkpoint first and raises Interrupted."""
        c = self.config
        previous = {s: signal.signal(s, lambda *_: setattr(self, "_stop", True)) for s in (signal.SIGINT, signal.SIGTERM)}
        start_step, started = self.step, time.perf_counter()
        interval_start, interval_steps, last_loss = started, 0, math.nan
        try:
            while self.step < c["steps"]:
                if self._stop:
                    self.save_checkpoint()
                    raise Interrupted(f"Stopped at step {self.step}; the checkpoint is in {self.checkpoints}. Run the same command again to continue.")
                last_loss, norm = self.train_step()
                interval_steps += 1
                if self.step % c["logEvery"] == 0 or self.step == c["steps"]:
                    loss = self._mean_over_world(last_loss)
                    now = time.perf_counter()
                    if self.world.is_main:
                        done = self.step - start_step
                        self.log({"step": self.step, "totalSteps": c["steps"], "loss": loss, "learningRate": learning_rate_at(self.step - 1, c["learningRate"]), "gradientNorm": norm,
                                  "imagesPerSecond": interval_steps * self.global_batch / max(now - interval_start, 1e-9), "elapsedSeconds": now - started,
                                  "etaSeconds": (now - started) / done * (c["steps"] - self.step)})
                    interval_start, interval_steps = now, 0
                if validate and c["validateEvery"] and self.step % c["validateEvery"] == 0:
                    with self.ema_weights():
                        metrics = validate()
                    if self.world.is_main:
                        self.log({"step": self.step, "validation": metrics})
                if c["checkpointEvery"] and self.step % c["checkpointEvery"] == 0:
                    self.save_checkpoint()
            if not c["checkpointEvery"] or self.step % c["checkpointEvery"]:
                self.save_checkpoint()
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
        return {"startStep": start_step, "endStep": self.step, "lastLoss": last_loss, "resumedFrom": self.resumed_from}


def compact_checkpoint(run_checkpoints: str | Path, to: str | Path) -> Path:
    """The newest checkpoint without the AdamW moments and with weights and EMA in float16 (an
    eighth of its size): what a later session needs to continue a run from a committed file. Put it
    in a run's checkpoints/ folder and run the same command again; training goes on from its step
    with fresh moments and float32 weights rounded once (no longer bit-exact)."""
    found = sorted(Path(run_checkpoints).glob("step-*.pt"))
    if not found:
        raise CheckpointError(f"{run_checkpoints} holds no checkpoint (step-*.pt).")
    state = torch.load(found[-1], map_location="cpu")
    state["optimizer"] = None
    state["network"] = {k: v.half() if v.is_floating_point() else v for k, v in state["network"].items()}
    if state["ema"] is not None:
        state["ema"] = [e.half() for e in state["ema"]]
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    tmp = to.with_suffix(".partial")
    torch.save(state, tmp)
    os.replace(tmp, to)
    return to

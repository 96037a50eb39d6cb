"""Pieces every training command shares: configs from files or model folders, the trainer and
process options, the training loop's exits, run folders, logs and the common part of model cards."""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import torch

from .typescript import run_script
from .train.distributed import World, close_world, init_world
from .train.trainer import Interrupted, Trainer, TrainingDiverged

RESEARCH_USE = "Research use only. Not a medical device; not for diagnosis or treatment decisions."


def read_config(source: str, key_path: tuple[str, ...] = ()) -> dict:
    """A config from a JSON file, or the config saved in a model folder (model.json or cdm.json)."""
    p = Path(source)
    if p.is_dir():
        if (p / "cdm.json").exists():
            return json.loads((p / "cdm.json").read_text())["config"]
        if (p / "model.json").exists():
            return json.loads((p / "model.json").read_text())["userDefinedMetadata"]["meddiff"]["config"]
        raise SystemExit(f"{p} holds no model.json or cdm.json; give a config JSON file or a model folder.")
    if not p.exists():
        raise SystemExit(f"{p} does not exist; give a config JSON file (`python3 -m meddiff_torch config ...` prints one) or a model folder.")
    doc = json.loads(p.read_text())
    for k in key_path:
        doc = doc[k]
    return doc


def typescript_config(args: list[str]) -> dict:
    """A preset config as the TypeScript packages build it (the presets' one home), via Node."""
    out = run_script("ts_configs.ts", args)
    if out.returncode:
        raise SystemExit(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "ts_configs.ts failed")
    return json.loads(out.stdout)


def log_to(path: Path):
    """A logger that prints JSON lines and appends them to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def log(record: dict) -> None:
        line = json.dumps(record)
        print(line, flush=True)
        with path.open("a") as f:
            f.write(line + "\n")

    return log


def fail(message: str) -> None:
    print(f"meddiff_torch: {message}", file=sys.stderr)
    raise SystemExit(2)


def add_training_arguments(p: argparse.ArgumentParser, data_required: bool = True, **defaults) -> None:
    """The options of every training command; ``defaults`` replace the Med-cDiff ones below (None: the command decides)."""
    d = {"batch": 8, "lr": 2e-4, "warmup": 100, "decay": "constant", "checkpoint_every": 100, "validate_every": 0, "log_every": 10, "storage": "float16", **defaults}
    p.add_argument("--data", required=data_required, help="a slice dataset folder (manifest.json, train.f32, val.f32)")
    p.add_argument("--batch", type=int, default=d["batch"], help="global batch, split over the processes")
    p.add_argument("--lr", type=float, default=d["lr"], help="peak learning rate (AdamW after a linear warm-up)")
    p.add_argument("--warmup", type=int, default=d["warmup"])
    p.add_argument("--decay", choices=["constant", "cosine"], default=d["decay"], help="cosine decays to a tenth of --lr")
    p.add_argument("--ema", type=float, default=0.999, help="EMA decay; 0 for none")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoint-every", type=int, default=d["checkpoint_every"])
    p.add_argument("--validate-every", type=int, default=d["validate_every"])
    p.add_argument("--log-every", type=int, default=d["log_every"])
    p.add_argument("--threads", type=int, default=0, help="CPU threads per process (0: all cores / processes)")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--storage", choices=["float32", "float16"], default=d["storage"], help="dtype of the exported weights")
    p.add_argument("--force", action="store_true", help="replace a model in the run folder that this run did not make")


def start_world(args: argparse.Namespace) -> World:
    """This process's place in the torchrun world, with the CPU threads shared out among the processes."""
    world = init_world(args.device)
    if world.device.type == "cpu":
        torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // world.size))
    return world


def trainer_config(steps: int, seed: int, lr: float, warmup: int, decay: str, ema: float, checkpoint_every: int, validate_every: int, log_every: int) -> dict:
    """A TrainerConfig (train/trainer_config.py): AdamW with warm-up, constant or cosine decay to a tenth."""
    return {
        "steps": steps, "seed": seed,
        "learningRate": {"peak": lr, "warmupSteps": warmup, "decay": decay, "minimum": lr / 10 if decay == "cosine" else 0},
        "ema": {"maxDecay": ema, "warmup": True} if ema > 0 else None,
        "checkpointEvery": checkpoint_every, "validateEvery": validate_every, "logEvery": log_every,
    }


def train_to_the_end(trainer: Trainer, validate=None) -> dict:
    """``trainer.run``; Ctrl-C or SIGTERM leaves a checkpoint and exits with 130, divergence with 2."""
    try:
        return trainer.run(validate=validate)
    except Interrupted as e:
        print(str(e), flush=True)
        close_world()
        raise SystemExit(130) from None
    except TrainingDiverged as e:
        fail(str(e))


def card_basics(world: World, global_batch: int, wall_seconds: float) -> dict:
    """What every model card says about its use and how it was trained."""
    return {
        "intendedUse": RESEARCH_USE,
        "trainer": f"meddiff_torch (PyTorch {torch.__version__}), {world.size} process(es) on {world.device.type}, global batch {global_batch}",
        "hardware": torch.cuda.get_device_name(world.device) if world.device.type == "cuda" else (platform.processor() or platform.machine()),
        "wallSeconds": round(wall_seconds),
    }


def training_subjects(manifest: dict) -> str:
    return ", ".join(s["id"] for s in manifest["subjects"] if s["split"] == "train")

"""`python3 -m meddiff_torch train-med-cdiff`: trains a Med-cDiff model on one process or many
(torchrun), resumable, and exports the EMA weights in the project's format."""
from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import torch

from .cli_common import fail, log_to, read_config
from .data import read_dataset
from .models.med_cdiff import MedCDiff
from .train.distributed import close_world, init_world
from .train.med_cdiff_objective import MedCDiffObjective, validation_loss
from .train.trainer import Interrupted, Trainer, TrainingDiverged
from .weights import load_tf_state, read_weights

RESEARCH_USE = "Research use only. Not a medical device; not for diagnosis or treatment decisions."


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, help="a MedCDiffConfig JSON file, or a model folder whose config to train (see `config`)")
    p.add_argument("--init", help="start from the weights of this model folder (fine-tuning a model saved by either trainer)")
    p.add_argument("--data", required=True, help="a slice dataset folder (manifest.json, train.f32, val.f32)")
    p.add_argument("--out", required=True, help="the run folder: checkpoints/, log.jsonl, model/ (the export)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch", type=int, default=8, help="global batch, split over the processes")
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--decay", choices=["constant", "cosine"], default="constant")
    p.add_argument("--ema", type=float, default=0.999, help="EMA decay; 0 for none")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoint-every", type=int, default=100)
    p.add_argument("--validate-every", type=int, default=0)
    p.add_argument("--log-every", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="CPU threads per process (0: all cores / processes)")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--storage", choices=["float32", "float16"], default="float16", help="dtype of the exported weights")
    p.add_argument("--force", action="store_true", help="replace a model in <out>/model that this run did not make")


def run(args: argparse.Namespace) -> int:
    world = init_world(args.device)
    if world.device.type == "cpu":
        torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // world.size))
    out = Path(args.out)
    export = out / "model"
    # The run owns <out>/model: a longer run replaces it. A model there without this run's checkpoints is someone else's.
    if (export / "model.json").exists() and not any((out / "checkpoints").glob("step-*.pt")) and not args.force:
        fail(f"{export} holds a model that no run in {out} made; pass --force to replace it, or choose another --out.")
    config = read_config(args.config)
    torch.manual_seed(args.seed)  # the same initial weights on every rank and in every run
    model = MedCDiff(config)
    train, val = read_dataset(args.data, "train"), read_dataset(args.data, "val")
    objective = MedCDiffObjective(model, train, world.device)
    trainer_config = {
        "steps": args.steps, "seed": args.seed,
        "learningRate": {"peak": args.lr, "warmupSteps": args.warmup, "decay": args.decay, "minimum": args.lr / 10 if args.decay == "cosine" else 0},
        "ema": {"maxDecay": args.ema, "warmup": True} if args.ema > 0 else None,
        "checkpointEvery": args.checkpoint_every, "validateEvery": args.validate_every, "logEvery": args.log_every,
    }
    log = log_to(out / "log.jsonl") if world.is_main else (lambda r: None)
    trainer = Trainer(objective, config, trainer_config, out, world, args.batch, log)
    if not trainer.resume() and args.init:
        meta, weights = read_weights(args.init, "MedCDiff")
        load_tf_state(model.unet, weights, args.init)
        trainer.ema = [p.detach().clone() for p in trainer.params] if trainer.ema is not None else None
    started = time.time()
    try:
        summary = trainer.run(validate=(lambda: {"validationLoss": validation_loss(objective, val)}) if args.validate_every else None)
    except Interrupted as e:
        print(str(e), flush=True)
        close_world()
        return 130
    except TrainingDiverged as e:
        fail(str(e))
    if world.is_main:
        with trainer.ema_weights():
            vloss = validation_loss(objective, val)
            card = {
                "task": config["task"],
                "trainedOn": f"{train.manifest['name']} ({len(train)} training slices; subjects {', '.join(s['id'] for s in train.manifest['subjects'] if s['split'] == 'train')})",
                "trainingSteps": trainer.step,
                "intendedUse": RESEARCH_USE,
                "trainer": f"meddiff_torch (PyTorch {torch.__version__}), {world.size} process(es) on {world.device.type}, global batch {args.batch}",
                "hardware": platform.processor() or platform.machine(),
                "wallSeconds": round(time.time() - started),
                "validationLoss": vloss,
                "dataset": {"name": train.manifest["name"], "inputsKey": train.manifest.get("inputsKey"), "size": train.manifest["size"]},
                "trainerConfig": trainer.config,
            }
            model.save(export, card=card, storage_dtype=args.storage, overwrite=True)
        log({"exported": str(export), "steps": trainer.step, "validationLoss": vloss})
    close_world()
    return 0

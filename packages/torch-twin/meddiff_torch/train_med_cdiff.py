"""`python3 -m meddiff_torch train-med-cdiff`: trains a Med-cDiff model (or, with `--network
regression`, its same-size regression baseline) on one process or many (torchrun), resumable, and
exports the EMA weights in the project's format."""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from .cli_common import RESEARCH_USE, add_training_arguments, card_basics, fail, log_to, read_config, start_world, train_to_the_end, trainer_config, training_subjects
from .data import read_dataset
from .model_card import input_specification, new_model_card
from .models.med_cdiff import MODEL_CLASS, REGRESSION_MODEL_CLASS, MedCDiff, MedCDiffRegression
from .train.distributed import close_world
from .train.med_cdiff_objective import MedCDiffObjective, RegressionObjective, validation_loss
from .train.trainer import Trainer
from .weights import load_tf_state, read_weights

# What --network trains: the network, its objective and the model class it is saved as.
NETWORKS = {"diffusion": (MedCDiff, MedCDiffObjective, MODEL_CLASS), "regression": (MedCDiffRegression, RegressionObjective, REGRESSION_MODEL_CLASS)}


def with_new_input_channels(weights: dict[str, np.ndarray], in_channels: int) -> dict[str, np.ndarray]:
    """Lets --init start one task from another's model: inpainting's input adds the mask after the
    image channels, so its kernel slice starts at zero and the network begins as the one it came from."""
    kernel = weights.get("input_conv/kernel")  # tfjs layout: height, width, in, out
    if kernel is None or kernel.shape[2] >= in_channels:
        return weights
    zeros = np.zeros((*kernel.shape[:2], in_channels - kernel.shape[2], kernel.shape[3]), kernel.dtype)
    return {**weights, "input_conv/kernel": np.concatenate([kernel, zeros], axis=2)}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, help="a MedCDiffConfig JSON file, or a model folder whose config to train (see `config`)")
    p.add_argument("--init", help="start from the weights of this model folder (fine-tuning a model saved by either trainer)")
    p.add_argument("--out", required=True, help="the run folder: checkpoints/, log.jsonl, model/ (the export)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--network", choices=list(NETWORKS), default="diffusion", help="the diffusion model, or the regression U-Net of the same size (a baseline for `med-cdiff evaluate --baseline-model`)")
    add_training_arguments(p)


def run(args: argparse.Namespace) -> int:
    world = start_world(args)
    out = Path(args.out)
    export = out / "model"
    # The run owns <out>/model: a longer run replaces it. A model there without this run's checkpoints is someone else's.
    if (export / "model.json").exists() and not any((out / "checkpoints").glob("step-*.pt")) and not args.force:
        fail(f"{export} holds a model that no run in {out} made; pass --force to replace it, or choose another --out.")
    config = read_config(args.config)
    network, objective_class, model_class = NETWORKS[args.network]
    torch.manual_seed(args.seed)  # the same initial weights on every rank and in every run
    model = network(config)
    train, val = read_dataset(args.data, "train"), read_dataset(args.data, "val")
    objective = objective_class(model, train, world.device)
    tc = trainer_config(args.steps, args.seed, args.lr, args.warmup, args.decay, args.ema, args.checkpoint_every, args.validate_every, args.log_every)
    log = log_to(out / "log.jsonl") if world.is_main else (lambda r: None)
    trainer = Trainer(objective, config, tc, out, world, args.batch, log)
    if not trainer.resume() and args.init:
        meta, weights = read_weights(args.init, model_class)
        load_tf_state(model.unet, with_new_input_channels(weights, model.unet.input_conv.in_channels), args.init)
        trainer.ema = [p.detach().clone() for p in trainer.params] if trainer.ema is not None else None
    started = time.time()
    train_to_the_end(trainer, (lambda: {"validationLoss": validation_loss(objective, val)}) if args.validate_every else None)
    if world.is_main:
        with trainer.ema_weights():
            vloss = validation_loss(objective, val)
            augmentation = config.get("augmentation") or {}
            card = new_model_card({
                "name": f"med-cdiff-{config['task']}",
                "intendedUse": RESEARCH_USE,
                "input": input_specification(train.manifest, zoom=tuple(augmentation.get("scales") or (1, 1))),
                "task": config["task"],
                "network": args.network,
                "trainedOn": f"{train.manifest['name']} ({len(train)} training slices; subjects {training_subjects(train.manifest)})",
                "trainingSteps": trainer.step,
                "metrics": [{"name": "validationLoss", "value": vloss, "condition": "the training objective with fixed draws (EMA weights)", "data": f"{val.manifest['name']} val"}],
                **card_basics(world, args.batch, time.time() - started),
                "validationLoss": vloss,
                "dataset": {"name": train.manifest["name"], "inputsKey": train.manifest.get("inputsKey"), "size": train.manifest["size"]},
                "trainerConfig": trainer.config,
            }, f"Trained {trainer.step} steps on {train.manifest['name']} (meddiff_torch).")
            model.save(export, card=card, storage_dtype=args.storage, overwrite=True)
        log({"exported": str(export), "steps": trainer.step, "validationLoss": vloss})
    close_world()
    return 0

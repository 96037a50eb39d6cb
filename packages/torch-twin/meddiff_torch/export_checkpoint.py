"""Exports the EMA weights of a Med-cDiff run's newest checkpoint as a model folder, while the run
goes on (for evaluating a run midway; a finished run exports itself to <out>/model); and writes
the compact checkpoint a later session resumes from."""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from .cli_common import RESEARCH_USE
from .data import read_dataset
from .model_card import input_specification, new_model_card
from .models.med_cdiff import MedCDiff, MedCDiffRegression
from .train.trainer import compact_checkpoint
from .weights import WeightsError


def export_latest(run: str | Path, to: str | Path, data: str | Path, storage_dtype: str = "float16", overwrite: bool = False) -> dict:
    """``data``: the dataset folder the run trains on (its manifest gives the card's input specification)."""
    found = sorted((Path(run) / "checkpoints").glob("step-*.pt"))
    if not found:
        raise WeightsError(f"{run} holds no checkpoint (checkpoints/step-*.pt); give a run folder of train-med-cdiff.")
    state = torch.load(found[-1], map_location="cpu")
    # The regression baseline's network has no time embedding: its parameters say which one the run trains.
    network = MedCDiff if any(k.startswith("unet.time_embedding") for k in state["network"]) else MedCDiffRegression
    model = network(state["modelConfig"])
    model.load_state_dict(state["network"])
    if state["ema"] is not None:
        with torch.no_grad():
            for p, e in zip([p for p in model.parameters() if p.requires_grad], state["ema"]):
                p.copy_(e)
    manifest = read_dataset(data, "train", verify=False).manifest
    augmentation = model.config.get("augmentation") or {}
    card = new_model_card({
        "name": f"med-cdiff-{model.config['task']}", "task": model.config["task"], "intendedUse": RESEARCH_USE,
        "input": input_specification(manifest, zoom=tuple(augmentation.get("scales") or (1, 1))),
        "trainedOn": f"{manifest['name']}: run {Path(run).name} (checkpoint {found[-1].name}, exported midway)", "trainingSteps": state["step"],
        "trainerConfig": state["trainerConfig"]}, f"Exported midway at step {state['step']}.")
    return model.save(to, card=card, storage_dtype=storage_dtype, overwrite=overwrite)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", required=True, help="a train-med-cdiff run folder")
    p.add_argument("--to", required=True, help="the model folder to write")
    p.add_argument("--data", required=True, help="the dataset folder the run trains on (for the model card's input specification)")
    p.add_argument("--storage", choices=["float32", "float16"], default="float16")
    p.add_argument("--force", action="store_true", help="replace a model already in --to")


def add_compact_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", required=True, help="a run folder (its checkpoints/), or a CDM run's stage folder")
    p.add_argument("--to", required=True, help="the file to write, e.g. <folder>/step-0005000.pt")


def run_compact(args: argparse.Namespace) -> int:
    path = compact_checkpoint(Path(args.run) / "checkpoints", args.to)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


def run(args: argparse.Namespace) -> int:
    meta = export_latest(args.run, args.to, args.data, args.storage, args.force)
    print(f"exported {args.to}: {meta['modelClass']}, {sum(f['bytes'] for f in meta['files'].values())} bytes")
    return 0

"""`python3 -m meddiff_torch train-cdm`: trains CDM in stages as `cdm train` does
(cdm/src/commands/train.ts), on one process or many (torchrun): the MRM, the MDN on the frozen
MRM's vectors, the C-UNet with both frozen and fed MDN draws, and the plain U-Net baseline.

The run folder: run.json (the config, data and each stage's settings and report, in the
TypeScript trainer's format), log.jsonl, <stage>/checkpoints/ (each stage resumes exactly from its
newest), model/<part>/ (each finished stage's EMA weights; a stage saved there is not trained
again), model/cdm.json (written after the C-UNet: model/ is then a CDM model for `cdm run`,
`cdm evaluate` and the pipelines) and baseline/model.json (the plain U-Net, where `cdm evaluate`
looks for it).
"""
from __future__ import annotations

import argparse
import json
import math
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

from .cli_common import RESEARCH_USE, add_training_arguments, card_basics, log_to, read_config, start_world, train_to_the_end, trainer_config, training_subjects
from .data import read_dataset
from .model_card import input_specification, new_model_card
from .models.cdm import PARTS, Cdm
from .nn.unet import UNet
from .paired_slices import channel_indices, prepare_slices, spread_indices
from .train.baseline_objective import BaselineObjective, baseline_validation, plain_unet_config, save_baseline
from .train.cunet_objective import DEFAULT_MDN_STEPS, CunetObjective, cunet_validation
from .train.distributed import World, close_world, wait_for_all
from .train.mdn_objective import MdnObjective, mdn_validation_loss, representations
from .train.mrm_objective import MrmObjective, mrm_modalities, mrm_validation_loss
from .train.trainer import Trainer
from .train.trainer_config import resolve_trainer_config

STAGES = ("mrm", "mdn", "cunet", "baseline")
# Steps per stage when not given (train.ts DEFAULT_STAGE_STEPS): enough to beat histogram matching on the simulated data.
DEFAULT_STAGE_STEPS = {
    "tiny": {"mrm": 600, "mdn": 2000, "cunet": 1500, "baseline": 1500},
    "small": {"mrm": 2000, "mdn": 4000, "cunet": 4000, "baseline": 4000},
    "paper": {"mrm": 20000, "mdn": 20000, "cunet": 40000, "baseline": 40000},
}
DEFAULT_BATCH = {"mrm": 8, "mdn": 64, "cunet": 8, "baseline": 8}
DEFAULT_LR = 1e-3
NEEDS = {"mrm": (), "mdn": ("mrm",), "cunet": ("mrm", "mdn"), "baseline": ()}
# Validation slices per stage, spread over the split (train.ts's stage trainers).
VALIDATION_SLICES = {"mrm": 32, "mdn": 64, "cunet": 32, "baseline": 32}
RUN_FILE = "run.json"


class RunFolderError(ValueError):
    """A run folder that cannot be continued as asked; the message says what to do."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="a CdmConfig JSON file (`python3 -m meddiff_torch config cdm <modalities> <size>`) or a CDM model folder; not needed to continue a run")
    p.add_argument("--init", help="start each new stage of mrm, mdn and cunet from that part of this CDM model folder (fine-tuning a model saved by either trainer; pass it as --config too)")
    p.add_argument("--out", required=True, help="the run folder: run.json, log.jsonl, <stage>/checkpoints/, model/ (the CDM model), baseline/")
    p.add_argument("--stage", choices=[*STAGES, "all"], default="all", help="what to train; all: mrm, mdn, cunet, then baseline")
    p.add_argument("--steps", type=int, help="steps of each stage trained now (default per size: tiny 600/2000/1500/1500 for mrm/mdn/cunet/baseline)")
    for s in STAGES:
        p.add_argument(f"--{s}-steps", type=int, help=f"steps of the {s} stage")
    p.add_argument("--ddim-steps", type=int, default=DEFAULT_MDN_STEPS, help="DDIM steps of the MDN draws that feed the C-UNet while it trains")
    add_training_arguments(p, data_required=False, batch=None, lr=None, warmup=None, decay="cosine", checkpoint_every=None, validate_every=None, log_every=None, storage="float32")


def size_of(config: dict) -> str:
    base = config["mrm"]["unet"]["baseChannels"]
    return "paper" if base >= 64 else "small" if base >= 16 else "tiny"


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


class RunFolder:
    """run.json and the folders of one run; only rank 0 writes."""

    def __init__(self, out: Path, world: World):
        self.out, self.world = out, world
        self.model_dir, self.baseline_dir = out / "model", out / "baseline"
        path = out / RUN_FILE
        self.run = json.loads(path.read_text()) if path.exists() else None
        if self.run is not None and self.run.get("format") != "cdm-run":
            raise RunFolderError(f"{path} is not a CDM run file; choose another --out folder.")

    def foreign_model(self) -> Path | None:
        """A model in the folder that no run made (there is no run.json)."""
        if self.run is not None:
            return None
        found = [self.model_dir / "cdm.json", self.baseline_dir / "model.json", *(self.model_dir / p / "model.json" for p in PARTS)]
        return next((f for f in found if f.exists()), None)

    def start(self, config: dict, data: str, seed: int) -> None:
        if self.run is None:
            self.run = {"format": "cdm-run", "version": 1, "config": config, "data": data, "seed": seed, "stages": {}, "settings": {}, "createdAt": datetime.now(timezone.utc).isoformat()}
        self.run.setdefault("settings", {})
        self.write()

    def write(self) -> None:
        if self.world.is_main:
            self.out.mkdir(parents=True, exist_ok=True)
            tmp = self.out / (RUN_FILE + ".partial")
            tmp.write_text(json.dumps(self.run, indent=1) + "\n")
            tmp.replace(self.out / RUN_FILE)

    def done(self, stage: str) -> Path | None:
        """Where a finished stage's weights are, if it has finished."""
        path = self.baseline_dir if stage == "baseline" else self.model_dir / stage
        return path if (path / "model.json").exists() else None


def _resolve_config(args, folder: RunFolder) -> dict:
    if folder.run is not None:
        config = folder.run["config"]
        if args.config and not _same(read_config(args.config), config):
            m = config["modalities"]
            raise RunFolderError(f"{folder.out} is a run of {'+'.join(m['sources'])} -> {','.join(m['targets'])} at {config['imageSize']} px; --config describes another model. Continue it without --config, or start a new --out folder.")
        return config
    if not args.config:
        raise RunFolderError(f"{folder.out} holds no run yet: give --config (a CdmConfig JSON file or a CDM model folder).")
    return read_config(args.config)


def _stage_settings(stage: str, args, folder: RunFolder, config: dict) -> tuple[dict, int]:
    """The stage's trainer config and global batch: fixed when it first starts; a started stage may only train longer."""
    asked = getattr(args, f"{stage}_steps") or args.steps
    saved = folder.run["settings"].get(stage)
    if saved:
        if args.lr is not None or args.batch is not None:
            raise RunFolderError(f"The {stage} stage of {folder.out} started with its own learning rate and batch size; continue it without --lr and --batch, or delete {folder.out / stage} to start it again.")
        steps = asked or saved["trainer"]["steps"]
        tc = {**saved["trainer"], "steps": steps, "learningRate": {**saved["trainer"]["learningRate"], "totalSteps": steps}}
        return tc, saved["batchSize"]
    steps = asked or DEFAULT_STAGE_STEPS[size_of(config)][stage]
    lr = args.lr if args.lr is not None else DEFAULT_LR
    tc = trainer_config(
        steps, folder.run["seed"], lr,
        args.warmup if args.warmup is not None else min(100, steps // 10), args.decay, args.ema,
        args.checkpoint_every if args.checkpoint_every is not None else max(1, min(200, steps // 5)),
        args.validate_every if args.validate_every is not None else max(1, steps // 5),
        args.log_every if args.log_every is not None else max(1, min(50, steps // 20)),
    )
    tc["learningRate"]["totalSteps"] = steps
    batch = args.batch if args.batch is not None else DEFAULT_BATCH[stage]
    folder.run["settings"][stage] = {"trainer": tc, "batchSize": batch}
    folder.write()
    return tc, batch


def stage_objective(stage: str, config: dict, model: Cdm, train: torch.Tensor, val: torch.Tensor, channels: list[str], seed: int, mdn_steps: int = DEFAULT_MDN_STEPS):
    """The stage's objective (its ``network`` is what the stage trains) and its validation metrics, a
    function of no arguments; ``model`` holds the earlier stages' weights."""
    if stage == "mrm":
        o = MrmObjective(model, train, channel_indices(channels, mrm_modalities(config)))
        return o, lambda: {"mrmValidationMse": mrm_validation_loss(o, val)}
    if stage == "mdn":
        o = MdnObjective(model, train, channels)
        targets, sources = representations(model, val, channels)
        return o, lambda: {"mdnValidationLoss": mdn_validation_loss(o, targets, sources)}
    if stage == "cunet":
        o = CunetObjective(model, train, channels, mdn_steps)
        return o, lambda: cunet_validation(o, val)
    torch.manual_seed(seed)
    o = BaselineObjective(config, UNet(plain_unet_config(config)).to(train.device), train, channels)
    return o, lambda: baseline_validation(o, val)


def _model_card(folder: RunFolder, world: World, manifest: dict, train_count: int, network: str = "cdm") -> dict:
    """The card of the CDM (its three parts) or, for network 'baseline', of the plain U-Net beside it."""
    run, config = folder.run, folder.run["config"]
    m = config["modalities"]
    parts = [p for p in PARTS if p in run["stages"]] if network == "cdm" else ["baseline"]
    data = f"{manifest['name']} val"
    metrics = [{"name": k, "value": v, "condition": f"{p} validation (EMA weights)", "data": data} for p in parts for k, v in run["stages"][p]["validation"].items() if isinstance(v, (int, float)) and math.isfinite(v)]
    return new_model_card({
        "name": ("cdm-" if network == "cdm" else "cdm-plain-unet-") + "-".join([*m["sources"], "to", *m["targets"]]).lower(),
        "intendedUse": RESEARCH_USE,
        "input": input_specification(manifest, channels=m["sources"]),
        "trainedOn": f"data set {manifest['name']} ({' + '.join(m['sources'])} -> {', '.join(m['targets'])}; {train_count} training slices of subjects {training_subjects(manifest)})",
        "trainingSteps": {p: run["stages"][p]["steps"] for p in parts},
        "metrics": metrics,
        **card_basics(world, ", ".join(f"{run['settings'][p]['batchSize']} ({p})" for p in parts), sum(run["stages"][p]["seconds"] for p in parts)),
        "wallSecondsPerPart": {p: round(run["stages"][p]["seconds"]) for p in parts},
        "validation": {p: run["stages"][p]["validation"] for p in parts},
        "notes": "Trained on simulated contrasts rendered from real anatomy, not on patient acquisitions." if "simulation" in manifest else "",
        "dataset": {"name": manifest["name"], "inputsKey": manifest.get("inputsKey"), "size": manifest["size"], "channels": manifest["channels"]},
        "trainerConfig": {p: {**resolve_trainer_config(run["settings"][p]["trainer"]), "globalBatch": run["settings"][p]["batchSize"]} for p in parts},
    }, "Trained " + ", ".join(f"{p} {run['stages'][p]['steps']} steps" for p in parts) + f" on {manifest['name']} (meddiff_torch).")


def _train_stage(stage: str, args, folder: RunFolder, world: World, data: dict, log) -> dict | None:
    config = folder.run["config"]
    where = folder.done(stage)
    if where:
        log({"stage": stage, "skipped": f"already trained ({where}); delete that folder to train it again"})
        return None
    for part in NEEDS[stage]:
        if not folder.done(part):
            raise RunFolderError(f"The {stage} stage needs the trained {part} ({folder.model_dir / part}); run the {part} stage first (--stage {part}), or --stage all.")
    tc, batch = _stage_settings(stage, args, folder, config)
    torch.manual_seed(folder.run["seed"])  # the same initial weights on every rank and in every run
    model = Cdm(config)
    for part in NEEDS[stage]:
        model.load_part(folder.model_dir, part)
    model.to(world.device)
    objective, validate = stage_objective(stage, config, model, data["train"], data[f"val-{stage}"], data["channels"], folder.run["seed"], args.ddim_steps)
    model_config = {"stage": stage, "config": config, **({"mdnSteps": args.ddim_steps} if stage == "cunet" else {})}
    trainer = Trainer(objective, model_config, tc, folder.out / stage, world, batch, lambda r: log({"stage": stage, **r}))
    started = time.time()
    if trainer.resume():
        log({"stage": stage, "resumedAt": trainer.step, "from": trainer.resumed_from})
    elif args.init and stage in PARTS:
        model.load_part(args.init, stage)  # refuses a part trained with another config
        trainer.ema = [p.detach().clone() for p in trainer.params] if trainer.ema is not None else None
        log({"stage": stage, "initialisedFrom": str(Path(args.init) / stage)})
    summary = train_to_the_end(trainer, validate if tc["validateEvery"] else None)
    report = None
    if world.is_main:
        with trainer.ema_weights():
            validation = validate()
            last = summary["lastLoss"]
            report = {"stage": stage, "steps": summary["endStep"], "resumedFrom": summary["resumedFrom"], "lastLoss": None if math.isnan(last) else last, "validation": validation, "seconds": time.time() - started}
            folder.run["stages"][stage] = report
            folder.write()
            if stage == "baseline":
                save_baseline(objective.network, folder.baseline_dir, config, _model_card(folder, world, data["manifest"], data["train"].shape[0], "baseline"), args.storage)
            elif stage == "cunet":
                # The C-UNet completes the model: all three parts and the index with its card.
                model.save(folder.model_dir, card=_model_card(folder, world, data["manifest"], data["train"].shape[0]), storage_dtype=args.storage, overwrite=True)
            else:
                model.save_part(folder.model_dir, stage, args.storage)
        log({"stage": stage, "saved": str(folder.baseline_dir if stage == "baseline" else folder.model_dir / stage), "steps": summary["endStep"], "validation": validation})
    wait_for_all()  # the next stage, on every rank, loads what rank 0 saved
    return report


def read_cdm_data(data_dir: str, config: dict, device: torch.device) -> dict:
    train, val = read_dataset(data_dir, "train"), read_dataset(data_dir, "val")
    m = config["modalities"]
    channel_indices(train.channels, [*m["sources"], *m["targets"]])  # a missing contrast fails now, not after a stage
    prepared = {s.split: prepare_slices(s.images, config["imageSize"], config["normalization"]).to(device) for s in (train, val)}
    out = {"train": prepared["train"], "channels": train.channels, "manifest": train.manifest}
    for stage, count in VALIDATION_SLICES.items():
        out[f"val-{stage}"] = prepared["val"][spread_indices(len(val), count).to(device)]
    return out


def run(args: argparse.Namespace) -> int:
    world = start_world(args)
    out = Path(args.out).resolve()
    folder = RunFolder(out, world)
    foreign = folder.foreign_model()
    if foreign and not args.force:
        raise RunFolderError(f"{foreign} is a model that no run in {out} made (there is no {RUN_FILE}); pass --force to replace it, or choose another --out.")
    config = _resolve_config(args, folder)
    Cdm(config)  # a config the networks cannot be built from fails before anything is written
    data_dir = args.data or (folder.run or {}).get("data")
    if not data_dir:
        raise RunFolderError("Give --data: a slice dataset folder whose channels are the contrasts (e.g. .cache/datasets/cdm-sim-64 from `cdm simulate`).")
    data_dir = str(Path(data_dir).resolve())
    data = read_cdm_data(data_dir, config, world.device)
    folder.start(config, data_dir, args.seed)
    log = log_to(out / "log.jsonl") if world.is_main else (lambda r: None)
    m = config["modalities"]
    log({"data": data_dir, "trainSlices": data["train"].shape[0], "imageSize": config["imageSize"], "translation": f"{' + '.join(m['sources'])} -> {', '.join(m['targets'])}", "processes": world.size})
    for stage in STAGES if args.stage == "all" else (args.stage,):
        _train_stage(stage, args, folder, world, data, log)
    if world.is_main and args.stage in ("all", "cunet") and (folder.model_dir / "cdm.json").exists():
        log({"model": str(folder.model_dir)})
    close_world()
    return 0

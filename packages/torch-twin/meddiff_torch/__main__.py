"""Command line: `python3 -m meddiff_torch <command> ...` (or through `torchrun ... -m meddiff_torch`)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import export_checkpoint, train_cdm, train_med_cdiff
from .cli_common import typescript_config
from .data import DatasetError
from .nn.unet import ConfigError
from .train.trainer import CheckpointError
from .weights import WeightsError


def version_line() -> str:
    """The twin's version (its package.json, the one the npm workspace knows) and PyTorch's."""
    import torch

    package = json.loads((Path(__file__).resolve().parents[1] / "package.json").read_text())
    return f"meddiff_torch {package['version']} (PyTorch {torch.__version__})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m meddiff_torch", description="Train the meddiff networks in PyTorch and export them for the TypeScript pipelines.")
    parser.add_argument("--version", action="version", version=version_line())
    sub = parser.add_subparsers(dest="command", required=True)
    cfg = sub.add_parser("config", help="print a preset config as the TypeScript packages build it")
    cfg.add_argument("family", choices=["med-cdiff", "cdm"])
    cfg.add_argument("name", help="task (med-cdiff) or modality setting (cdm)")
    cfg.add_argument("preset", help="tiny, small or paper")
    train_med_cdiff.add_arguments(sub.add_parser("train-med-cdiff", help="train a Med-cDiff model (resumable; torchrun for several processes)"))
    train_cdm.add_arguments(sub.add_parser("train-cdm", help="train CDM in stages: mrm, mdn, cunet and the plain U-Net baseline (each resumable; torchrun for several processes)"))
    export_checkpoint.add_arguments(sub.add_parser("export", help="export the EMA weights of a train-med-cdiff run's newest checkpoint while it trains on"))
    export_checkpoint.add_compact_arguments(sub.add_parser("compact", help="the newest checkpoint of a run without its optimizer moments, to commit and resume from later"))
    args = parser.parse_args(argv)
    if args.command == "config":
        print(json.dumps(typescript_config([args.family, args.name, args.preset]), indent=1))
        return 0
    try:
        return {"train-med-cdiff": train_med_cdiff, "train-cdm": train_cdm, "export": export_checkpoint}[args.command].run(args) if args.command != "compact" else export_checkpoint.run_compact(args)
    except (DatasetError, WeightsError, ConfigError, CheckpointError, train_cdm.RunFolderError) as e:
        print(f"meddiff_torch: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

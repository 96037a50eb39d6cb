"""Pieces every training command shares: configs from files or model folders, run folders, logs."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .testing import PACKAGE_ROOT, REPO_ROOT


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
    out = subprocess.run([str(REPO_ROOT / "node_modules" / ".bin" / "tsx"), str(PACKAGE_ROOT / "scripts" / "ts_configs.ts"), *args], capture_output=True, text=True)
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

"""Runs the TypeScript networks from Python (tests and parity checks): writes inputs, calls
scripts/ts_forward.ts through Node, reads the outputs back. Needs the repository's node_modules
and the built TypeScript packages (`npx nx run-many -t build`)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from .typescript import run_script


def _nhwc(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a.transpose(0, 2, 3, 1) if a.ndim == 4 else a, dtype=np.float32)


def _nchw(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a.transpose(0, 3, 1, 2)) if a.ndim == 4 else a


def run_typescript(jobs: list[dict]) -> list[np.ndarray]:
    """Each job: {model, run, x (NCHW, 2-D or 3-D array), condition?, timesteps?, options?}; returns
    outputs (NCHW, 2-D or 3-D). ``options`` (plain JSON) go to the run as they are (see scripts/ts_forward.ts)."""
    with tempfile.TemporaryDirectory(prefix="meddiff-ts-forward-") as tmp:
        spec = []
        for i, job in enumerate(jobs):
            entry = {"model": str(job.get("model", "")), "run": job["run"], "output": f"{tmp}/out{i}.f32"}
            for key in ("x", "condition"):
                if job.get(key) is not None:
                    a = _nhwc(np.asarray(job[key]))
                    path = f"{tmp}/{key}{i}.f32"
                    a.astype("<f4").tofile(path)
                    entry[key] = {"file": path, "shape": list(a.shape)}
            if job.get("timesteps") is not None:
                entry["timesteps"] = [float(t) for t in job["timesteps"]]
            if job.get("options") is not None:
                entry["options"] = job["options"]
            spec.append(entry)
        Path(tmp, "jobs.json").write_text(json.dumps(spec))
        done = run_script("ts_forward.ts", [f"{tmp}/jobs.json"], env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})
        if done.returncode != 0:
            raise RuntimeError(f"ts_forward.ts failed ({done.returncode}):\n{done.stderr[-4000:]}")
        shapes = [json.loads(line)["shape"] for line in done.stdout.splitlines() if line.startswith("{")]
        return [_nchw(np.fromfile(f"{tmp}/out{i}.f32", dtype="<f4").reshape(shape)) for i, shape in enumerate(shapes)]

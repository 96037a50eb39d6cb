"""Training with the twin: DDP equals one process at the same global batch, exact resume after an
interrupt, and round trips of weights between the PyTorch and TypeScript trainers."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import write_slice_dataset
from meddiff_torch import MedCDiff
from meddiff_torch.testing import run_typescript
from meddiff_torch.typescript import PACKAGE_ROOT, REPO_ROOT

# torchrun of Debian 12's PyTorch 1.13 on Python 3.11 cannot parse its own default "0" for these
# (an IntFlag change in 3.11); --redirects 1 --tee 1 parses and keeps every rank's output on the console.
TORCHRUN_FIX = ["--redirects", "1", "--tee", "1"] if torch.__version__.startswith("1.") else []
ENV = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT), "OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return write_slice_dataset(tmp_path_factory.mktemp("data") / "blobs")


@pytest.fixture(scope="module")
def config_file(ts_configs, tmp_path_factory):
    # Super-resolution with both factors and the tiny U-Net, at the dataset's 16 px.
    path = tmp_path_factory.mktemp("config") / "sr-tiny.json"
    path.write_text(json.dumps(ts_configs["medCDiff"]["super-resolution/tiny"]))
    return path


def train(args, nproc=1, **kw):
    base = ["-m", "meddiff_torch", "train-med-cdiff", "--threads", "1", "--log-every", "1", *args]
    cmd = [sys.executable, *base] if nproc == 1 else ["/usr/bin/torchrun", *TORCHRUN_FIX, "--standalone", f"--nproc_per_node={nproc}", *base]
    return subprocess.run(cmd, cwd=PACKAGE_ROOT, env=ENV, capture_output=True, text=True, timeout=300, **kw)


def final_weights(run: Path) -> dict:
    [last] = sorted((run / "checkpoints").glob("step-*.pt"))[-1:]
    return torch.load(last)["network"]


def common(config_file, dataset, out, steps, batch=8):
    return ["--config", str(config_file), "--data", str(dataset), "--out", str(out), "--steps", str(steps), "--batch", str(batch), "--warmup", "1", "--lr", "1e-3", "--checkpoint-every", "2"]


def test_two_processes_equal_one_at_the_same_global_batch(config_file, dataset, tmp_path):
    one = train(common(config_file, dataset, tmp_path / "one", 3))
    assert one.returncode == 0, one.stderr[-3000:]
    two = train(common(config_file, dataset, tmp_path / "two", 3), nproc=2)
    assert two.returncode == 0, two.stderr[-3000:]
    a, b = final_weights(tmp_path / "one"), final_weights(tmp_path / "two")
    torch.manual_seed(0)
    start = MedCDiff(json.loads(config_file.read_text())).state_dict()
    moved = max(float((a[k] - start[k]).abs().max()) for k in a)
    diff = max(float((a[k] - b[k]).abs().max()) for k in a)
    assert moved > 1e-3, "three steps at lr 1e-3 should move the weights"
    assert diff < 1e-5, f"one process and two differ by {diff}"
    # Rank 0 alone logs and checkpoints.
    assert len([l for l in (tmp_path / "two" / "log.jsonl").read_text().splitlines() if '"step": 3,' in l]) == 1


def test_an_interrupted_run_resumes_exactly(config_file, dataset, tmp_path):
    straight = train(common(config_file, dataset, tmp_path / "straight", 6))
    assert straight.returncode == 0, straight.stderr[-3000:]
    # Ctrl-C as a terminal sends it: to the process group, while a step is running.
    proc = subprocess.Popen([sys.executable, "-m", "meddiff_torch", "train-med-cdiff", "--threads", "1", "--log-every", "1", *common(config_file, dataset, tmp_path / "cut", 6)],
                            cwd=PACKAGE_ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in proc.stdout:
        if '"step": 3,' in line:
            os.killpg(proc.pid, signal.SIGINT)
            break
    assert proc.wait(timeout=120) == 130
    cut = sorted((tmp_path / "cut" / "checkpoints").glob("step-*.pt"))
    assert 3 <= int(cut[-1].stem.split("-")[1]) < 6
    resumed = train(common(config_file, dataset, tmp_path / "cut", 6))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    a, b = final_weights(tmp_path / "straight"), final_weights(tmp_path / "cut")
    assert all(torch.equal(a[k], b[k]) for k in a), "the resumed run should equal the uninterrupted one exactly"


def test_a_checkpoint_of_another_config_is_refused(config_file, dataset, tmp_path):
    assert train(common(config_file, dataset, tmp_path / "run", 2)).returncode == 0
    other = train([*common(config_file, dataset, tmp_path / "run", 4)[:-4], "--lr", "5e-4", "--checkpoint-every", "2"])
    assert other.returncode == 2
    assert "learningRate.peak" in other.stderr


def forward_both(model_dir: Path, seed: int):
    model, _ = MedCDiff.load(model_dir)
    r = np.random.default_rng(seed)
    noisy = r.normal(size=(2, 1, 16, 16)).astype(np.float32)
    cond = r.uniform(-1, 1, (2, 1, 16, 16)).astype(np.float32)
    with torch.no_grad():
        ours = model.eval()(torch.from_numpy(noisy), torch.from_numpy(cond), torch.tensor([5.0, 900.0])).numpy()
    [theirs] = run_typescript([{"model": model_dir, "run": "med-cdiff", "x": noisy, "condition": cond, "timesteps": [5.0, 900.0]}])
    return ours, theirs


def test_round_trip_pytorch_to_typescript_and_back(config_file, dataset, tmp_path):
    run = train(common(config_file, dataset, tmp_path / "py", 3))
    assert run.returncode == 0, run.stderr[-3000:]
    ours, theirs = forward_both(tmp_path / "py" / "model", seed=1)
    assert np.abs(ours - theirs).max() < 1e-4
    # The TypeScript trainer fine-tunes the PyTorch export, and the twin reads its result.
    ts = subprocess.run([str(REPO_ROOT / "node_modules" / ".bin" / "tsx"), str(REPO_ROOT / "packages" / "med-cdiff" / "src" / "cli.ts"), "train", "--init", str(tmp_path / "py" / "model"),
                         "--data", str(dataset), "--out", str(tmp_path / "ts"), "--steps", "2", "--batch-size", "4", "--validate-every", "0", "--backend", "wasm"],
                        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert ts.returncode == 0, ts.stderr[-3000:]
    ts_card = json.loads((tmp_path / "ts" / "model" / "model.json").read_text())["userDefinedMetadata"]["meddiff"]["card"]
    assert ts_card["trainingSteps"] == 2 and ts_card["initFrom"].endswith("py/model")
    ours, theirs = forward_both(tmp_path / "ts" / "model", seed=2)
    assert np.abs(ours - theirs).max() < 1e-4
    # ... and the twin fine-tunes the TypeScript result in turn.
    back = train([*common(config_file, dataset, tmp_path / "py2", 2), "--init", str(tmp_path / "ts" / "model")])
    assert back.returncode == 0, back.stderr[-3000:]


def test_the_regression_baseline_trains_and_loads_in_typescript(config_file, dataset, tmp_path):
    run = train([*common(config_file, dataset, tmp_path / "reg", 3), "--network", "regression"])
    assert run.returncode == 0, run.stderr[-3000:]
    meta = json.loads((tmp_path / "reg" / "model" / "model.json").read_text())["userDefinedMetadata"]["meddiff"]
    assert meta["modelClass"] == "MedCDiff-Regression" and meta["card"]["trainingSteps"] == 3
    # The TypeScript evaluation reads it as its regression baseline (evaluate --baseline-model).
    from meddiff_torch.models.med_cdiff import MedCDiffRegression

    model, _ = MedCDiffRegression.load(tmp_path / "reg" / "model")
    assert sum(p.numel() for p in model.parameters()) > 0
    # A checkpoint of the regression run is refused by a diffusion run in the same folder (another network).
    other = train(common(config_file, dataset, tmp_path / "reg", 4))
    assert other.returncode == 2


def test_export_of_a_running_run(config_file, dataset, tmp_path):
    assert train(common(config_file, dataset, tmp_path / "run", 2)).returncode == 0
    done = subprocess.run([sys.executable, "-m", "meddiff_torch", "export", "--run", str(tmp_path / "run"), "--data", str(dataset), "--to", str(tmp_path / "mid")], cwd=PACKAGE_ROOT, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    a, meta = MedCDiff.load(tmp_path / "mid")
    b, _ = MedCDiff.load(tmp_path / "run" / "model")
    assert meta["card"]["trainingSteps"] == 2 and meta["card"]["input"]["channels"] == ["image"]
    # The same EMA weights as the run's own export (both float16).
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))
    again = subprocess.run([sys.executable, "-m", "meddiff_torch", "export", "--run", str(tmp_path / "run"), "--data", str(dataset), "--to", str(tmp_path / "mid")], cwd=PACKAGE_ROOT, env=ENV, capture_output=True, text=True)
    assert again.returncode == 2 and "already holds a model" in again.stderr


def test_a_compact_checkpoint_continues_a_run(config_file, dataset, tmp_path):
    assert train(common(config_file, dataset, tmp_path / "run", 2)).returncode == 0
    compact = tmp_path / "committed" / "step-0000002.pt"
    done = subprocess.run([sys.executable, "-m", "meddiff_torch", "compact", "--run", str(tmp_path / "run"), "--to", str(compact)], cwd=PACKAGE_ROOT, env=ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    full = sorted((tmp_path / "run" / "checkpoints").glob("*.pt"))[-1]
    assert compact.stat().st_size < 0.3 * full.stat().st_size
    # A later session: a fresh run folder holding only the compact checkpoint, the same command, more steps.
    (tmp_path / "later" / "checkpoints").mkdir(parents=True)
    compact.rename(tmp_path / "later" / "checkpoints" / compact.name)
    later = train(common(config_file, dataset, tmp_path / "later", 4))
    assert later.returncode == 0, later.stderr[-3000:]
    assert "AdamW moments start from zero" in (tmp_path / "later" / "log.jsonl").read_text()
    assert json.loads((tmp_path / "later" / "model" / "model.json").read_text())["userDefinedMetadata"]["meddiff"]["card"]["trainingSteps"] == 4


def test_inpainting_starts_from_a_model_of_another_task(config_file, dataset, ts_configs, tmp_path):
    # Inpainting adds the mask as an input channel: --init from a super-resolution model widens the
    # input convolution with zeros, so the new run starts as exactly the network it came from.
    assert train(common(config_file, dataset, tmp_path / "sr", 2)).returncode == 0
    inpainting = tmp_path / "inpainting-tiny.json"
    inpainting.write_text(json.dumps(ts_configs["medCDiff"]["inpainting/tiny"]))
    run = train([*common(inpainting, dataset, tmp_path / "inp", 1), "--init", str(tmp_path / "sr" / "model"), "--lr", "1e-12"])
    assert run.returncode == 0, run.stderr[-3000:]
    sr, _ = MedCDiff.load(tmp_path / "sr" / "model")
    inp, _ = MedCDiff.load(tmp_path / "inp" / "model")
    before, after = sr.unet.input_conv.weight, inp.unet.input_conv.weight  # (out, in, 3, 3)
    assert after.shape[1] == before.shape[1] + 1
    assert torch.allclose(after[:, :-1], before, atol=1e-6) and float(after[:, -1].abs().max()) < 1e-6
    # A regression baseline takes the condition alone: one of another task starts a new one as it is.
    assert train([*common(config_file, dataset, tmp_path / "sr-reg", 1), "--network", "regression"]).returncode == 0
    denoising = tmp_path / "denoising-tiny.json"
    denoising.write_text(json.dumps(ts_configs["medCDiff"]["denoising/tiny"]))
    regression = train([*common(denoising, dataset, tmp_path / "dn-reg", 1), "--network", "regression", "--init", str(tmp_path / "sr-reg" / "model")])
    assert regression.returncode == 0, regression.stderr[-3000:]

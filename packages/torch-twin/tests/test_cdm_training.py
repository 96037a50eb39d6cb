"""CDM training with the twin (train-cdm): every stage learns, the exported model runs the same in
TypeScript, finished stages are skipped and a stage resumes exactly, two processes equal one."""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import write_slice_dataset
from test_parity import cdm_jobs
from test_training import ENV, TORCHRUN_FIX
from meddiff_torch.__main__ import main
from meddiff_torch.data import DatasetError
from meddiff_torch.ddim import trailing_timesteps
from meddiff_torch.models.cdm import Cdm
from meddiff_torch.nn.patch_mask import patch_keep_mask
from meddiff_torch.paired_slices import channel_indices, prepare_slices
from meddiff_torch.testing import run_typescript
from meddiff_torch.typescript import PACKAGE_ROOT
from meddiff_torch.train_cdm import read_cdm_data, stage_objective

TOLERANCE = 1e-4
STEPS = {"mrm": 12, "mdn": 40, "cunet": 10, "baseline": 4}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    # 32 px slices for a 16 px model: the trainer's resizing and per-slice normalisation run too.
    return write_slice_dataset(tmp_path_factory.mktemp("data") / "contrasts", size=32, channels=("T1", "T2", "FLAIR", "PD"))


@pytest.fixture(scope="module")
def config_file(ts_configs, tmp_path_factory):
    # The tiny preset (T1 + T2 -> FLAIR, PD, MDN conditioned on the sources) at 16 px.
    path = tmp_path_factory.mktemp("config") / "cdm-tiny-16.json"
    path.write_text(json.dumps({**ts_configs["cdm"]["tiny"], "imageSize": 16}))
    return path


def train_cdm(args: list[str]) -> int:
    return main(["train-cdm", "--threads", "1", "--log-every", "2", "--validate-every", "0", *args])


def steps_args() -> list[str]:
    return [arg for stage, n in STEPS.items() for arg in (f"--{stage}-steps", str(n))]


@pytest.fixture(scope="module")
def run(config_file, dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "all"
    assert train_cdm(["--config", str(config_file), "--data", str(dataset), "--out", str(out), "--stage", "all", *steps_args(), "--batch", "4", "--checkpoint-every", "4"]) == 0
    return out


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]


def newest_checkpoint(folder: Path) -> dict:
    return torch.load(sorted((folder / "checkpoints").glob("step-*.pt"))[-1])


# -- the pieces, against the TypeScript code's own numbers ------------------------------------------
def test_trailing_timesteps_are_those_of_diffusion_core():
    # diffusion-core/src/samplers/timestepSpacing.test.ts
    assert trailing_timesteps(1000, 10) == [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]
    assert trailing_timesteps(1000, 1) == [999]


def test_the_patch_mask_drops_exactly_the_share_of_whole_patches():
    keep = patch_keep_mask(torch.rand(3, 16, generator=torch.Generator().manual_seed(0)), 16, 16, 4, 0.75)
    patches = keep.reshape(3, 4, 4, 4, 4).permute(0, 1, 3, 2, 4).reshape(3, 16, 16)
    assert torch.all((patches.amin(dim=2) == patches.amax(dim=2)))  # a patch is kept or dropped whole
    assert (patches[:, :, 0] == 0).sum(dim=1).tolist() == [12, 12, 12]
    assert not torch.equal(keep[0], keep[1])


def test_modalities_map_to_channels_case_insensitively():
    assert channel_indices(["T1", "T2", "FLAIR", "PD"], ["flair", "t1"]) == [2, 0]
    with pytest.raises(DatasetError, match="no 'T1ce' channel .*it has T1, T2"):
        channel_indices(["T1", "T2"], ["T1ce"])


def test_a_dataset_without_a_configured_contrast_is_refused(config_file, tmp_path, capsys):
    data = write_slice_dataset(tmp_path / "no-pd", channels=("T1", "T2", "FLAIR"))
    assert train_cdm(["--config", str(config_file), "--data", str(data), "--out", str(tmp_path / "run"), "--stage", "mrm"]) == 2
    assert "no 'PD' channel" in capsys.readouterr().err
    assert not (tmp_path / "run" / "run.json").exists()


# -- training ------------------------------------------------------------------------------------
def test_every_stage_learns(run, config_file, dataset):
    config = json.loads(config_file.read_text())
    report = json.loads((run / "run.json").read_text())
    assert {s: report["stages"][s]["steps"] for s in STEPS} == STEPS
    data = read_cdm_data(str(dataset), config, torch.device("cpu"))

    def initial(stage, *trained_parts):
        torch.manual_seed(0)
        model = Cdm(config)
        for part in trained_parts:
            model.load_part(run / "model", part)
        _, validate = stage_objective(stage, config, model, data["train"], data[f"val-{stage}"], data["channels"], seed=0)
        return validate()

    before = {"mrm": initial("mrm")["mrmValidationMse"], "mdn": initial("mdn", "mrm")["mdnValidationLoss"],
              "cunet": initial("cunet", "mrm", "mdn")["mae"], "baseline": initial("baseline")["mae"]}
    after = {"mrm": report["stages"]["mrm"]["validation"]["mrmValidationMse"], "mdn": report["stages"]["mdn"]["validation"]["mdnValidationLoss"],
             "cunet": report["stages"]["cunet"]["validation"]["mae"], "baseline": report["stages"]["baseline"]["validation"]["mae"]}
    print(f"validation before -> after: {before} -> {after}")
    for stage in STEPS:
        assert after[stage] < before[stage], f"{stage}: validation {before[stage]} -> {after[stage]}"
    # Every stage logged finite training losses.
    losses = [r["loss"] for r in records(run) if "loss" in r]
    assert len(losses) >= sum(STEPS.values()) // 2 and all(np.isfinite(losses))


def test_the_exported_model_runs_the_same_in_typescript(run, config_file):
    model, index = Cdm.load(run / "model")
    model.eval()
    card = index["card"]
    assert card["trainingSteps"] == {p: STEPS[p] for p in ("mrm", "mdn", "cunet")}
    assert card["intendedUse"] == "Research use only. Not a medical device; not for diagnosis or treatment decisions."
    assert {"trainedOn", "hardware", "wallSeconds", "trainerConfig", "validation"} <= set(card)
    assert card["trainerConfig"]["mdn"]["globalBatch"] == 4 and card["trainerConfig"]["mdn"]["learningRate"]["decay"] == "cosine"
    baseline = json.loads((run / "baseline" / "model.json").read_text())["userDefinedMetadata"]["meddiff"]
    assert baseline["modelClass"] == "CDM-Baseline-UNet" and baseline["config"] == index["config"]

    ours, jobs = cdm_jobs(model, run / "model", seed=3)
    # The MDN's DDIM draws as the C-UNet trained on them, against the TypeScript scheduler.
    r = np.random.default_rng(4)
    noise = r.normal(size=(3, model.mdn.data_dim)).astype(np.float32)
    cond = r.normal(size=(3, model.mdn.condition_dim)).astype(np.float32)
    ours.append(model.mdn.sample(torch.from_numpy(noise), torch.from_numpy(cond), 10).numpy())
    jobs.append({"model": run / "model", "run": "mdn-ddim", "x": noise, "condition": cond, "options": {"steps": 10}})
    # prepareSlices: area down, bilinear up, a blank slice, odd percentiles.
    slices = r.uniform(-3, 5, (3, 32, 32)).astype(np.float32)
    slices[1] = 0.25
    for size, norm in ((16, {"lowPercentile": 0.5, "highPercentile": 99.5}), (40, {"lowPercentile": 2, "highPercentile": 97})):
        ours.append(prepare_slices(torch.from_numpy(slices[:, None]), size, norm)[:, 0].numpy())
        jobs.append({"run": "prepare-slices", "x": slices, "options": {"size": size, "normalization": norm}})
    theirs = run_typescript(jobs)
    for job, a, b in zip(jobs, ours, theirs):
        assert a.shape == b.shape, (job["run"], a.shape, b.shape)
        assert float(np.abs(a - b).max()) < TOLERANCE, job["run"]


def test_finished_stages_are_skipped_and_a_stage_resumes_exactly(run, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(run, copy)
    index = (copy / "model" / "cdm.json").read_text()
    assert train_cdm(["--out", str(copy)]) == 0
    skipped = [r["stage"] for r in records(copy) if "skipped" in r]
    assert skipped == ["mrm", "mdn", "cunet", "baseline"]
    assert (copy / "model" / "cdm.json").read_text() == index
    # A started stage keeps its settings.
    assert train_cdm(["--out", str(copy), "--stage", "baseline", "--lr", "5e-4"]) == 0  # finished: skipped, not refused
    shutil.rmtree(copy / "baseline" / "checkpoints")
    (copy / "baseline" / "model.json").unlink()
    assert train_cdm(["--out", str(copy), "--stage", "baseline", "--lr", "5e-4"]) == 2
    assert "started with its own learning rate" in capsys.readouterr().err
    # The MRM as if stopped after its checkpoint at step 8: it resumes there and ends where it did.
    straight = newest_checkpoint(copy / "mrm")["network"]
    sorted((copy / "mrm" / "checkpoints").glob("step-*.pt"))[-1].unlink()
    shutil.rmtree(copy / "model" / "mrm")
    assert train_cdm(["--out", str(copy), "--stage", "mrm"]) == 0
    assert json.loads((copy / "run.json").read_text())["stages"]["mrm"]["resumedFrom"] == "step-0000008.pt"
    resumed = newest_checkpoint(copy / "mrm")["network"]
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)
    # A later stage needs the earlier ones.
    shutil.rmtree(copy / "model" / "mdn")
    assert train_cdm(["--out", str(copy), "--stage", "cunet"]) == 0  # finished
    shutil.rmtree(copy / "model" / "cunet")
    assert train_cdm(["--out", str(copy), "--stage", "cunet"]) == 2
    assert "needs the trained mdn" in capsys.readouterr().err


def test_two_processes_train_the_cunet_as_one(run, dataset, tmp_path):
    folders = {}
    for name in ("one", "two"):
        f = folders[name] = tmp_path / name
        (f / "model").mkdir(parents=True)
        for part in ("mrm", "mdn"):
            shutil.copytree(run / "model" / part, f / "model" / part)
        shutil.copy(run / "run.json", f / "run.json")  # the C-UNet's settings: global batch 4
    args = ["--stage", "cunet", "--cunet-steps", "3", "--threads", "1", "--log-every", "1"]
    assert train_cdm(["--out", str(folders["one"]), *args]) == 0
    two = subprocess.run(["/usr/bin/torchrun", *TORCHRUN_FIX, "--standalone", "--nproc_per_node=2", "-m", "meddiff_torch", "train-cdm", "--out", str(folders["two"]), *args],
                         cwd=PACKAGE_ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert two.returncode == 0, two.stderr[-3000:]
    a, b = newest_checkpoint(folders["one"] / "cunet"), newest_checkpoint(folders["two"] / "cunet")
    assert a["step"] == b["step"] == 3
    torch.manual_seed(0)
    start = Cdm(json.loads((run / "run.json").read_text())["config"]).cunet.state_dict()
    assert max(float((a["network"][k] - start[k]).abs().max()) for k in start) > 1e-4, "three steps should move the weights"
    diff = max(float((a["network"][k] - b["network"][k]).abs().max()) for k in a["network"])
    assert diff < 1e-5, f"one process and two differ by {diff}"
    # Rank 0 alone logs and saves.
    assert len([r for r in records(folders["two"]) if r.get("stage") == "cunet" and r.get("step") == 3]) == 1
    assert (folders["two"] / "model" / "cdm.json").exists()


def test_fine_tuning_starts_from_a_typescript_trained_model(tmp_path):
    """The viewer's CDM model folder (the format both trainers save) as the start of a twin run."""
    shipped = PACKAGE_ROOT.parents[1] / "apps" / "viewer" / "models" / "cdm-t1-t2-to-flair-pd-small-64px"
    reference, _ = Cdm.load(shipped)
    data = write_slice_dataset(tmp_path / "data", size=reference.config["imageSize"], train=8, val=4, channels=("T1", "T2", "FLAIR", "PD"))
    assert train_cdm(["--config", str(shipped), "--init", str(shipped), "--data", str(data), "--out", str(tmp_path / "ft"), "--stage", "mrm", "--mrm-steps", "1", "--batch", "2", "--lr", "1e-5", "--warmup", "1"]) == 0
    tuned = torch.load(sorted((tmp_path / "ft" / "mrm" / "checkpoints").glob("*.pt"))[-1])["network"]
    start = reference.mrm.unet.state_dict()
    # One step at lr 1e-5 from the shipped weights: within 1e-4 of them (a fresh start is far away).
    assert max(float((tuned[f"unet.{k}"] - v).abs().max()) for k, v in start.items()) < 1e-4
    assert "initialisedFrom" in (tmp_path / "ft" / "log.jsonl").read_text()

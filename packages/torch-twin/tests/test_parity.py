"""Forward parity with the TypeScript networks on shared weights, for every preset and network.

Each network is built here from the config TypeScript builds for the preset, given random weights,
exported in the project's format, loaded back (so both sides hold identical weights) and run on the
same input here and through the TypeScript package (tfjs, WASM)."""
import numpy as np
import pytest
import torch

from meddiff_torch.model_card import new_model_card
from conftest import randomize
from meddiff_torch import Cdm, MedCDiff, UNet
from meddiff_torch.testing import run_typescript
from meddiff_torch.typescript import REPO_ROOT
from meddiff_torch.weights import load_tf_state, read_weights, save_weights, tf_state

TOLERANCE = 1e-4
SHIPPED = REPO_ROOT / "apps" / "viewer" / "models"


def rng(seed):
    return np.random.default_rng(seed)


def max_diff(a, b):
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b)))


def unet_inputs(c, size, seed):
    r = rng(seed)
    x = r.uniform(-1, 1, (2, c["inChannels"], size, size)).astype(np.float32)
    t = [7.0, 1234.0] if c["timeEmbedding"] else None
    cond = r.normal(size=(2, c["conditionDim"])).astype(np.float32) if c["conditionDim"] else None
    return x, t, cond


def torch_unet(net, x, t, cond):
    with torch.no_grad():
        return net(torch.from_numpy(x), None if t is None else torch.tensor(t), None if cond is None else torch.from_numpy(cond)).numpy()


@pytest.mark.parametrize("preset", ["tiny", "tiny-condition-add", "small", "paper128"])
def test_unet_presets_match_typescript(ts_configs, tmp_path, preset):
    c = ts_configs["unet"][preset]
    net = randomize(UNet(c), seed=1)
    # float16 storage for the 63 M-parameter preset: both sides read the same rounded weights.
    dtype = "float16" if preset == "paper128" else "float32"
    save_weights(tmp_path, tf_state(net), "UNet", c, storage_dtype=dtype)
    load_tf_state(net, read_weights(tmp_path, "UNet")[1], str(tmp_path))
    size = 4 * net.size_multiple
    x, t, cond = unet_inputs(c, size, seed=2)
    ours = torch_unet(net, x, t, cond)
    [theirs] = run_typescript([{"model": tmp_path, "run": "unet", "x": x, "timesteps": t, "condition": cond}])
    assert np.abs(ours).max() > 0.05, "the output should not be trivially zero"
    assert max_diff(ours, theirs) < TOLERANCE


def test_med_cdiff_every_task_and_preset_matches_typescript(ts_configs, tmp_path):
    jobs, ours = [], []
    for i, (name, config) in enumerate(ts_configs["medCDiff"].items()):
        if name.endswith("/paper") and not name.startswith("super-resolution"):
            continue  # the paper U-Net is checked above and for one task here; the wrapper is the same
        model = MedCDiff(config)
        randomize(model, seed=10 + i)
        folder = tmp_path / name.replace("/", "-")
        model.save(folder, storage_dtype="float16" if name.endswith("/paper") else "float32")
        model, _ = MedCDiff.load(folder)
        model.eval()
        r = rng(i)
        cond_ch = config["unet"]["inChannels"] - 1
        noisy = r.normal(size=(2, 1, 32, 32)).astype(np.float32)
        cond = r.uniform(-1, 1, (2, cond_ch, 32, 32)).astype(np.float32)
        t = [3.0, 1500.0]
        with torch.no_grad():
            ours.append(model(torch.from_numpy(noisy), torch.from_numpy(cond), torch.tensor(t)).numpy())
        # The TS model concatenates noisy and condition itself: pass them as x and condition.
        jobs.append({"model": folder, "run": "med-cdiff", "x": noisy, "condition": cond, "timesteps": t})
    for a, b in zip(ours, run_typescript(jobs)):
        assert max_diff(a, b) < TOLERANCE


def cdm_jobs(model, folder, seed):
    c = model.config
    size = c["imageSize"]
    r = rng(seed)
    images = r.uniform(-1, 1, (2, 1, size, size)).astype(np.float32)
    sources = r.uniform(-1, 1, (2, len(c["modalities"]["sources"]), size, size)).astype(np.float32)
    target_vec = r.normal(size=(2, model.mdn.data_dim)).astype(np.float32)
    cond = r.normal(size=(2, model.mdn.condition_dim)).astype(np.float32) if model.mdn.condition_dim else None
    t = [0.0, 613.0]
    with torch.no_grad():
        ours = [
            model.mrm(torch.from_numpy(images)).numpy(),
            model.mrm.encode(torch.from_numpy(images)).numpy(),
            model.mdn(torch.from_numpy(target_vec), torch.tensor(t).long(), None if cond is None else torch.from_numpy(cond)).numpy(),
            model.cunet(torch.from_numpy(sources), condition=torch.from_numpy(target_vec)).numpy(),
        ]
    jobs = [
        {"model": folder, "run": "mrm-reconstruct", "x": images},
        {"model": folder, "run": "mrm-encode", "x": images},
        {"model": folder, "run": "mdn", "x": target_vec, "timesteps": t, "condition": cond},
        {"model": folder, "run": "cunet", "x": sources, "condition": target_vec},
    ]
    return ours, jobs


def test_cdm_every_size_and_network_matches_typescript(ts_configs, tmp_path):
    ours, jobs = [], []
    for i, (name, config) in enumerate(ts_configs["cdm"].items()):
        model = randomize(Cdm(config), seed=20 + i, scale=0.02)
        folder = tmp_path / name
        model.save(folder, card=new_model_card({"name": "parity-test", "intendedUse": "tests", "input": {"modalities": ["MR"], "planes": ["axial"], "pixelSpacingMm": None, "intensity": "none", "channels": config["modalities"]["sources"]},
                                               "trainedOn": "random weights (parity test)", "trainingSteps": {"mrm": 0, "mdn": 0, "cunet": 0}}, "Random weights."), storage_dtype="float16" if name == "paper" else "float32")
        model, _ = Cdm.load(folder)
        model.eval()
        o, j = cdm_jobs(model, folder, seed=i)
        ours += o
        jobs += j
    for a, b in zip(ours, run_typescript(jobs)):
        assert max_diff(a, b) < TOLERANCE


def test_shipped_models_load_here_and_agree():
    """The viewer's shipped weights (Med-cDiff trained by the TypeScript trainer, CDM by this twin) give the same outputs here and in TypeScript."""
    model, meta = MedCDiff.load(SHIPPED / "med-cdiff-super-resolution-tiny")
    assert meta["card"]["trainingSteps"] > 0
    r = rng(5)
    noisy = r.normal(size=(1, 1, 64, 64)).astype(np.float32)
    cond = r.uniform(-1, 1, (1, 1, 64, 64)).astype(np.float32)
    with torch.no_grad():
        ours = model.eval()(torch.from_numpy(noisy), torch.from_numpy(cond), torch.tensor([250.0])).numpy()
    cdm, _ = Cdm.load(SHIPPED / "cdm-t1-t2-to-flair-pd-small-64px")
    cdm.eval()
    o, j = cdm_jobs(cdm, SHIPPED / "cdm-t1-t2-to-flair-pd-small-64px", seed=6)
    theirs = run_typescript([{"model": SHIPPED / "med-cdiff-super-resolution-tiny", "run": "med-cdiff", "x": noisy, "condition": cond, "timesteps": [250.0]}] + j)
    for a, b in zip([ours] + o, theirs):
        assert max_diff(a, b) < TOLERANCE

"""Model cards in the twin: the rules of diffusion-core's validateModelCard, on save and on load."""
import json

import pytest

from meddiff_torch.model_card import ModelCardError, input_specification, new_model_card, validate_model_card
from meddiff_torch.models.med_cdiff import MedCDiff

FIELDS = {"name": "test", "intendedUse": "tests", "trainedOn": "nothing", "trainingSteps": 3,
          "input": {"modalities": ["MR"], "planes": ["axial"], "pixelSpacingMm": [1.0, 2.0], "intensity": "percentiles to -1 and 1", "channels": ["image"]}}


def _problems(card) -> list[str]:
    try:
        validate_model_card(card, "the test")
        return []
    except ModelCardError as e:
        return e.problems


def test_a_new_card_is_valid_and_a_card_from_before_the_schema_names_what_it_lacks():
    card = new_model_card(FIELDS, "First.")
    assert card["version"] == "0.1.0" and card["license"] == "NOASSERTION" and card["changelog"][0]["version"] == "0.1.0"
    assert _problems(card) == []
    old = " ".join(_problems({"task": "denoising", "trainedOn": "open-64", "trainingSteps": 400, "intendedUse": "Research use only."}))
    for field in ("cardVersion", "name", "license", "version", "input", "metrics", "changelog"):
        assert field in old
    assert _problems({**card, "input": {**card["input"], "pixelSpacingMm": [2, 1]}}) == ["input.pixelSpacingMm must be [finest, coarsest] in mm, or null"]
    assert len(_problems({**card, "version": "1.0"})) == 2  # not semantic, and not the changelog's last


def test_saving_and_loading_check_the_card(ts_configs, tmp_path):
    config = next(iter(ts_configs["medCDiff"].values()))
    model = MedCDiff(config)
    unlicensed = {k: v for k, v in new_model_card(FIELDS, "x").items() if k != "license"}
    with pytest.raises(ModelCardError, match="license must be a non-empty string"):
        model.save(tmp_path / "a", card=unlicensed)
    assert not (tmp_path / "a" / "model.json").exists()
    model.save(tmp_path / "a", card=new_model_card(FIELDS, "x"))
    MedCDiff.load(tmp_path / "a")
    path = tmp_path / "a" / "model.json"
    doc = json.loads(path.read_text())
    del doc["userDefinedMetadata"]["meddiff"]["card"]["input"]
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelCardError, match=r"input \(modalities"):
        MedCDiff.load(tmp_path / "a")


def test_input_specification_of_a_manifest():
    manifest = {"size": [64, 64], "channels": ["image"], "normalization": {"lowPercentile": 0.5, "highPercentile": 99.5, "clip": True, "over": "all"},
                "volumes": [{"split": "train", "modality": "MR", "plane": "axial", "shape": [100, 128, 64], "spacing": [1, 1, 2]},
                            {"split": "train", "modality": "CT", "plane": "sagittal", "shape": [32, 64, 64], "spacing": [0.5, 0.5, 4]},
                            {"split": "val", "modality": "NM", "shape": [1, 64, 64], "spacing": [9, 9, 9]}]}
    spec = input_specification(manifest, zoom=(1, 2))
    # axial: max(64 x 1, 128 x 1) / 64 = 2 mm; sagittal: max(64 x 0.5, 32 x 4) / 64 = 2 mm; zoom 2 halves the finest.
    assert spec == {"modalities": ["CT", "MR"], "planes": ["axial", "sagittal"], "pixelSpacingMm": [1.0, 2.0],
                    "intensity": "each volume's 0.5 and 99.5 percentiles (over all voxels) mapped to -1 and 1, clipped", "channels": ["image"]}


def test_the_command_line_says_its_version(capsys):
    from meddiff_torch.__main__ import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    package = json.loads(open("package.json").read())
    assert capsys.readouterr().out.startswith(f"meddiff_torch {package['version']} (PyTorch ")

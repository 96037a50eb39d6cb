"""Model cards as diffusion-core writes and checks them (src/io/modelCard.ts): the same fields, the
same rules, so a model saved by either side loads on the other."""
from __future__ import annotations

import datetime
import math
import re

MODEL_CARD_VERSION = 1
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ModelCardError(ValueError):
    """A model card lacks fields or has values of the wrong kind; ``problems`` lists each."""

    def __init__(self, where: str, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"The model card of {where} is not valid: {'; '.join(problems)}. Every saved model carries a card (cardVersion {MODEL_CARD_VERSION}: name, version, license, "
            "intendedUse, input, trainedOn, trainingSteps, metrics, changelog; see \"Model cards\" in the diffusion-core README); add what is missing and save again."
        )


def _text(v) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def validate_model_card(card, where: str) -> None:
    """Raises ModelCardError naming every problem of ``card``."""
    if not isinstance(card, dict):
        raise ModelCardError(where, ["the card is not a JSON object"])
    problems: list[str] = []

    def need(ok: bool, problem: str) -> None:
        if not ok:
            problems.append(problem)

    need(card.get("cardVersion") == MODEL_CARD_VERSION, f"cardVersion must be {MODEL_CARD_VERSION}, got {card.get('cardVersion')!r}")
    for k in ("name", "license", "intendedUse", "trainedOn"):
        need(_text(card.get(k)), f"{k} must be a non-empty string")
    need(isinstance(card.get("version"), str) and bool(_SEMVER.match(card["version"])), f"version must be a semantic version such as 1.0.0, got {card.get('version')!r}")
    steps = card.get("trainingSteps")
    need(_count(steps) or (isinstance(steps, dict) and len(steps) > 0 and all(_count(v) for v in steps.values())), "trainingSteps must be a count of steps or counts per part")
    inp = card.get("input")
    if not isinstance(inp, dict):
        problems.append("input (modalities, planes, pixelSpacingMm, intensity, channels) is missing")
    else:
        for k, what in (("modalities", "DICOM modality codes"), ("planes", "slice planes"), ("channels", "the input channels")):
            v = inp.get(k)
            need(isinstance(v, list) and len(v) > 0 and all(_text(x) for x in v), f"input.{k} must list {what}")
        need(_text(inp.get("intensity")), "input.intensity must say how intensities are mapped")
        s = inp.get("pixelSpacingMm")
        need(s is None or (isinstance(s, list) and len(s) == 2 and all(_number(x) and x > 0 for x in s) and s[0] <= s[1]), "input.pixelSpacingMm must be [finest, coarsest] in mm, or null")
    metrics = card.get("metrics")
    if not isinstance(metrics, list):
        problems.append("metrics must be a list (empty before any evaluation)")
    else:
        for i, m in enumerate(metrics):
            need(isinstance(m, dict) and _text(m.get("name")) and _number(m.get("value")) and _text(m.get("condition")) and _text(m.get("data")), f"metrics[{i}] needs name, a finite value, condition and data")
    log = card.get("changelog")
    if not isinstance(log, list) or not log:
        problems.append("changelog must list at least the first version")
    else:
        for i, e in enumerate(log):
            need(isinstance(e, dict) and isinstance(e.get("version"), str) and bool(_SEMVER.match(e["version"])) and isinstance(e.get("date"), str) and bool(_ISO_DATE.match(e["date"])) and _text(e.get("changes")),
                 f"changelog[{i}] needs version, date (YYYY-MM-DD) and changes")
        last = log[-1].get("version") if isinstance(log[-1], dict) else None
        need(last == card.get("version"), f"the changelog's last entry is version {last!r}, but the card's version is {card.get('version')!r}")
    if problems:
        raise ModelCardError(where, problems)


def new_model_card(fields: dict, changes: str, date: datetime.date | None = None) -> dict:
    """diffusion-core's newModelCard: version 0.1.0 unless given, licence NOASSERTION unless given,
    the metrics given, and a changelog of that one version; validated."""
    version = fields.get("version", "0.1.0")
    card = {"license": "NOASSERTION", "metrics": [], **fields, "cardVersion": MODEL_CARD_VERSION, "version": version,
            "changelog": [{"version": version, "date": (date or datetime.date.today()).isoformat(), "changes": changes}]}
    validate_model_card(card, f"the new model '{fields.get('name')}'")
    return card


def input_specification(manifest: dict, split: str = "train", zoom: tuple[float, float] = (1, 1), channels: list[str] | None = None) -> dict:
    """imaging's datasetInputSpecification: what a model trained on a dataset split expects."""
    volumes = [v for v in manifest["volumes"] if v["split"] == split]
    side = manifest["size"][0]
    spacings = []
    for v in volumes:
        d, r, c = v["shape"]
        si, sj, sk = v["spacing"]
        extents = {"axial": (c * si, r * sj), "coronal": (c * si, d * sk), "sagittal": (r * sj, d * sk)}[v.get("plane", "axial")]
        spacings.append(max(extents) / side)
    n = manifest["normalization"]
    return {
        "modalities": sorted({v["modality"] for v in volumes}),
        "planes": sorted({v.get("plane", "axial") for v in volumes}),
        "pixelSpacingMm": [round(min(spacings) / zoom[1], 3), round(max(spacings) / zoom[0], 3)] if spacings else None,
        "intensity": f"each volume's {_num(n.get('lowPercentile', 0.5))} and {_num(n.get('highPercentile', 99.5))} percentiles (over {n.get('over', 'all')} voxels) mapped to -1 and 1"
                     + ("" if n.get("clip") is False else ", clipped"),
        "channels": list(channels or manifest["channels"]),
    }


def _num(x: float) -> str:
    """A number as JavaScript prints it (1 not 1.0)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))

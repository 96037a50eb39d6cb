"""The project's weights format (diffusion-core's src/io/savedModel.ts), read and written from PyTorch.

A model folder holds ``model.json`` (tfjs Layers format: a weights manifest, and the project's
metadata under ``userDefinedMetadata.meddiff``: model class, config, storage dtype, card, SHA-256
and size of every shard) and its binary shards. The TypeScript loaders rebuild the network from the
saved config and load weights by name, so an export from here carries no Keras topology
(``modelTopology`` is null) and loads unchanged in the pipelines, the CLIs and the viewer.

Names: a parameter ``down0_res0.conv1.weight`` here is ``down0_res0_conv1/kernel`` there. Conv
kernels are (out, in, kh, kw) here and (kh, kw, in, out) there; dense kernels (out, in) and (in, out).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from .model_card import validate_model_card

FORMAT_VERSION = 1
MODEL_JSON = "model.json"
SHARD_BYTES = 4 * 1024 * 1024


class WeightsError(ValueError):
    """Weights that cannot be read or do not fit the network; the message names the file."""


def _tf_param(module: nn.Module, param: str) -> str:
    if isinstance(module, (nn.GroupNorm, nn.LayerNorm)):
        return {"weight": "gamma", "bias": "beta"}[param]
    return {"weight": "kernel", "bias": "bias"}[param]


def tf_names(net: nn.Module) -> dict[str, str]:
    """torch state-dict key -> tfjs weight name, for every parameter of ``net``."""
    modules = dict(net.named_modules())
    out = {}
    for key, _ in net.named_parameters():
        path, param = key.rsplit(".", 1)
        out[key] = f"{path.replace('.', '_')}/{_tf_param(modules[path], param)}"
    return out


def to_tf_layout(t: torch.Tensor) -> np.ndarray:
    a = t.detach().cpu().float().numpy()
    if a.ndim == 4:
        return np.ascontiguousarray(a.transpose(2, 3, 1, 0))
    if a.ndim == 2:
        return np.ascontiguousarray(a.T)
    return np.ascontiguousarray(a)


def from_tf_layout(a: np.ndarray) -> torch.Tensor:
    if a.ndim == 4:
        a = a.transpose(3, 2, 0, 1)
    elif a.ndim == 2:
        a = a.T
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def tf_state(net: nn.Module) -> dict[str, np.ndarray]:
    """The network's weights by tfjs name, in tfjs layout."""
    params = dict(net.named_parameters())
    return {tf: to_tf_layout(params[key]) for key, tf in tf_names(net).items()}


def load_tf_state(net: nn.Module, weights: dict[str, np.ndarray], location: str) -> None:
    """Copies weights named as in tfjs into ``net``; names and shapes must match exactly."""
    names = tf_names(net)
    params = dict(net.named_parameters())
    expected = set(names.values())
    extra = sorted(set(weights) - expected)
    if extra:
        raise WeightsError(f"{location} has weights the network does not know ({', '.join(extra[:3])}...); the file belongs to another architecture.")
    with torch.no_grad():
        for key, tf in names.items():
            if tf not in weights:
                raise WeightsError(f"{location} lacks weight '{tf}' that the network needs; the file belongs to another architecture.")
            value = from_tf_layout(weights[tf])
            if tuple(value.shape) != tuple(params[key].shape):
                raise WeightsError(f"{location}: weight '{tf}' has shape {list(weights[tf].shape)}, the network expects {list(to_tf_layout(params[key]).shape)}.")
            params[key].copy_(value)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_weights(folder: str | Path, weights: dict[str, np.ndarray], model_class: str, config: dict, card: dict | None = None, storage_dtype: str = "float32", overwrite: bool = False) -> dict:
    """Writes ``weights`` (tfjs names and layout) as a model folder; shards first, model.json last,
    so a folder never holds a model.json whose shards are missing. Refuses to replace a model
    unless ``overwrite``."""
    folder = Path(folder)
    if card is not None:
        validate_model_card(card, str(folder))
    if storage_dtype not in ("float32", "float16"):
        raise WeightsError(f"storage dtype '{storage_dtype}' is unknown. Allowed: float32, float16.")
    if (folder / MODEL_JSON).exists() and not overwrite:
        raise WeightsError(f"{folder} already holds a model; pass overwrite=True (--force) to replace it, or choose another folder.")
    folder.mkdir(parents=True, exist_ok=True)
    specs, chunks = [], []
    for name, value in weights.items():
        spec = {"name": name, "shape": list(value.shape), "dtype": "float32"}
        if storage_dtype == "float16":
            chunks.append(value.astype("<f2").tobytes())
            spec["quantization"] = {"dtype": "float16"}
        else:
            chunks.append(value.astype("<f4").tobytes())
        specs.append(spec)
    data = b"".join(chunks)
    count = max(1, -(-len(data) // SHARD_BYTES))
    files, paths = {}, []
    for i in range(count):
        shard = data[i * SHARD_BYTES:(i + 1) * SHARD_BYTES]
        path = f"weights.{i + 1}-of-{count}.bin"
        _write_atomic(folder / path, shard)
        files[path] = {"sha256": hashlib.sha256(shard).hexdigest(), "bytes": len(shard)}
        paths.append(path)
    meta = {"formatVersion": FORMAT_VERSION, "modelClass": model_class, "config": config, "storageDtype": storage_dtype, "files": files}
    if card is not None:
        meta["card"] = card
    doc = {
        "format": "layers-model",
        "generatedBy": f"meddiff_torch (PyTorch {torch.__version__})",
        "convertedBy": None,
        "modelTopology": None,
        "weightsManifest": [{"paths": paths, "weights": specs}],
        "userDefinedMetadata": {"meddiff": meta},
    }
    _write_atomic(folder / MODEL_JSON, json.dumps(doc).encode())
    return meta


def read_weights(folder: str | Path, expected_class: str) -> tuple[dict, dict[str, np.ndarray]]:
    """Reads a model folder written by either side: checks format, class, size and SHA-256 of every
    shard, then decodes the weights (float32 or float16 storage) by name. Returns (metadata, weights)."""
    folder = Path(folder)
    path = folder / MODEL_JSON
    if not path.exists():
        raise WeightsError(f"{path} does not exist; give a folder saved by the project (it holds model.json and weights.*.bin).")
    try:
        doc = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise WeightsError(f"{path} is not valid JSON ({e}); the file may be incomplete.") from e
    meta = (doc.get("userDefinedMetadata") or {}).get("meddiff")
    if not meta:
        raise WeightsError(f"{path} has no meddiff metadata; it was not saved by this project.")
    if meta.get("formatVersion") != FORMAT_VERSION:
        raise WeightsError(f"{folder} uses weights format {meta.get('formatVersion')}; this package reads format {FORMAT_VERSION}.")
    if meta.get("modelClass") != expected_class:
        raise WeightsError(f"{folder} holds a '{meta.get('modelClass')}' model, not a '{expected_class}'.")
    if "card" in meta:
        validate_model_card(meta["card"], str(folder))
    groups = doc.get("weightsManifest") or []
    if len(groups) != 1:
        raise WeightsError(f"{path} has no single weights group.")
    data = bytearray()
    for shard_path in groups[0]["paths"]:
        expected = meta["files"].get(shard_path)
        if expected is None:
            raise WeightsError(f"{path} lists {shard_path} without its hash.")
        shard = (folder / shard_path).read_bytes()
        if len(shard) != expected["bytes"]:
            raise WeightsError(f"{folder / shard_path} has {len(shard)} bytes, expected {expected['bytes']}: the file is truncated or replaced.")
        digest = hashlib.sha256(shard).hexdigest()
        if digest != expected["sha256"]:
            raise WeightsError(f"{folder / shard_path} fails its integrity check (SHA-256 {digest}, expected {expected['sha256']}).")
        data += shard
    weights, offset = {}, 0
    for spec in groups[0]["weights"]:
        n = int(np.prod(spec["shape"])) if spec["shape"] else 1
        quant = (spec.get("quantization") or {}).get("dtype")
        if spec["dtype"] != "float32" or quant not in (None, "float16"):
            raise WeightsError(f"{folder}: weight '{spec['name']}' is stored as {quant or spec['dtype']}; only float32 and float16 storage are read.")
        dtype, size = ("<f2", 2) if quant == "float16" else ("<f4", 4)
        if offset + n * size > len(data):
            raise WeightsError(f"{folder}: weights do not match their manifest (weight '{spec['name']}' runs past the data).")
        weights[spec["name"]] = np.frombuffer(bytes(data[offset:offset + n * size]), dtype=dtype).astype(np.float32).reshape(spec["shape"])
        offset += n * size
    if offset != len(data):
        raise WeightsError(f"{folder}: weights do not match their manifest ({len(data) - offset} bytes left over).")
    return meta, weights

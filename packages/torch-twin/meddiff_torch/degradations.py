"""Med-cDiff's training degradations (med-cdiff/src/degradations), batched in PyTorch.

Super-resolution uses the exact resampling weights of `imaging`'s resize2d (area downsampling,
Keys bicubic a = -0.5 upsampling, half-pixel centres, clamped edges; bilinear too, for CDM's slices), so a model sees in training
the same condition the TypeScript pipeline builds at inference.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from .train.batches import Batch


def _keys(x: float) -> float:
    a, t = -0.5, abs(x)
    if t <= 1:
        return ((a + 2) * t - (a + 3)) * t * t + 1
    if t < 2:
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return 0.0


@lru_cache(maxsize=64)
def resample_weights(n: int, m: int, method: str) -> np.ndarray:
    """The (m, n) float64 matrix of resize2d's 1-D weights from n samples to m ('area', 'bilinear' or 'bicubic')."""
    w = np.zeros((m, n), dtype=np.float64)
    scale = n / m
    clamp = lambda i: min(max(i, 0), n - 1)  # noqa: E731
    for j in range(m):
        if method == "bicubic":
            x = (j + 0.5) * scale - 0.5
            x0 = math.floor(x)
            for t in range(4):
                w[j, clamp(x0 - 1 + t)] += _keys(x - x0 - (t - 1))
        elif method == "bilinear":
            x = (j + 0.5) * scale - 0.5
            x0 = math.floor(x)
            w[j, clamp(x0)] += 1 - (x - x0)
            w[j, clamp(x0 + 1)] += x - x0
        elif method == "area":
            a, b = j * scale, (j + 1) * scale
            i = math.floor(a)
            while i < b:
                overlap = min(b, i + 1) - max(a, i)
                if overlap > 0:
                    w[j, clamp(i)] += overlap / scale
                i += 1
        else:
            raise ValueError(f"resample_weights: unknown method '{method}'. Allowed: area, bilinear, bicubic.")
    w.setflags(write=False)  # cached and shared
    return w


def resample_matrix(n: int, m: int, method: str) -> torch.Tensor:
    """``resample_weights`` as a float32 tensor, for resizing batches on the device."""
    return torch.from_numpy(resample_weights(n, m, method).astype(np.float32))


def resize(images: torch.Tensor, rows: int, cols: int, method: str) -> torch.Tensor:
    """(B, C, H, W) to (B, C, rows, cols), separable, as resize2d."""
    ry = resample_matrix(images.shape[2], rows, method).to(images.device)
    rx = resample_matrix(images.shape[3], cols, method).to(images.device)
    return ry @ images @ rx.T


def low_resolution_size(rows: int, cols: int, factor: float) -> tuple[int, int]:
    return max(1, round(rows / factor)), max(1, round(cols / factor))


def super_resolution_condition(clean: torch.Tensor, factors: list[float], batch: Batch) -> torch.Tensor:
    """Each image downsampled by a factor drawn from ``factors`` (area) and upsampled back (bicubic)."""
    choice = batch.integers(0, len(factors))
    out = torch.empty_like(clean)
    h, w = clean.shape[2:]
    for k, f in enumerate(factors):
        sel = (choice == k).nonzero().flatten()
        if len(sel):
            lr = resize(clean[sel], *low_resolution_size(h, w, f), "area")
            out[sel] = resize(lr, h, w, "bicubic")
    return out


def noise_condition(clean: torch.Tensor, sigma_range: tuple[float, float], sp_range: tuple[float, float], batch: Batch) -> torch.Tensor:
    """Gaussian noise of a drawn sigma, then a drawn share of pixels set to -1 or 1; clipped to [-1, 1]."""
    shape = clean.shape[1:]
    sigma = sigma_range[0] + (sigma_range[1] - sigma_range[0]) * batch.draw(torch.rand, 1, 1, 1)
    sp = sp_range[0] + (sp_range[1] - sp_range[0]) * batch.draw(torch.rand, 1, 1, 1)
    noisy = clean + sigma.to(clean) * batch.draw(torch.randn, *shape).to(clean)
    impulse = batch.draw(torch.rand, *shape).to(clean) < sp.to(clean)
    salt = batch.draw(torch.rand, *shape).to(clean) < 0.5
    noisy = torch.where(impulse, torch.where(salt.to(clean.device), 1.0, -1.0).to(clean), noisy)
    return noisy.clamp(-1, 1)


def box_mask(rows: int, cols: int, coverage: float, r: np.random.Generator) -> np.ndarray:
    """One rectangle covering about ``coverage`` of the image (masks.ts ``boxMask``)."""
    area = max(1.0, coverage * rows * cols)
    aspect = math.exp(r.uniform(math.log(0.5), math.log(2)))
    h = min(rows, max(1, round(math.sqrt(area * aspect))))
    w = min(cols, max(1, round(area / h)))
    top, left = r.integers(0, rows - h + 1), r.integers(0, cols - w + 1)
    m = np.zeros((rows, cols), dtype=np.float32)
    m[top:top + h, left:left + w] = 1
    return m


def stroke_mask(rows: int, cols: int, coverage: float, r: np.random.Generator) -> np.ndarray:
    """Free-form brush strokes until about ``coverage`` is covered (masks.ts ``strokeMask``)."""
    m = np.zeros((rows, cols), dtype=np.float32)
    size, target = min(rows, cols), coverage * rows * cols
    yy, xx = np.mgrid[0:rows, 0:cols]
    for _ in range(64):
        if m.sum() >= target:
            break
        y, x = r.uniform(0, rows), r.uniform(0, cols)
        radius = max(1.0, r.uniform(0.02, 0.06) * size)
        angle = r.uniform(0, 2 * math.pi)
        for _ in range(r.integers(4, 12)):
            if m.sum() >= target:
                break
            angle += r.uniform(-0.8, 0.8)
            length = r.uniform(0.05, 0.2) * size
            steps = max(1, math.ceil(length / (radius / 2)))
            for _ in range(steps):
                y = min(rows - 1, max(0, y + math.sin(angle) * length / steps))
                x = min(cols - 1, max(0, x + math.cos(angle) * length / steps))
                m[(yy - y) ** 2 + (xx - x) ** 2 <= radius * radius] = 1
                if m.sum() >= target:
                    break
    return m


def inpainting_condition(clean: torch.Tensor, kinds: list[str], coverage: tuple[float, float], batch: Batch) -> torch.Tensor:
    """(B, 2, H, W): the image with the hole set to 0, and the mask (1 = to generate)."""
    h, w = clean.shape[2:]
    seeds = batch.integers(0, 2**31 - 1)
    masks = []
    for s in seeds.tolist():
        r = np.random.default_rng(s)
        kind = kinds[r.integers(0, len(kinds))]
        cov = r.uniform(*coverage)
        masks.append(box_mask(h, w, cov, r) if kind == "box" else stroke_mask(h, w, cov, r))
    mask = torch.from_numpy(np.stack(masks)[:, None]).to(clean)
    return torch.cat([clean * (1 - mask), mask], dim=1)


def degrade(task: str, clean: torch.Tensor, d: dict, batch: Batch) -> torch.Tensor:
    """The condition of a batch of clean images (B, 1, H, W) for ``task``, from the config's DegradationConfig."""
    if task == "super-resolution":
        return super_resolution_condition(clean, d["factors"], batch)
    if task == "denoising":
        return noise_condition(clean, d["gaussianSigma"], d["saltPepper"], batch)
    if task == "inpainting":
        return inpainting_condition(clean, d["maskKinds"], d["maskCoverage"], batch)
    raise ValueError(f"Unknown task '{task}'. Allowed: super-resolution, denoising, inpainting.")


def zoom_crop(clean: torch.Tensor, size: int, scales: list[float], batch: Batch) -> torch.Tensor:
    """(B, 1, S, S) slices to (B, 1, size, size): each resized (area) to a side of s x size, s
    log-uniform in ``scales``, then a crop at a uniform offset (augment.ts ``zoomCrop``): the anatomy
    at several scales and positions, not only each slice whole."""
    lo, hi = scales
    u, oy, ox = batch.draw(torch.rand), batch.draw(torch.rand), batch.draw(torch.rand)
    out = torch.empty(clean.shape[0], clean.shape[1], size, size, dtype=clean.dtype, device=clean.device)
    for i in range(clean.shape[0]):
        side = min(clean.shape[-1], max(size, round(size * math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * float(u[i])))))
        z = clean[i:i + 1] if side == clean.shape[-1] else resize(clean[i:i + 1], side, side, "area")
        r, c = int(float(oy[i]) * (side - size + 1)), int(float(ox[i]) * (side - size + 1))
        out[i] = z[0, :, r:r + size, c:c + size]
    return out


def augment(clean: torch.Tensor, a: dict, batch: Batch, size: int | None = None) -> torch.Tensor:
    """Med-cDiff's training augmentation (med-cdiff/src/degradations/augment.ts) of clean (B, 1, S, S)
    slices: with ``scales``, a crop of ``size`` px of the slice zoomed (``zoom_crop``); symmetry k of
    the square (k % 4 quarter turns by torch.rot90 on (H, W), then the columns mirrored for k >= 4)
    when ``dihedral``; the curve 2 ((x + 1) / 2)^g - 1 with g log-uniform in ``gamma``. Drawn for the
    global batch, as every draw here."""
    if a.get("scales"):
        clean = zoom_crop(clean, size or clean.shape[-1], a["scales"], batch)
    ks = batch.integers(0, 8) if a["dihedral"] else None
    lo, hi = a["gamma"]
    u = batch.draw(torch.rand)
    out = clean
    if ks is not None:
        out = clean.clone()
        for k in range(1, 8):
            rows = (ks == k).nonzero().flatten().to(clean.device)
            if len(rows):
                turned = torch.rot90(clean[rows], k % 4, dims=(2, 3))
                out[rows] = turned.flip(3) if k >= 4 else turned
    if hi > lo or lo != 1:
        g = torch.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * u).to(out)[:, None, None, None]
        out = 2 * ((out + 1) / 2).clamp(0, 1) ** g - 1
    return out

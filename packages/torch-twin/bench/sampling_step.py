"""Median time of one sampling step of a Med-cDiff model folder in the twin: one network evaluation
over the same tiles the TypeScript pipeline sampled (the sampler's arithmetic besides is negligible),
batched as PyTorch runs it fastest (all tiles in one call, or `batch` at a time). Prints one JSON line.

Usage: bench/sampling_step.py <model folder> <tiles> <tile size> <threads> [batch] [repeats]
"""
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from meddiff_torch.models.med_cdiff import MedCDiff  # noqa: E402


def main() -> None:
    folder, tiles, size, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else tiles
    repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 7
    torch.set_num_threads(threads)
    model, _ = MedCDiff.load(folder)
    model.eval()
    g = torch.Generator().manual_seed(0)
    noisy = torch.randn(tiles, 1, size, size, generator=g)
    condition = torch.randn(tiles, model.config["unet"]["inChannels"] - 1, size, size, generator=g)
    t = torch.full((tiles,), 500.0)
    times = []
    with torch.inference_mode():
        for i in range(repeats + 2):
            t0 = time.perf_counter()
            for start in range(0, tiles, batch):
                model(noisy[start:start + batch], condition[start:start + batch], t[start:start + batch])
            if i >= 2:
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(json.dumps({"median_step_ms": times[len(times) // 2], "tiles": tiles, "batch": batch, "threads": threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()

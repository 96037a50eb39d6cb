"""Median time of one CDM translation in the twin: the MRM's vectors of the sources, the MDN's DDIM
draw of the target vectors (``steps`` steps) and the C-UNet's pass, at the model's image size, as
CdmPipeline.translate runs them (resizing and normalisation aside). Prints one JSON line.

Usage: bench/cdm_translate.py <model folder> <threads> <steps> [repeats]
"""
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from meddiff_torch.models.cdm import Cdm  # noqa: E402
from meddiff_torch.train.encode_slices import encode_slices  # noqa: E402


def main() -> None:
    folder, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    torch.set_num_threads(threads)
    model, _ = Cdm.load(folder)
    model.eval()
    c = model.config
    size, sources = c["imageSize"], len(c["modalities"]["sources"])
    g = torch.Generator().manual_seed(0)
    images = torch.randn(1, sources, size, size, generator=g)
    noise = torch.randn(1, model.mdn.data_dim, generator=g)
    times = []
    with torch.inference_mode():
        for i in range(repeats + 2):
            t0 = time.perf_counter()
            condition = encode_slices(model.mrm, images, list(range(sources))) if model.mdn.condition_dim else None
            vectors = model.mdn.sample(noise, condition, steps)
            model.cunet(images, condition=vectors)
            if i >= 2:
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(json.dumps({"median_ms": times[len(times) // 2], "steps": steps, "threads": threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()

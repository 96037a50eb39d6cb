"""Median training-step time of the twin's real Trainer (AdamW, clip 1, EMA 0.999, epsilon-MSE with
an image condition, as diffusion-core's bench/training.ts times the TypeScript trainer), on one
process or several under torchrun. Prints one JSON line (rank 0).

Usage: [torchrun --standalone --nproc_per_node=N] bench/training_step.py '<UNetConfig JSON>' <size> <global batch> <steps> <threads per process>
"""
import json
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from meddiff_torch.nn.unet import UNet  # noqa: E402
from meddiff_torch.schedule import alphas_cumprod  # noqa: E402
from meddiff_torch.train.distributed import close_world, init_world  # noqa: E402
from meddiff_torch.train.trainer import Trainer  # noqa: E402

SCHEDULE = {"betaSchedule": "linear", "numTrainTimesteps": 2000, "betaStart": 1e-4, "betaEnd": 0.02, "rescaleZeroTerminalSnr": False}


class ConditionedDenoising:
    """Med-cDiff's objective over stored (image, condition) pairs: no degradation cost in the timing."""

    def __init__(self, net, size, count):
        g = torch.Generator().manual_seed(0)
        self.network, self.count = net, count
        self.pairs = torch.rand(count, 2, size, size, generator=g) * 2 - 1
        self.alpha_bar = torch.from_numpy(alphas_cumprod(SCHEDULE)).float()

    def loss(self, net, batch):
        x0, cond = self.pairs[batch.indices].chunk(2, dim=1)
        t = batch.integers(0, 2000)
        noise = batch.draw(torch.randn, *x0.shape[1:])
        a = self.alpha_bar[t][:, None, None, None]
        return F.mse_loss(net(torch.cat([a.sqrt() * x0 + (1 - a).sqrt() * noise, cond], 1), t), noise)


def main():
    config, size, batch, steps, threads = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    world = init_world("cpu")
    torch.manual_seed(0)
    net = UNet(config)
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(ConditionedDenoising(net, size, 64), config, {"steps": 10**6, "checkpointEvery": 0, "ema": {"maxDecay": 0.999, "warmup": True}}, out, world, batch, log=lambda r: None)
        times = []
        for i in range(steps + 2):
            t0 = time.perf_counter()
            trainer.train_step()
            if i >= 2:
                times.append(time.perf_counter() - t0)
    times.sort()
    if world.is_main:
        print(json.dumps({"torch": torch.__version__, "processes": world.size, "threadsPerProcess": threads, "params": sum(p.numel() for p in net.parameters()), "median_step_ms": 1000 * times[len(times) // 2]}), flush=True)
    close_world()


main()

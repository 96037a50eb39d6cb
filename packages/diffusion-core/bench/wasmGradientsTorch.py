"""PyTorch CPU reference for bench/wasm-gradients.ts: median ms of the same
conv2d forward, input gradient, filter gradient and forward+backward.

Usage: /usr/bin/python3 bench/wasm-gradients-torch.py [--threads 2] [--reps 10]
(Debian's python3-torch; plain `python3` may be a Python without torch.)
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F
from torch.nn.grad import conv2d_input, conv2d_weight

CASES = [
    ("3x3 s1 same 4x64x64x64->64", (4, 64, 64, 64), (64, 64, 3, 3), 1, 1),
    ("3x3 s2 same 4x64x64x64->64", (4, 64, 64, 64), (64, 64, 3, 3), 2, 1),
    ("1x1 s1 4x64x64x64->64", (4, 64, 64, 64), (64, 64, 1, 1), 1, 0),
    ("3x3 s1 same 4x32x32x128->128", (4, 128, 32, 32), (128, 128, 3, 3), 1, 1),
    ("3x3 s1 same 4x64x64x192->64", (4, 192, 64, 64), (64, 192, 3, 3), 1, 1),
]


def median_ms(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, NCHW float32")
    print("case | forward ms | backprop input ms | backprop filter ms | forward+backward ms | ratio")
    for name, xs, ws, stride, pad in CASES:
        x = torch.randn(xs)
        w = torch.randn(ws) * 0.1
        with torch.no_grad():
            y = F.conv2d(x, w, stride=stride, padding=pad)
        dy = torch.randn_like(y)
        with torch.no_grad():
            fwd = median_ms(lambda: F.conv2d(x, w, stride=stride, padding=pad), args.reps)
            bin_ = median_ms(lambda: conv2d_input(x.shape, w, dy, stride=stride, padding=pad), args.reps)
            bfl = median_ms(lambda: conv2d_weight(x, w.shape, dy, stride=stride, padding=pad), args.reps)
        xg = x.clone().requires_grad_(True)
        wg = w.clone().requires_grad_(True)

        def both():
            out = F.conv2d(xg, wg, stride=stride, padding=pad)
            out.backward(dy)
            xg.grad = None
            wg.grad = None

        fb = median_ms(both, args.reps)
        print(f"{name} | {fwd:.1f} | {bin_:.1f} | {bfl:.1f} | {fb:.1f} | {fb / fwd:.2f}x forward")


if __name__ == "__main__":
    main()

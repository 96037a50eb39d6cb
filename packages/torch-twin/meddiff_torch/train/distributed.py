"""torchrun's conventions: rank, local rank and world size from the environment it sets; gloo on
CPU, NCCL on GPUs. A plain `python -m meddiff_torch ...` is a world of one."""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class World:
    rank: int
    local_rank: int
    size: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def init_world(device: str = "auto") -> World:
    size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = torch.cuda.is_available() if device == "auto" else device == "cuda"
    dev = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(dev)
    if size > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    return World(rank, local_rank, size, dev)


def close_world() -> None:
    """Waits for every rank (rank 0 may still be exporting), then leaves the process group."""
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def wait_for_all() -> None:
    """A barrier: what rank 0 wrote (a stage's weights) is there for every rank after it."""
    if dist.is_initialized():
        dist.barrier()

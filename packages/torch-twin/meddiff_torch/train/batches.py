"""Which examples each step trains on, and the random draws made for them.

Indices come from PyTorch's DistributedSampler (a seeded permutation per epoch, `set_epoch`), so a
run on N processes sees the same global batches as a run on one with the same global batch size,
and a resumed run continues exactly where it stopped. Random draws (timesteps, noise, degradations)
are made for the whole global batch from a generator seeded by (seed, step), and each rank keeps its
slice: the examples get the same draws whatever the world size.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.utils.data import DistributedSampler

from .distributed import World


class _Indices(torch.utils.data.Dataset):
    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n


@dataclass
class Batch:
    """This rank's share of one global batch."""

    indices: torch.Tensor  # (b,) example indices into the dataset
    step: int
    generator: torch.Generator  # seeded by (seed, step): the same on every rank
    global_size: int
    rank: int
    world_size: int

    @property
    def share(self) -> slice:
        # DistributedSampler deals examples round-robin: this rank's j-th is the global (j * world + rank)-th.
        return slice(self.rank, None, self.world_size)

    def draw(self, fn, *shape: int, **kwargs) -> torch.Tensor:
        """``fn`` (torch.rand, torch.randn, ...) for every example of the global batch; this rank's rows."""
        return fn(self.global_size, *shape, generator=self.generator, **kwargs)[self.share]

    def integers(self, low: int, high: int, *shape: int) -> torch.Tensor:
        return torch.randint(low, high, (self.global_size, *shape), generator=self.generator)[self.share]


class BatchPlan:
    def __init__(self, count: int, global_batch: int, world: World, seed: int):
        if global_batch % world.size:
            raise ValueError(f"The global batch {global_batch} does not split over {world.size} processes; choose a multiple of {world.size}.")
        self.per_rank = global_batch // world.size
        if count < global_batch:
            raise ValueError(f"The dataset has {count} examples, fewer than one batch of {global_batch}.")
        self.global_batch, self.world, self.seed = global_batch, world, seed
        self.sampler = DistributedSampler(_Indices(count), num_replicas=world.size, rank=world.rank, shuffle=True, seed=seed, drop_last=True)
        self.steps_per_epoch = count // global_batch
        self._epoch, self._order = -1, None

    def batch(self, step: int) -> Batch:
        epoch, within = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            self.sampler.set_epoch(epoch)
            self._order, self._epoch = torch.tensor(list(iter(self.sampler))), epoch
        idx = self._order[within * self.per_rank:(within + 1) * self.per_rank]
        g = torch.Generator().manual_seed((self.seed * 1_000_003 + step) % (2**63))
        return Batch(idx, step, g, self.global_batch, self.world.rank, self.world.size)

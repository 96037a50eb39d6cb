"""Med-cDiff's training augmentation in the twin: the same transforms as augment.ts."""
import torch

from meddiff_torch.degradations import augment
from meddiff_torch.train.batches import Batch


def _batch(n: int, seed: int) -> Batch:
    return Batch(torch.arange(n), 0, torch.Generator().manual_seed(seed), n, 0, 1)


def test_every_slice_gets_one_of_the_eight_symmetries_of_the_square():
    ramp = torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4)
    images = ramp.repeat(64, 1, 1, 1)
    out = augment(images, {"dihedral": True, "gamma": [1, 1]}, _batch(64, 3))
    symmetries = [torch.rot90(ramp, k % 4, dims=(2, 3)).flip(3) if k >= 4 else torch.rot90(ramp, k % 4, dims=(2, 3)) for k in range(8)]
    seen = set()
    for row in out:
        matches = [k for k, s in enumerate(symmetries) if torch.equal(row[None], s)]
        assert len(matches) == 1
        seen.add(matches[0])
    assert seen == set(range(8))
    # The quarter turn of augment.ts: out[i][j] = in[j][n - 1 - i].
    turned = symmetries[1][0, 0]
    assert all(turned[i, j] == ramp[0, 0, j, 3 - i] for i in range(4) for j in range(4))


def test_the_intensity_curve_is_monotone_and_keeps_both_ends():
    ramp = torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4).repeat(8, 1, 1, 1)
    out = augment(ramp, {"dihedral": False, "gamma": [0.5, 2]}, _batch(8, 5))
    flat = out.flatten(1)
    assert torch.allclose(flat[:, 0], torch.full((8,), -1.0)) and torch.allclose(flat[:, -1], torch.ones(8))
    assert bool((flat[:, 1:] > flat[:, :-1]).all())
    assert not torch.allclose(out, ramp)


def test_scales_crop_windows_of_the_slice_zoomed_between_whole_and_as_stored():
    from meddiff_torch.degradations import resize
    slice_ = torch.sin(torch.arange(64.0) * 0.7).reshape(1, 1, 8, 8)
    images = slice_.repeat(40, 1, 1, 1)
    plain = {"dihedral": False, "gamma": [1, 1]}
    stored = augment(images, {**plain, "scales": [2, 2]}, _batch(40, 2), 4)
    assert stored.shape == (40, 1, 4, 4)
    windows = {(r, c) for row in stored for r in range(5) for c in range(5) if torch.equal(row[0], slice_[0, 0, r:r + 4, c:c + 4])}
    assert len(windows) > 10
    whole = augment(images[:3], {**plain, "scales": [1, 1]}, _batch(3, 2), 4)
    assert torch.allclose(whole, resize(slice_, 4, 4, "area").repeat(3, 1, 1, 1))

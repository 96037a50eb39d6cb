import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from meddiff_torch.testing import PACKAGE_ROOT, REPO_ROOT  # noqa: E402


@pytest.fixture(scope="session")
def ts_configs() -> dict:
    """The configs the TypeScript packages build for every preset (scripts/ts_configs.ts)."""
    out = subprocess.run([str(REPO_ROOT / "node_modules" / ".bin" / "tsx"), str(PACKAGE_ROOT / "scripts" / "ts_configs.ts")], cwd=PACKAGE_ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def randomize(net: torch.nn.Module, seed: int, scale: float = 0.05) -> torch.nn.Module:
    """Moves every weight off its initial value (zero-initialised kernels included), so a forward
    pass exercises every path; seeded."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(scale * torch.randn(p.shape, generator=g))
    return net.eval()

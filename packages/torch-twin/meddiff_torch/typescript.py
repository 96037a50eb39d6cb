"""Where the TypeScript side lives, and how Python calls it: the repository's tsx runs the package's
scripts (preset configs, the TypeScript networks for parity checks)."""
from __future__ import annotations

import subprocess
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE_ROOT.parents[1]


def run_script(script: str, args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """`tsx scripts/<script> <args>` from this package's folder, output captured as text."""
    return subprocess.run([str(REPO_ROOT / "node_modules" / ".bin" / "tsx"), str(PACKAGE_ROOT / "scripts" / script), *args], cwd=PACKAGE_ROOT, capture_output=True, text=True, **kwargs)

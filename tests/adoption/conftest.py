"""The three classic diffusion studies in ../shared/data/diffusion, for the adoption tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DIFFUSION = Path(__file__).resolve().parents[3] / "shared" / "data" / "diffusion"
if not DIFFUSION.is_dir():  # a worktree under /work/wt/NAME: the shared data sits at /work
    DIFFUSION = Path("/work/shared/data/diffusion")
if not DIFFUSION.is_dir() and os.environ.get("CI"):
    raise RuntimeError(f"{DIFFUSION} is missing; CI must have ../shared beside the repo")

needs_diffusion = pytest.mark.skipif(not DIFFUSION.is_dir(),
                                     reason="shared diffusion data absent")
"""Mark for a module that reads the studies: absent data skips it, except in CI."""

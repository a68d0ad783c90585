"""Fixtures shared by every area's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The cascade kernels run on numba's OpenMP threads, and libgomp spins while its threads
# wait. Beside other work (two pytest-xdist workers, other jobs on a shared machine) that
# spinning doubles the CPU and the wall time of the cascade tests; waiting passively
# changes no result. Set before any kernel starts the thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The research graphs in ../shared/data (always present in CI, where absence fails)."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing; CI must have ../shared beside the repo")
        pytest.skip(f"{SHARED_DATA} not found (clone the shared data beside the repo)")
    return SHARED_DATA

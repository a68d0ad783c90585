"""The one random number generator of every numba kernel: SplitMix64.

SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
OOPSLA 2014) keeps one 64-bit word of state and adds a fixed odd constant per draw; a
bijective mix of the state is the output. It passes BigCrush, needs no allocation and is
a pure function of its state, so a stream is fully given by one ``uint64`` that can be
shipped to any thread, process or machine.

Every function takes the state and returns ``(new_state, value)``; kernels thread the
state through their loops. Stream starting states come from :mod:`downline.common.rng`
(one seed -> independent 64-bit keys) and, inside a kernel, from :func:`stream_start`
(one key -> a state per run).

Numba's on-disk cache and this module
-------------------------------------
Kernels elsewhere are compiled with ``cache=True`` and inline these functions. Numba keys
its cache on the *calling* module's file, so an edit here does not recompile them: stale
machine code would keep running. Every module that calls into this one therefore holds a
copy of :data:`DIGEST` (``RNG_KERNELS_DIGEST``); ``tests/common/test_rng.py`` fails when
this file changes until those copies are updated, and updating them is what makes numba
recompile the callers. Change this file only together with them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from numba import njit

__all__ = [
    "DIGEST",
    "mix",
    "next_double",
    "next_double_open",
    "next_geometric",
    "next_u64",
    "stream_start",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_TWO_M53 = 1.0 / 9007199254740992.0


def _digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


DIGEST = _digest()
"""First 16 hex digits of the SHA-256 of this file (see the module notes on numba's cache)."""


@njit(cache=True, inline="always")
def mix(z: np.uint64) -> np.uint64:
    """The SplitMix64 output function: a bijective avalanche of a 64-bit word."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def stream_start(key: np.uint64, index: int) -> np.uint64:
    """The starting state of stream ``index`` under ``key`` (one per Monte Carlo run)."""
    return mix(key ^ mix(np.uint64(index) * _GOLDEN + _GOLDEN))


@njit(cache=True, inline="always")
def next_u64(state: np.uint64) -> tuple[np.uint64, np.uint64]:
    """Next state and a uniform 64-bit word."""
    state = state + _GOLDEN
    return state, mix(state)


@njit(cache=True, inline="always")
def next_double(state: np.uint64) -> tuple[np.uint64, float]:
    """Next state and a uniform double in [0, 1) (53 random bits)."""
    state = state + _GOLDEN
    return state, float(mix(state) >> _S11) * _TWO_M53


@njit(cache=True, inline="always")
def next_double_open(state: np.uint64) -> tuple[np.uint64, float]:
    """Next state and a uniform double in (0, 1] (safe for ``log``)."""
    state = state + _GOLDEN
    return state, float((mix(state) >> _S11) + _ONE) * _TWO_M53


@njit(cache=True, inline="always")
def next_geometric(state: np.uint64, log1m: float) -> tuple[np.uint64, float]:
    """Next state and the failures before the first success of a Bernoulli(p).

    ``log1m`` is ``log(1 - p)``. The count is a float (``inf`` when p = 0) so callers
    compare before casting.
    """
    state, u = next_double_open(state)
    if log1m == 0.0:
        return state, np.inf
    return state, np.floor(np.log(u) / log1m)

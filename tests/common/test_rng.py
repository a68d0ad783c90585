"""The one seed helper and the one SplitMix64 module."""

from __future__ import annotations

import hashlib
import importlib
import re
from pathlib import Path

import numpy as np
import pytest

from downline.common import _rng_kernels
from downline.common.rng import as_generator, root_seed, stream_seeds
from downline.errors import ParameterError

# Every module whose numba kernels inline downline.common._rng_kernels.
RNG_CONSUMERS = ["downline.cascade._kernels", "downline.influence._kernels"]


def test_root_seed_accepts_int_generator_sequence_none() -> None:
    assert root_seed(5) == 5
    assert root_seed(np.int64(5)) == 5
    assert root_seed(np.random.SeedSequence(9)) == 9
    a = root_seed(np.random.default_rng(1))
    assert a == root_seed(np.random.default_rng(1)) and 0 <= a < 2**63
    assert root_seed(None) != root_seed(None)


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, [1]])
def test_root_seed_rejects(bad) -> None:
    with pytest.raises(ParameterError, match="seed"):
        root_seed(bad)


def test_stream_seeds_are_the_seedsequence_children() -> None:
    children = np.random.SeedSequence(42).spawn(4)
    want = [c.generate_state(1, dtype=np.uint64)[0] for c in children]
    assert stream_seeds(42, 4).tolist() == [int(w) for w in want]
    want32 = [int(c.generate_state(1)[0]) for c in children]
    assert stream_seeds(42, 4, bits=32).tolist() == want32
    nested = np.random.SeedSequence(42, spawn_key=(3, 7)).generate_state(1, dtype=np.uint64)
    assert int(stream_seeds(42, 1, key=(3,), start=7)[0]) == int(nested[0])
    assert len(set(stream_seeds(42, 1000).tolist())) == 1000


def test_as_generator() -> None:
    g = np.random.default_rng(0)
    assert as_generator(g) is g
    assert as_generator(4).random() == np.random.default_rng(4).random()
    with pytest.raises(ParameterError):
        as_generator(-3)


def test_splitmix64_matches_reference_values() -> None:
    # The first outputs of SplitMix64 from state 0, as published with the algorithm
    # (Vigna's splitmix64.c), computed here in plain Python integers.
    def reference(state: int, count: int) -> list[int]:
        out = []
        for _ in range(count):
            state = (state + 0x9E3779B97F4A7C15) % 2**64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
            out.append(z ^ (z >> 31))
        return out

    assert reference(0, 1) == [0xE220A8397B1DCDAF]
    state = np.uint64(0)
    got = []
    for _ in range(5):
        # From Python, numba hands a uint64 back as an int: wrap it again.
        state, z = _rng_kernels.next_u64(np.uint64(state))
        got.append(int(z))
    assert got == reference(0, 5)
    _, u = _rng_kernels.next_double(np.uint64(0))
    assert u == (0xE220A8397B1DCDAF >> 11) / 2.0**53
    _, u = _rng_kernels.next_double_open(np.uint64(0))
    assert u == ((0xE220A8397B1DCDAF >> 11) + 1) / 2.0**53


def test_geometric_has_the_right_mean() -> None:
    p = 0.2
    state = np.uint64(123)
    draws = []
    for _ in range(20000):
        state, g = _rng_kernels.next_geometric(np.uint64(state), float(np.log1p(-p)))
        draws.append(g)
    mean, se = np.mean(draws), np.std(draws) / np.sqrt(len(draws))
    assert abs(mean - (1 - p) / p) < 4 * se


def test_kernel_modules_were_compiled_against_this_rng() -> None:
    """numba's cache does not see edits to an inlined helper in another module.

    When this fails: update ``RNG_KERNELS_DIGEST`` in each module listed (that edit is
    what makes numba recompile them) to the value below.
    """
    digest = hashlib.sha256(Path(_rng_kernels.__file__).read_bytes()).hexdigest()[:16]
    assert digest == _rng_kernels.DIGEST
    for name in RNG_CONSUMERS:
        module = importlib.import_module(name)
        assert module.RNG_KERNELS_DIGEST == digest, (name, digest)


def test_every_kernel_module_that_uses_the_rng_is_listed() -> None:
    src = Path(_rng_kernels.__file__).parents[1]
    users = sorted(
        ".".join(("downline", *p.relative_to(src).with_suffix("").parts))
        for p in src.rglob("*.py")
        if re.search(r"^\s*(from downline\.common\._rng_kernels |from downline\.common "
                     r"import _rng_kernels|import downline\.common\._rng_kernels)",
                     p.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert users == sorted(RNG_CONSUMERS)

"""The synthetic genealogy generator: reproducible and plausible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from downline.errors import ParameterError
from downline.genealogy import (
    RANKS,
    attrition,
    downline_size,
    generate_genealogy,
    read_genealogy,
)

SAMPLE = Path(__file__).parents[2] / "src" / "downline" / "data" / "sample_genealogy.csv"


def test_same_seed_same_tree() -> None:
    a = generate_genealogy(3000, seed=11)
    b = generate_genealogy(3000, seed=np.random.default_rng(11))
    assert np.array_equal(a.parent, b.parent)
    assert np.array_equal(a.joined_at, b.joined_at)
    assert np.array_equal(a.left_at, b.left_at, equal_nan=True)
    assert np.array_equal(a.volume, b.volume)
    c = generate_genealogy(3000, seed=12)
    assert not np.array_equal(a.parent, c.parent)


def test_plausible_company() -> None:
    gen = generate_genealogy(
        5000, seed=3, start="2024-01-01", periods=24, attrition_rate=0.04, roots=3
    )
    assert len(gen) == 5000
    assert gen.ids.tolist() == list(range(1, 5001))
    assert gen.root_index.tolist() == [0, 1, 2]
    joined, left, parent = gen.joined_at, gen.left_at, gen.parent
    assert joined.min() == np.datetime64("2024-01-01")
    assert joined.max() < np.datetime64("2026-01-01")
    gone = ~np.isnat(left)
    assert left[gone].max() < np.datetime64("2026-01-01")
    assert (left[gone] > joined[gone]).all()
    assert not gone[:3].any()
    has = parent >= 0
    # Sponsors joined first and were still active on their recruit's join date.
    sponsor = parent[has]
    assert (joined[sponsor] <= joined[has]).all()
    sponsor_left = left[sponsor]
    assert (np.isnat(sponsor_left) | (sponsor_left > joined[has])).all()
    # Recruiting accelerates: more joins in the second year than in the first.
    second_year = joined >= np.datetime64("2025-01-01")
    assert second_year.sum() > (~second_year).sum()
    # Preferential attachment: a heavy-tailed frontline.
    frontline = np.diff(gen.child_offsets)
    assert frontline.max() > 20 * frontline.mean()
    assert (frontline == 0).mean() > 0.4
    # Monthly attrition near the requested rate once the company is established.
    rates = np.array(attrition(gen, "M").rate[6:])
    assert 0.025 < np.nanmean(rates) < 0.06
    # Volume: lognormal for the active, zero for those who left.
    assert (gen.volume[gone] == 0).all() and (gen.volume[~gone] > 0).all()
    # Ranks follow downline size.
    sizes = downline_size(gen)
    for threshold, name in RANKS:
        assert (sizes[gen.rank == name] >= threshold).all()
    assert gen.rank[sizes == 0].tolist() == ["Distributor"] * int((sizes == 0).sum())


def test_no_attrition_and_steady_growth() -> None:
    gen = generate_genealogy(500, seed=1, attrition_rate=0.0, growth=0.0, periods=3)
    assert np.isnat(gen.left_at).all()
    assert gen.joined_at.max() < np.datetime64("2024-04-01")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n": 0}, "n"),
        ({"roots": 0}, "roots"),
        ({"attrition_rate": 1.0}, "attrition_rate"),
        ({"periods": 0}, "periods"),
        ({"start": "soon"}, "start"),
        ({"growth": -1.0}, "growth"),
    ],
)
def test_bad_parameters(kwargs: dict, field: str) -> None:
    args = {"n": 10, "seed": 0} | kwargs
    with pytest.raises(ParameterError) as info:
        generate_genealogy(**args)
    assert info.value.field == field


def test_bundled_sample_matches_its_documented_command() -> None:
    sample = read_genealogy(SAMPLE)
    assert len(sample) == 2000
    assert SAMPLE.stat().st_size < 100_000
    fresh = generate_genealogy(2000, seed=2024)
    assert np.array_equal(sample.parent, fresh.parent)
    assert np.array_equal(sample.left_at, fresh.left_at, equal_nan=True)
    assert np.allclose(sample.volume, fresh.volume)

"""Property-based tests on random forests: the reports agree with brute force."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from downline.genealogy import (
    Genealogy,
    attrition,
    downline_report,
    read_genealogy,
    recruits_per_period,
    rollup_volume,
    write_genealogy,
)


@st.composite
def forests(draw: st.DrawFn) -> pd.DataFrame:
    """A random forest in shuffled input order, with dates and volumes."""
    n = draw(st.integers(1, 40))
    # Member k's sponsor comes earlier in creation order (or is none): always a forest.
    sponsors = [None] + [draw(st.one_of(st.none(), st.integers(0, k - 1))) for k in range(1, n)]
    perm = draw(st.permutations(range(n)))
    names = [f"m{p}" for p in perm]
    join_offsets = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    stays = draw(st.lists(st.one_of(st.none(), st.integers(0, 200)), min_size=n, max_size=n))
    volume = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
    start = np.datetime64("2024-01-01")
    joined = [start + np.timedelta64(d, "D") for d in join_offsets]
    rows = [
        {
            "member_id": names[k],
            "sponsor_id": None if sponsors[k] is None else names[sponsors[k]],
            "joined_at": str(joined[k]),
            "left_at": None if stays[k] is None else str(joined[k] + np.timedelta64(stays[k], "D")),
            "volume": volume[k] / 4,
        }
        for k in range(n)
    ]
    order = draw(st.permutations(range(n)))
    return pd.DataFrame([rows[k] for k in order])


def brute_descendants(gen: Genealogy) -> list[set[int]]:
    below: list[set[int]] = [set() for _ in range(len(gen))]
    for v in range(len(gen)):
        p = int(gen.parent[v])
        while p >= 0:
            below[p].add(v)
            p = int(gen.parent[p])
    return below


@settings(max_examples=60, deadline=None)
@given(forests())
def test_tree_arrays_agree_with_brute_force(df: pd.DataFrame) -> None:
    gen = Genealogy.from_frame(df)
    n = len(gen)
    below = brute_descendants(gen)
    assert int(gen.subtree_size[gen.root_index].sum()) == n
    assert sorted(gen.order.tolist()) == list(range(n))
    for v in range(n):
        tour = gen.order[gen.tin[v] + 1 : gen.tin[v] + gen.subtree_size[v]]
        assert set(tour.tolist()) == below[v]
        kids = gen.children[gen.child_offsets[v] : gen.child_offsets[v + 1]]
        assert all(gen.parent[c] == v for c in kids)
        assert int(gen.subtree_size[v]) == 1 + sum(int(gen.subtree_size[c]) for c in kids)
        expected_height = max((int(gen.height[c]) + 1 for c in kids), default=0)
        assert int(gen.height[v]) == expected_height
        p = int(gen.parent[v])
        assert gen.depth[v] == (0 if p < 0 else gen.depth[p] + 1)


@settings(max_examples=60, deadline=None)
@given(forests(), st.integers(0, 600))
def test_report_identities(df: pd.DataFrame, day: int) -> None:
    gen = Genealogy.from_frame(df)
    at = np.datetime64("2024-01-01") + np.timedelta64(day, "D")
    company = downline_report(gen, at=str(at))
    assert company.size == len(gen)
    assert company.active + company.left + company.not_joined == len(gen)
    assert sum(leg.size for leg in company.legs) == len(gen)
    assert company.depth == int(gen.depth.max()) + 1
    volume = rollup_volume(gen)
    assert np.isclose(volume.group[gen.root_index].sum(), gen.volume.sum())
    assert np.isclose(company.group_volume, gen.volume.sum())
    for member in gen.ids[:5]:
        r = downline_report(gen, member, at=str(at))
        i = gen.index_of(member)
        assert r.size == int(gen.subtree_size[i]) - 1
        assert sum(lv.members for lv in r.levels) == r.size
        assert sum(lv.active for lv in r.levels) == r.active
        assert sum(leg.size for leg in r.legs) == r.size
        assert sum(leg.active for leg in r.legs) == r.active
        assert r.depth == int(gen.height[i])
        assert np.isclose(r.group_volume, volume.group[i])
        assert sum(recruits_per_period(gen, "W", member=member).recruits) == r.size
        by_period = attrition(gen, "M", member=member)
        if r.size:
            assert by_period.active_end[-1] == r.size - sum(by_period.left)
        by_level = attrition(gen, by="level", member=member, at=str(at))
        assert sum(by_level.left) == r.left


@settings(max_examples=25, deadline=None)
@given(forests())
def test_csv_round_trip(df: pd.DataFrame) -> None:
    gen = Genealogy.from_frame(df)
    with TemporaryDirectory() as tmp:
        back = read_genealogy(write_genealogy(gen, Path(tmp) / "g.csv"))
    assert back.ids.tolist() == gen.ids.tolist()
    assert back.parent.tolist() == gen.parent.tolist()
    assert np.array_equal(back.joined_at, gen.joined_at)
    assert np.array_equal(back.left_at, gen.left_at, equal_nan=True)

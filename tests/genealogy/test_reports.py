"""Every report against answers computed by hand on the small tree of conftest.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from downline.errors import GenealogyError, ParameterError
from downline.genealogy import (
    Genealogy,
    attrition,
    data_end,
    depth,
    downline_depth,
    downline_report,
    downline_size,
    recruits_per_period,
    rollup_volume,
)

NAMES = list("ABCDEFGXY")


def by_name(gen: Genealogy, values: np.ndarray) -> dict[str, int]:
    return {str(k): v for k, v in zip(gen.ids, values.tolist(), strict=True)}


def test_structure(small: Genealogy) -> None:
    assert len(small) == 9
    assert list(small.roots) == ["A", "X"]
    assert list(small.ids) == NAMES
    assert list(small.frontline("A")) == ["B", "C"]
    assert list(small.upline("F")) == ["D", "B", "A"]
    assert small.sponsor("F") == "D"
    assert small.sponsor("X") is None
    assert set(small.downline("B")) == {"D", "E", "F"}
    assert list(small.rank[:3]) == ["Gold", "Silver", None]


def test_sizes_and_depths(small: Genealogy) -> None:
    sizes = by_name(small, downline_size(small))
    assert sizes == {"A": 6, "B": 3, "C": 1, "D": 1, "E": 0, "F": 0, "G": 0, "X": 1, "Y": 0}
    assert downline_size(small, "B") == 3
    assert by_name(small, depth(small)) == {
        "A": 0, "B": 1, "C": 1, "D": 2, "E": 2, "F": 3, "G": 2, "X": 0, "Y": 1,
    }
    assert depth(small, "F") == 3
    assert by_name(small, downline_depth(small)) == {
        "A": 3, "B": 2, "C": 1, "D": 1, "E": 0, "F": 0, "G": 0, "X": 1, "Y": 0,
    }
    assert downline_depth(small, "A") == 3


def test_member_report_at_date(small: Genealogy) -> None:
    r = downline_report(small, "A", at="2024-03-31")
    assert r.member == "A"
    assert r.at == "2024-03-31"
    assert (r.size, r.depth) == (6, 3)
    assert [(lv.level, lv.members, lv.active, lv.left) for lv in r.levels] == [
        (1, 2, 2, 0),
        (2, 3, 1, 1),
        (3, 1, 1, 0),
    ]
    assert (r.active, r.left, r.not_joined) == (4, 1, 1)
    assert r.frontline == ("B", "C")
    assert [(leg.root, leg.size, leg.active) for leg in r.legs] == [("B", 4, 3), ("C", 2, 1)]
    assert r.largest_leg_share == pytest.approx(4 / 6)
    assert r.largest_to_rest == pytest.approx(2.0)
    assert r.volume == 100.0
    assert r.group_volume == pytest.approx(222.0)


def test_company_report_defaults_to_last_date(small: Genealogy) -> None:
    assert str(data_end(small)) == "2024-04-20"
    r = downline_report(small)
    assert r.member is None
    assert r.at == "2024-04-20"
    assert (r.size, r.depth) == (9, 4)
    assert [(lv.members, lv.active, lv.left) for lv in r.levels] == [
        (2, 2, 0),
        (3, 2, 1),
        (3, 2, 1),
        (1, 1, 0),
    ]
    assert (r.active, r.left, r.not_joined) == (7, 2, 0)
    assert r.frontline == ("A", "X")
    assert [(leg.root, leg.size) for leg in r.legs] == [("A", 7), ("X", 2)]
    assert r.largest_leg_share == pytest.approx(7 / 9)
    assert r.largest_to_rest == pytest.approx(3.5)
    assert r.group_volume == pytest.approx(266.0)


def test_report_edges(small: Genealogy) -> None:
    leaf = downline_report(small, "E")
    assert (leaf.size, leaf.depth, leaf.legs, leaf.levels) == (0, 0, (), ())
    assert math.isnan(leaf.largest_leg_share) and math.isnan(leaf.largest_to_rest)
    single = downline_report(small, "X")
    assert single.largest_leg_share == 1.0 and math.isinf(single.largest_to_rest)
    before = downline_report(small, "A", at="2023-12-31")
    assert (before.active, before.left, before.not_joined) == (0, 0, 6)
    # A member leaving on the report date counts as left that day.
    assert downline_report(small, "A", at="2024-03-25").left == 1


def test_report_frames_and_dicts(small: Genealogy) -> None:
    r = downline_report(small, "A", at="2024-03-31")
    assert r.to_frame()["members"].tolist() == [2, 3, 1]
    assert r.legs_frame()["root"].tolist() == ["B", "C"]
    d = r.to_dict()
    assert d["legs"][0] == {"root": "B", "size": 4, "active": 3}
    assert d["levels"][1] == {"level": 2, "members": 3, "active": 1, "left": 1}


def test_int_lookup_of_text_and_back(small: Genealogy) -> None:
    with pytest.raises(GenealogyError, match="'Z'"):
        downline_report(small, "Z")
    with pytest.raises(GenealogyError, match="no member"):
        downline_size(small, 5)


def test_recruits_per_month(small: Genealogy) -> None:
    r = recruits_per_period(small, "M")
    assert r.periods == ("2024-01", "2024-02", "2024-03", "2024-04")
    assert r.recruits == (2, 3, 3, 1)
    a = recruits_per_period(small, "M", member="A")
    assert a.recruits == (1, 2, 2, 1)
    b = recruits_per_period(small, "M", member="B")
    assert b.periods == ("2024-02", "2024-03", "2024-04")
    assert b.recruits == (1, 2, 0)
    assert recruits_per_period(small, member="E").recruits == ()
    q = recruits_per_period(small, "Q")
    assert q.periods == ("2024Q1", "2024Q2") and q.recruits == (8, 1)
    assert recruits_per_period(small, "y").recruits == (9,)
    assert r.to_frame()["recruits"].sum() == 9


def test_attrition_per_period(small: Genealogy) -> None:
    a = attrition(small, "M")
    assert a.periods == ("2024-01", "2024-02", "2024-03", "2024-04")
    assert a.active_start == (0, 2, 5, 7)
    assert a.joined == (2, 3, 3, 1)
    assert a.left == (0, 0, 1, 1)
    assert a.active_end == (2, 5, 7, 7)
    assert math.isnan(a.rate[0])
    assert a.rate[1:] == pytest.approx((0.0, 0.2, 1 / 7))
    frame = a.to_frame()
    assert list(frame.columns) == ["period", "active_start", "joined", "left", "active_end", "rate"]
    b = attrition(small, "M", member="B")
    assert b.periods == ("2024-02", "2024-03", "2024-04")
    assert (b.active_start, b.left) == ((0, 1, 2), (0, 1, 0))


def test_attrition_per_level(small: Genealogy) -> None:
    a = attrition(small, by="level")
    assert a.at == "2024-04-20"
    assert a.levels == (1, 2, 3, 4)
    assert a.members == (2, 3, 3, 1)
    assert a.left == (0, 1, 1, 0)
    assert a.rate == pytest.approx((0.0, 1 / 3, 1 / 3, 0.0))
    m = attrition(small, by="level", member="A", at="2024-03-31")
    assert (m.members, m.left) == ((2, 2, 1), (0, 1, 0))
    assert m.rate == pytest.approx((0.0, 0.5, 0.0))
    assert m.to_frame()["level"].tolist() == [1, 2, 3]


def test_rollup_volume(small: Genealogy) -> None:
    r = rollup_volume(small)
    assert by_name(small, r.group) == {
        "A": 222.0, "B": 85.0, "C": 37.0, "D": 25.0, "E": 10.0,
        "F": 5.0, "G": 7.0, "X": 44.0, "Y": 4.0,
    }
    assert r.to_frame()["group"].iloc[0] == 222.0
    assert r.to_dict()["own"][0] == 100.0


def test_bad_parameters(small: Genealogy) -> None:
    with pytest.raises(ParameterError, match="period"):
        recruits_per_period(small, "fortnight")
    with pytest.raises(ParameterError, match="by="):
        attrition(small, by="rank")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="not a date"):
        downline_report(small, at="someday")


def test_tree_is_immutable(small: Genealogy) -> None:
    with pytest.raises(AttributeError):
        small.parent = small.parent  # type: ignore[misc]
    with pytest.raises(ValueError):
        small.parent[0] = 3
    with pytest.raises(TypeError):
        Genealogy()

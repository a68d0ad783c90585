"""Reports on the hand-made company, counted by hand, and the bar on the generated sample."""

from __future__ import annotations

import pytest

from downline.compliance import (
    act,
    compliance_report,
    load_genealogy,
    share_report,
)
from downline.store import Workspace

from .conftest import BAD, GOOD, posts


def test_counts_by_hand(ws) -> None:
    from downline.compliance import ingest_posts

    ingest_posts(ws, "acme", posts([
        ("a", "6", "2025-01-01 10:00", BAD), ("b", "6", "2025-01-02 10:00", BAD),
        ("c", "4", "2025-01-03 10:00", GOOD), ("d", "5", "2025-01-08 10:00", BAD),
        ("e", "3", "2025-01-09 10:00", GOOD), ("f", "2", "2025-01-10 10:00", GOOD),
        ("g", "1", "2025-01-10 11:00", GOOD)]), model=False)
    act(ws, "acme", 1, "resolve", actor="rita", at="2025-01-01 16:00")
    act(ws, "acme", 3, "dismiss", actor="rita", at="2025-01-09")  # post d
    gen = load_genealogy(ws, "acme")
    r = compliance_report(ws, "acme", gen)
    assert (r.posts, r.violations, r.dismissed) == (7, 2, 1)
    legs = {g.group: (g.posts, g.violations) for g in r.by_leg}
    assert legs == {"2": (4, 2), "3": (2, 0), "1": (1, 0)}
    assert r.by_leg[0].group == "2" and r.by_leg[0].rate_per_100 == 50.0
    levels = {g.group: (g.posts, g.violations) for g in r.by_level}
    assert levels == {"1": (1, 0), "2": (2, 0), "3": (2, 0), "4": (2, 2)}
    ranks = {g.group: g.violations for g in r.by_rank}
    assert ranks == {"Distributor": 2, "Bronze": 0, "Silver": 0, "Gold": 0}
    assert [g.group for g in r.by_cohort] == ["2024Q1", "2024Q2"]
    assert r.by_member[0].group == "6" and r.by_member[0].violations == 2
    (offender,) = r.repeat_offenders
    assert offender["member_id"] == "6" and offender["sponsor"] == "4"
    assert offender["max_offence"] == 2 and offender["leg"] == "2"
    # each violation of 6 counts for 4 (distance 1), 2 (distance 2) and 1 (distance 3)
    leaders = {x["member_id"]: x for x in r.leaders}
    assert set(leaders) == {"4", "2", "1"}
    assert leaders["4"]["by_distance"] == {"1": 2} and leaders["1"]["by_distance"] == {"3": 2}
    assert leaders["2"]["downline_posts"] == 3 and leaders["2"]["downline_violations"] == 2
    assert leaders["1"]["mean_distance"] == 3.0
    assert r.resolution["resolved"] == 1 and r.resolution["median_hours"] == 6.0
    assert r.resolution["dismissed"] == 1 and r.resolution["active"] == 1
    assert [w["posts"] for w in r.weekly] == [3, 4]
    assert r.to_dict()["company"]["violations"] == 2


def test_sample_finds_the_planted_leg(sample) -> None:
    with Workspace(sample["path"], read_only=True) as ws:
        r = compliance_report(ws, "sample-company", sample["gen"], min_posts=30)
    top = r.by_leg[0]
    assert top.group == sample["info"]["planted_leg"]
    company = r.company.rate_per_100
    assert top.low > company, (top, r.company)
    # and it is not simply the largest leg
    assert max(r.by_leg, key=lambda g: g.posts).group != top.group
    # the other big legs sit at or below the company rate
    assert all(g.low <= company for g in r.by_leg[1:] if g.posts >= 200)


def test_sample_shares_spread(sample) -> None:
    with Workspace(sample["path"], read_only=True) as ws:
        s = share_report(ws, "sample-company", sample["gen"])
    assert s.shares > 500 and len(s.items) == 12
    assert sum(i["shares"] for i in s.items) == s.shares
    assert sum(x["shares"] for x in s.by_leg) == s.shares
    assert s.edits and all(e["diff"] for e in s.edits)
    flagged = [e for e in s.edits if e["violation"]]
    assert flagged, "edited shares with a bad hashtag are flagged when re-screened"
    reach = [x for x in s.reach if x["item_id"] == s.items[0]["item_id"]]
    assert [x["members_reached"] for x in reach] == sorted(x["members_reached"] for x in reach)


@pytest.mark.parametrize("cohort", ["M", "Y"])
def test_cohort_periods(ws, cohort: str) -> None:
    gen = load_genealogy(ws, "acme")
    assert compliance_report(ws, "acme", gen, cohort=cohort).posts == 0

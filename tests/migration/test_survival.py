"""Kaplan-Meier against a hand-computed case, scipy and lifelines; retention; leader departure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from downline.errors import InputError, ParameterError
from downline.genealogy import Genealogy
from downline.migration import (
    generate_migration,
    kaplan_meier,
    leader_departure,
    retention,
)


def test_hand_computed_case() -> None:
    # times 2,4,4c,5,6,6c,7: at risk 7,6,4,3,1
    km = kaplan_meier([5, 6, 6, 2, 4, 4, 7], [1, 0, 1, 1, 1, 0, 1])
    s = km.table.set_index("time")["survival"]
    assert s[2] == pytest.approx(6 / 7)
    assert s[4] == pytest.approx(6 / 7 * 5 / 6)
    assert s[5] == pytest.approx(6 / 7 * 5 / 6 * 3 / 4)
    assert s[6] == pytest.approx(6 / 7 * 5 / 6 * 3 / 4 * 2 / 3)
    assert s[7] == 0.0
    assert km.table.set_index("time")["at_risk"].tolist() == [7, 7, 6, 4, 3, 1]
    # Greenwood at t=4: S^2 * (1/(7*6) + 1/(6*5))
    se4 = km.table.set_index("time").loc[4, "std_err"]
    assert se4 == pytest.approx((5 / 7) * np.sqrt(1 / 42 + 1 / 30))
    assert km.median == 6.0 and km.n == 7 and km.events == 5


def test_matches_scipy_ecdf() -> None:
    # scipy's product-limit estimate with its log-log Greenwood band: a second library
    # that is always installed (lifelines, below, where it is)
    from scipy import stats

    rng = np.random.default_rng(1)
    t = np.round(rng.exponential(30, size=400))
    e = rng.random(400) < 0.7
    ours = kaplan_meier(t, e)
    res = stats.ecdf(stats.CensoredData(uncensored=t[e], right=t[~e]))
    table = ours.table.set_index("time")
    times = table.index.to_numpy(dtype=float)
    np.testing.assert_allclose(table["survival"].to_numpy(), res.sf.evaluate(times),
                               atol=1e-12)
    band = res.sf.confidence_interval(0.95, method="log-log")
    inside = (table["survival"] > 0).to_numpy() & (table["survival"] < 1).to_numpy()
    np.testing.assert_allclose(table["ci_low"].to_numpy()[inside],
                               band.low.evaluate(times)[inside], atol=1e-9)
    np.testing.assert_allclose(table["ci_high"].to_numpy()[inside],
                               band.high.evaluate(times)[inside], atol=1e-9)


def test_matches_lifelines() -> None:
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(0)
    t = np.round(rng.exponential(30, size=400))
    e = rng.random(400) < 0.7
    ours = kaplan_meier(t, e)
    kmf = lifelines.KaplanMeierFitter().fit(t, e)
    theirs = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    table = ours.table.set_index("time")
    np.testing.assert_allclose(table["survival"].to_numpy(),
                               theirs.reindex(table.index).to_numpy(), atol=1e-12)
    lo = ci.iloc[:, 0].reindex(table.index).to_numpy()
    hi = ci.iloc[:, 1].reindex(table.index).to_numpy()
    np.testing.assert_allclose(table["ci_low"].to_numpy(), np.fmin(lo, hi), atol=1e-10)
    np.testing.assert_allclose(table["ci_high"].to_numpy(), np.fmax(lo, hi), atol=1e-10)
    assert ours.median == kmf.median_survival_time_


def test_bad_input() -> None:
    with pytest.raises(InputError):
        kaplan_meier([1, -2])
    with pytest.raises(InputError):
        kaplan_meier([1, 2], [1])
    with pytest.raises(ParameterError):
        kaplan_meier([1, 2], alpha=2)


@pytest.fixture(scope="module")
def data():
    return generate_migration(1500, p_follow=0.2, attrition_old=0.03, attrition_new=0.1,
                              backfill=0.03, steps=20, skew=0.4, seed=5)


def test_retention_new_platform_matches_geometric(data) -> None:
    ret = retention(data, "new")
    curve = ret.curves["all"]
    # Per-step hazard 0.1: about 0.9 ** 7 stay a week (movers can leave on day 0).
    s7 = curve.survival_at(7)[0]
    assert 0.9 ** 8 - 0.06 < s7 < 0.9 ** 7 + 0.06
    summary = ret.summary()
    assert list(summary.columns[:4]) == ["group", "n", "events", "median_days"]
    assert summary["n"].iloc[0] == (data.people["role"] != "stayer").sum()


def test_retention_groups(data) -> None:
    by_role = retention(data, "new", by="role")
    assert set(by_role.curves) == {"mover", "newcomer"}
    by_cat = retention(data, "new", by="category")
    assert "early_majority" in by_cat.curves and "newcomer" in by_cat.curves
    cohorts = retention(data, "new", by="cohort", freq="W")
    assert sum(c.n for c in cohorts.curves.values()) == by_role.summary()["n"].sum()
    old = retention(data, "old", by="role")
    assert old.curves["mover"].events == 0  # moving censors
    assert 0 < old.curves["stayer"].events
    assert retention(data, "new").to_dict()["groups"][0]["group"] == "all"
    with pytest.raises(ParameterError):
        retention(data, "old", by="cohort")


def test_leader_departure() -> None:
    rng = np.random.default_rng(1)
    n = 400
    sponsor = [None] + [str(rng.integers(0, max(1, i // 2))) for i in range(1, n)]
    sponsor[1] = "0"
    joined = pd.Timestamp("2023-01-01")
    left = [None] * n
    frame = pd.DataFrame({"member_id": [str(i) for i in range(n)], "sponsor_id": sponsor,
                          "joined_at": [joined] * n})
    gen0 = Genealogy.from_frame(frame)
    down = set(gen0.downline("1").tolist())
    quit_at = pd.Timestamp("2024-01-01")
    for i in range(n):
        rate = 0.6 if str(i) in down else 0.1
        if rng.random() < rate:
            left[i] = quit_at + pd.Timedelta(days=int(rng.integers(1, 120)))
    left[1] = quit_at
    frame["left_at"] = left
    frame.loc[0, "left_at"] = pd.Timestamp("2024-12-31")
    gen = Genealogy.from_frame(frame)
    dep = leader_departure(gen, "1")
    s = dep.summary().set_index("group")
    assert dep.left_at == quit_at
    assert dep.downline_size == len(down)
    assert s.loc["downline", "left_by_180d"] > s.loc["rest", "left_by_180d"] + 0.3
    assert not dep.attrition.empty
    assert dep.to_dict()["groups"][0]["group"] == "downline"
    stayer = frame.loc[frame["left_at"].isna(), "member_id"].iloc[0]
    with pytest.raises(InputError, match="never left"):
        leader_departure(gen, stayer)
    assert leader_departure(gen, stayer, left_at="2024-01-01").left_at == quit_at

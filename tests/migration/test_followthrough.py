"""Follow-through per influencer, who dragged whom, exposure and categories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from downline.adoption import thresholds
from downline.migration import (
    adopter_categories,
    exposure_test,
    follow_through,
    generate_migration,
    moving_exposure,
    moving_steps,
    read_migration,
    who_dragged_whom,
)


def _tiny():
    members = pd.DataFrame({
        "person_id": ["u", "a", "b", "c", "d", "x", "y"],
        "old_handle": ["@u", "@a", "@b", "@c", "@d", "@x", "@y"],
        "new_handle": ["u@n", "a@n", "b@n", None, "d@n", "x@n", None],
        "old_last_seen": [None, None, None, None, None, None, "2022-11-02"],
        "new_joined": ["2022-11-05", "2022-11-03", "2022-11-08", None, "2022-11-12",
                       "2022-11-20", None],
        "new_last_seen": [None] * 7,
    })
    # followers of u: a (moved before), b, c, d, y (gone before u moved)
    follows = pd.DataFrame({"follower": ["@a", "@b", "@c", "@d", "@y", "@u"],
                            "followee": ["@u", "@u", "@u", "@u", "@u", "@a"]})
    new_follows = pd.DataFrame({"follower": ["b@n"], "followee": ["u@n"]})
    return read_migration(members, follows, new_follows=new_follows,
                          observed_until="2022-11-30")


def test_hand_checked_follow_through() -> None:
    table = follow_through(_tiny()).set_index("person_id")
    u = table.loc["u"]
    assert (u["followers"], u["moved_before"], u["at_risk"], u["moved_after"]) == (5, 1, 3, 2)
    assert u["share"] == pytest.approx(2 / 3)
    # everyone else at risk on 11-05: x (moved after) -> base 1/1
    assert u["base_rate"] == pytest.approx(1.0)
    assert u["refollowed"] == 1 and u["refollow_share"] == pytest.approx(0.5)
    assert u["lag_median_days"] == pytest.approx(5.0)  # lags 3 and 7
    assert u["share_low"] < 2 / 3 < u["share_high"]


def test_ranked_and_lift_on_generated() -> None:
    data = generate_migration(2000, p_follow=0.3, steps=12, first_movers=3, skew=0.4,
                              seed=4)
    table = follow_through(data, top=10)
    assert len(table) == 10
    assert table["moved_after"].is_monotonic_decreasing
    assert (table["lift"].iloc[:3] > 1).all()
    assert table["refollow_share"].iloc[0] == pytest.approx(0.8, abs=0.1)
    by_share = follow_through(data, sort="share", min_followers=20)
    assert by_share["share"].is_monotonic_decreasing
    assert (by_share["at_risk"] >= 20).all()


def test_exposure_matches_adoption_thresholds() -> None:
    data = generate_migration(800, p_follow=0.25, steps=10, skew=0.5, seed=6)
    ours = moving_exposure(data)
    theirs = thresholds(data.graph, moving_steps(data))
    both = ours["threshold"].dropna()
    np.testing.assert_allclose(both.to_numpy(), theirs.reindex(both.index).to_numpy())
    assert set(ours["category"].dropna()) <= {"innovators", "early_adopters",
                                              "early_majority", "late_majority", "laggards"}


def test_who_dragged_whom() -> None:
    pairs = who_dragged_whom(_tiny())
    assert pairs[["mover", "followee"]].values.tolist() == [["u", "a"], ["b", "u"],
                                                             ["d", "u"]]
    assert (pairs["lag_days"] > 0).all()


def test_categories_and_hazard() -> None:
    data = generate_migration(1000, p_follow=0.2, steps=15, skew=0.4, seed=7)
    cats = adopter_categories(data)
    assert sum(cats.counts().values()) == len(data.movers)
    res = exposure_test(data)
    assert res.coef > 0 and res.p_value < 0.01

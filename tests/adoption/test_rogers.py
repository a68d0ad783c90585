"""Rogers categories and the chasm indicator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downline.adoption import CATEGORIES, rogers_categories
from downline.errors import InputError, ParameterError


def test_sd_rule_by_hand():
    times = np.array([0.0, 4, 5, 6, 6, 7, 7, 8, 9, 12])
    mu, s = times.mean(), times.std(ddof=1)
    res = rogers_categories(times)
    assert res.mean == pytest.approx(mu) and res.sd == pytest.approx(s)
    assert res.boundaries == pytest.approx((mu - 2 * s, mu - s, mu, mu + s))
    # mu = 6.4, s = 3.17: innovators < 0.06, early adopters < 3.23, early majority < 6.4,
    # late majority < 9.57, laggards >= 9.57.
    assert res.category.tolist() == [
        "innovators", "early_majority", "early_majority", "early_majority",
        "early_majority", "late_majority", "late_majority", "late_majority",
        "late_majority", "laggards",
    ]
    assert res.counts() == {"innovators": 1, "early_adopters": 0, "early_majority": 4,
                            "late_majority": 4, "laggards": 1}
    table = res.to_frame()
    assert table["start"].iloc[2] == pytest.approx(mu - s)
    assert table["first"].iloc[2] == 4.0
    assert np.isnan(table["first"].iloc[1])


def test_normal_times_match_rogers_shares():
    times = np.random.default_rng(1).normal(50, 10, 20_000)
    res = rogers_categories(times)
    assert res.table["share"].to_numpy() == pytest.approx(
        [0.0228, 0.1359, 0.3413, 0.3413, 0.1587], abs=0.01)
    assert not res.chasm["chasm"]
    assert res.chasm["ratio"] == pytest.approx(1.63, abs=0.15)


def test_quantile_rule_shares():
    times = np.random.default_rng(2).exponential(3.0, 4000)
    res = rogers_categories(times, method="quantile")
    assert res.table["share"].to_numpy() == pytest.approx(
        [0.025, 0.135, 0.34, 0.34, 0.16], abs=0.002)
    assert res.method == "quantile"


def test_chasm_flagged_when_adoption_stalls():
    rng = np.random.default_rng(3)
    times = np.concatenate([rng.uniform(0, 4, 400), rng.uniform(6, 12, 1600)])
    res = rogers_categories(times)
    assert res.chasm["chasm"]
    assert res.chasm["ratio"] < 0.1
    assert "ratio < 1" in res.chasm["rule"]


def test_datetimes_and_ids():
    stamps = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-03",
                                       "2024-02-01", "2024-01-20"]),
                       index=["u1", "u2", "u3", "u4", "u5"])
    res = rogers_categories(stamps)
    assert list(res.category.index) == ["u1", "u2", "u3", "u4", "u5"]
    assert isinstance(res.table["start"].iloc[1], pd.Timestamp)
    d = res.to_dict()
    assert isinstance(d["categories"][1]["start"], str)
    assert d["n_adopters"] == 5


def test_bad_input():
    with pytest.raises(InputError, match="at least 2"):
        rogers_categories([1.0])
    with pytest.raises(InputError, match="same time"):
        rogers_categories([3, 3, 3])
    with pytest.raises(InputError, match="finite"):
        rogers_categories([1, np.nan, 3])
    with pytest.raises(ParameterError):
        rogers_categories([1, 2, 3], method="median")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
                min_size=2, max_size=200))
def test_every_adopter_gets_one_category(times):
    if np.std(times, ddof=1) == 0:
        return
    res = rogers_categories(times)
    assert int(res.table["count"].sum()) == len(times)
    assert set(res.category) <= set(CATEGORIES)
    assert res.table["share"].sum() == pytest.approx(1.0)

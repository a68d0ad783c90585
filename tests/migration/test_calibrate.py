"""Calibration recovers known parameters; forecasts cover what happened."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from downline.cascade import Migration
from downline.errors import ParameterError
from downline.migration import (
    calibrate,
    forecast,
    generate_migration,
    timeline,
    wilson,
)

TRUE = {"p_follow": 0.15, "attrition_old": 0.02, "attrition_new": 0.05, "backfill": 0.03}


@pytest.fixture(scope="module")
def cascade_data():
    return generate_migration(4000, **TRUE, steps=20, first_movers=3, skew=0.3, seed=1)


def test_recovers_cascade_parameters(cascade_data) -> None:
    cal = calibrate(cascade_data)
    for est in cal.estimates():
        assert est.covers(TRUE[est.name]), est
        assert est.ci_high - est.ci_low < 0.5 * TRUE[est.name]
    assert cal.spontaneous == 0
    assert cal.steps == 20
    assert sorted(cal.first_movers) == sorted(cascade_data.params["first_movers"])
    model = cal.to_model()
    assert isinstance(model, Migration) and model.p == pytest.approx(0.15, abs=0.02)


def test_interval_coverage_over_seeds() -> None:
    hits = dict.fromkeys(TRUE, 0)
    runs = 20
    for seed in range(runs):
        data = generate_migration(800, **TRUE, steps=15, skew=0.4, seed=100 + seed)
        for est in calibrate(data).estimates():
            hits[est.name] += est.covers(TRUE[est.name])
    # 95% intervals: 20 runs miss more than 3 times with probability < 2%.
    assert all(h >= runs - 3 for h in hits.values()), hits


def test_recovers_uniform_thresholds() -> None:
    data = generate_migration(3000, follow="threshold", attrition_old=0.02,
                              attrition_new=0.04, backfill=0.02, steps=15, first_movers=30,
                              seed=2)
    cal = calibrate(data, follow="threshold")
    assert cal.threshold.is_uniform(), cal.threshold
    assert cal.threshold.mean == pytest.approx(0.5, abs=0.05)
    for name in ("attrition_old", "attrition_new", "backfill"):
        assert getattr(cal, name).covers(data.params[name])
    assert cal.to_model().threshold == "uniform"


def test_weekly_period() -> None:
    data = generate_migration(1500, p_follow=0.2, attrition_new=0.05, steps=12,
                              period_days=7, seed=13)
    cal = calibrate(data, period="W")
    assert cal.steps == 12
    assert cal.p_follow.covers(0.2) and cal.attrition_new.covers(0.05)
    daily = timeline(data, period="1D")
    assert daily.last_step == 7 * 13 - 1


def test_counts_match_generator(cascade_data) -> None:
    counts = timeline(cascade_data).counts()
    people = cascade_data.people
    assert counts["moved_total"].iloc[-1] == (people["role"] == "mover").sum()
    assert counts["recruited"].sum() == (people["role"] == "newcomer").sum()
    assert counts["new_platform"].iloc[0] == 3


def test_forecast_covers_held_back_period(cascade_data) -> None:
    fc = forecast(cascade_data, train_fraction=0.6, runs=200, seed=3)
    assert fc.mode == "conditional" and fc.train_steps == 12
    assert fc.calibration.steps == 12
    assert len(fc.table) == 8
    assert fc.error["moved_within_interval"]
    assert fc.error["new_platform_mape"] < 0.1
    assert fc.moved_actual == fc.table["actual_moved"].sum() > 0
    assert fc.to_dict()["table"][0]["step"] == 13


def test_forecast_threshold_mode() -> None:
    data = generate_migration(2000, follow="threshold", attrition_new=0.04, steps=15,
                              first_movers=30, seed=14)
    fc = forecast(data, follow="threshold", runs=100, seed=1)
    assert fc.mode == "from_start"
    assert fc.error["new_platform_mape"] < 0.2


def test_wilson_and_bad_parameters(cascade_data) -> None:
    assert wilson(0, 10)[0] == 0.0
    assert np.isnan(wilson(0, 0)[0])
    with pytest.raises(ParameterError):
        calibrate(cascade_data, follow="contagion")
    with pytest.raises(ParameterError):
        forecast(cascade_data, train_fraction=1.5)
    with pytest.raises(ParameterError):
        timeline(cascade_data, period="-1D")


def test_with_observed_until_censors(cascade_data) -> None:
    cut = cascade_data.origin + pd.Timedelta(days=5)
    early = cascade_data.with_observed_until(cut)
    assert early.people["new_joined"].max() < cut
    assert early.people["new_last_seen"].max() <= cut
    assert timeline(early).last_step == 4


def test_forecast_parameter_draws(cascade_data) -> None:
    point = forecast(cascade_data, runs=100, draws=1, seed=3)
    spread = forecast(cascade_data, runs=100, draws=20, seed=3)
    assert (point.draws, spread.draws) == (1, 20)
    assert spread.runs == 100
    # Estimation error widens the interval.
    assert spread.moved_high - spread.moved_low > point.moved_high - point.moved_low
    with pytest.raises(ParameterError):
        forecast(cascade_data, draws=0)


def test_forecast_accepts_a_generator_and_reports_a_reproducing_seed(cascade_data) -> None:
    # forecast(seed=Generator) raised TypeError (int(seed)) before the seed helpers merged.
    fc = forecast(cascade_data, runs=40, draws=2, seed=np.random.default_rng(5))
    again = forecast(cascade_data, runs=40, draws=2, seed=fc.seed)
    assert isinstance(fc.seed, int)
    assert fc.moved_forecast == again.moved_forecast
    assert fc.table.equals(again.table)

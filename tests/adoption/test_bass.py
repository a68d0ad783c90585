"""Bass model: parameter recovery, interval coverage, forecasts and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downline.adoption import (
    BassModel,
    ConvergenceError,
    ConvergenceWarning,
    bass_cdf,
    bass_pdf,
    fit_bass,
    fit_bass_times,
    fit_cascade_curve,
)
from downline.errors import DownlineError, InputError, ParameterError

CASES = [
    # m, p, q, periods, noise sd
    (10_000, 0.01, 0.4, 20, 40.0),
    (5_000, 0.03, 0.6, 12, 30.0),
    (50_000, 0.005, 0.3, 30, 150.0),
]


@pytest.mark.parametrize(("m", "p", "q", "T", "sigma"), CASES)
def test_exact_data_recovers_parameters(m, p, q, T, sigma):
    t = np.arange(1, T + 1)
    fit = BassModel().fit(BassModel.simulate(t, m, p, q))
    assert fit.converged_
    assert fit.m_ == pytest.approx(m, rel=1e-5)
    assert fit.p_ == pytest.approx(p, rel=1e-4)
    assert fit.q_ == pytest.approx(q, rel=1e-4)
    assert fit.r2_ == pytest.approx(1.0)


@pytest.mark.parametrize(("m", "p", "q", "T", "sigma"), CASES)
@pytest.mark.slow
def test_interval_coverage_matches_nominal(m, p, q, T, sigma):
    """95% intervals cover the truth at a rate consistent with 0.95.

    R = 200 noisy replicates (Gaussian noise, fixed seed). The binomial standard error of
    a coverage rate is sqrt(0.95 * 0.05 / 200) = 0.0154; we accept 0.95 +- 3 se.
    """
    rng = np.random.default_rng(20261123)
    t = np.arange(1, T + 1)
    mean = BassModel.simulate(t, m, p, q)
    truth = np.array([m, p, q])
    reps = 200
    hits = np.zeros(3)
    for _ in range(reps):
        y = np.clip(mean + rng.normal(0.0, sigma, T), 0.0, None)
        fit = BassModel().fit(y)
        assert fit.converged_
        ci = fit.conf_int(0.05)
        hits += (ci["lower"].to_numpy() <= truth) & (truth <= ci["upper"].to_numpy())
    coverage = hits / reps
    tol = 3 * np.sqrt(0.95 * 0.05 / reps)
    assert np.all(np.abs(coverage - 0.95) <= tol), coverage


def test_poisson_counts_single_draw_within_interval():
    rng = np.random.default_rng(7)
    t = np.arange(1, 25)
    y = rng.poisson(BassModel.simulate(t, 20_000, 0.008, 0.45)).astype(float)
    fit = fit_bass(y)
    ci = fit.conf_int(0.01)
    for name, value in zip("mpq", (20_000, 0.008, 0.45), strict=True):
        assert ci.loc[name, "lower"] <= value <= ci.loc[name, "upper"]


def test_density_curve_recovers_parameters():
    t = np.arange(1, 15)
    y = BassModel.simulate(t, 3000, 0.02, 0.5, curve="density")
    fit = BassModel(curve="density").fit(y)
    assert (fit.m_, fit.p_, fit.q_) == pytest.approx((3000, 0.02, 0.5), rel=1e-4)


def test_hyperparameters_stored_unchanged_and_fit_returns_self():
    model = BassModel(curve="density", alpha=0.1, strict=True)
    assert model.get_params() == {"curve": "density", "alpha": 0.1, "strict": True,
                                  "max_nfev": 2000}
    y = BassModel.simulate(np.arange(1, 12), 1000, 0.03, 0.4, curve="density")
    assert model.fit(y) is model
    assert model.alpha == 0.1
    assert "m=" in repr(model)


def test_peak_and_forecast():
    t = np.arange(1, 11)
    fit = BassModel().fit(BassModel.simulate(t, 1000, 0.02, 0.5))
    assert fit.peak_time_ == pytest.approx(np.log(0.5 / 0.02) / 0.52, rel=1e-4)
    assert fit.peak_level_ == pytest.approx(1000 * 0.52**2 / 2.0, rel=1e-4)
    fc = fit.forecast(5)
    assert len(fc) == 15 and fc["forecast"].sum() == 5
    assert np.isnan(fc["observed"].iloc[-1])
    assert (fc["pred_upper"] >= fc["upper"]).all()
    assert (fc["lower"] <= fc["adopters"] + 1e-9).all()
    assert fc["cumulative"].iloc[-1] == pytest.approx(1000 * bass_cdf(15, 0.02, 0.5), rel=1e-4)
    d = fit.to_dict()
    assert {"m", "p", "q", "m_ci", "peak_time", "r2", "converged", "ols"} <= d.keys()
    with pytest.raises(ParameterError):
        fit.forecast(-1)


def test_ols_start_is_bass_1969_regression():
    # Exact discrete Bass data satisfy n_t = a + b N + c N^2 only approximately; on the
    # room air conditioner series the OLS estimate is the usual textbook computation.
    y = [96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586, 1673, 1800, 1580, 1500]
    fit = fit_bass(y)
    ols = fit.ols_
    assert ols["valid"]
    assert ols["m"] == pytest.approx(17091.25, rel=1e-4)
    assert ols["p"] == pytest.approx(0.016992, rel=1e-3)
    assert ols["q"] == pytest.approx(0.404946, rel=1e-3)


def test_cdf_and_pdf_agree():
    t = np.linspace(0, 20, 401)
    f = bass_pdf(t, 0.03, 0.4)
    integral = np.concatenate([[0], np.cumsum((f[1:] + f[:-1]) / 2 * np.diff(t))])
    assert np.allclose(integral, bass_cdf(t, 0.03, 0.4), atol=1e-4)


@settings(max_examples=40, deadline=None)
@given(p=st.floats(1e-4, 0.3), q=st.floats(0.0, 1.5), t=st.floats(0, 60))
def test_cdf_is_a_distribution(p, q, t):
    value = float(bass_cdf(t, p, q))
    assert -1e-12 <= value <= 1.0 + 1e-12
    assert float(bass_cdf(t + 1, p, q)) >= value - 1e-12


@pytest.mark.parametrize(
    ("y", "t", "match"),
    [
        ([5, 6], None, "at least 3 periods"),
        ([0, 0, 0, 0], None, "no adopters"),
        ([5, -1, 6, 7], None, "negative"),
        ([5, np.nan, 6, 7], None, "period 2"),
        ([5, 6, 7, 8], [1, 2, 2, 3], "repeated"),
        ([5, 6, 7, 8], [1, 3, 2, 4], "out of order"),
        ([5, 6, 7, 8], [0, 1, 2, 3], "> 0"),
        ([[1, 2], [3, 4]], None, "one-dimensional"),
    ],
)
def test_bad_series_raise_clear_errors(y, t, match):
    with pytest.raises(InputError, match=match):
        BassModel().fit(y, t)


def test_bad_hyperparameters():
    with pytest.raises(ParameterError):
        BassModel(curve="weird").fit([1, 2, 3, 4])
    with pytest.raises(ParameterError):
        BassModel(alpha=1.5).fit([1, 2, 3, 4])
    with pytest.raises(ParameterError, match="not fitted"):
        BassModel().predict([1])


def test_non_converging_fit_says_so():
    growing = [1, 2, 4, 8, 16, 32, 64, 128]
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        fit = BassModel().fit(growing)
    assert not fit.converged_
    assert fit.message_ != "converged"
    with pytest.raises(ConvergenceError) as info:
        BassModel(strict=True).fit(growing)
    assert isinstance(info.value, DownlineError)


def test_three_periods_fit_without_standard_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = BassModel().fit([10, 30, 40])
    assert fit.dof_ == 0
    assert np.all(np.isnan(fit.stderr_))


def test_gaps_in_periods_are_missing_not_zero():
    t = np.array([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12])
    y = BassModel.simulate(t, 2000, 0.02, 0.5)
    fit = BassModel().fit(y, t)
    assert fit.m_ == pytest.approx(2000, rel=1e-5)


def test_fit_cascade_curve_recovers_simulated_parameters():
    steps = BassModel.simulate(np.arange(1, 25), 800, 0.04, 0.7)
    fit = fit_cascade_curve(np.cumsum(steps), population=1000)
    assert (fit.m_, fit.p_, fit.q_) == pytest.approx((800, 0.04, 0.7), rel=1e-4)
    assert fit.m_share_ == pytest.approx(0.8, rel=1e-4)
    with pytest.raises(InputError, match="decrease"):
        fit_cascade_curve([1, 5, 4, 6])
    with pytest.raises(InputError):
        fit_cascade_curve([1, 2])


def test_fit_from_unsorted_timestamps_with_ties():
    rng = np.random.default_rng(11)
    # Draw adoption times from a Bass distribution by inverting F on a fine grid.
    grid = np.linspace(0, 40, 40_001)
    cdf = bass_cdf(grid, 0.02, 0.5)
    times = np.interp(rng.uniform(0, cdf[-1], 5000), cdf, grid)
    times = np.concatenate([times, times[:20]])  # ties on purpose
    rng.shuffle(times)
    fit = fit_bass_times(times, freq=1)
    assert fit.converged_
    ci = fit.conf_int(0.01)
    assert ci.loc["q", "lower"] <= 0.5 <= ci.loc["q", "upper"]


# Weekly box-office revenue ($ million) of the film "The Doctor" (1991), a real series
# used in Lilien & Rangaswamy's Marketing Engineering and in LINDO's Bass model example.
# Its least-squares market potential lies below the revenue counted (noise in the last
# weeks), so a fit that bounded m by the total would stop on that bound.
THE_DOCTOR = np.array([0.1, 3.0, 5.2, 7.0, 5.25, 4.9, 3.0, 2.4, 1.9, 1.3, 0.8, 0.6])


@pytest.mark.parametrize("curve", ["discrete", "density"])
def test_market_potential_may_fall_below_the_total_seen(curve):
    from scipy.optimize import curve_fit

    t = np.arange(1, THE_DOCTOR.size + 1, dtype=float)
    fit = BassModel(curve=curve).fit(THE_DOCTOR)
    assert fit.converged_
    assert fit.m_ < THE_DOCTOR.sum()
    # An independent unconstrained optimiser (Levenberg-Marquardt) from another start.
    ref, _ = curve_fit(
        lambda tt, m, p, q: BassModel.simulate(tt, m, p, q, curve=curve),
        t, THE_DOCTOR, p0=[50.0, 0.01, 0.3], maxfev=20_000, xtol=1e-14, ftol=1e-14,
    )
    assert fit.m_ == pytest.approx(ref[0], rel=1e-6)
    assert fit.p_ == pytest.approx(ref[1], rel=1e-5)
    assert fit.q_ == pytest.approx(ref[2], rel=1e-5)
    # Bass's OLS on the same weeks (m 34.8 < 35.45 seen) is accepted as a start.
    assert fit.ols_["valid"]


def test_fit_on_the_floor_of_m_is_reported():
    # Two bursts with nothing between: no Bass curve has two peaks; the least-squares
    # curve covers the first burst only, wants m far below what was counted, and the
    # floor (half the total) stops it and says so.
    y = np.array([500.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 500.0])
    with pytest.warns(ConvergenceWarning, match="floor"):
        fit = BassModel().fit(y)
    assert not fit.converged_
    assert fit.m_ == pytest.approx(0.5 * y.sum(), rel=1e-5)

"""Estimating the downline-migration model from a measured migration, and forecasting.

The model is :class:`downline.cascade.Migration`, played in discrete steps of length
``period`` from the first moving date (step 0). From :class:`MigrationData` this module
estimates, by maximum likelihood with 95% intervals:

- ``p_follow`` (cascade): a person still on the old platform, ``k`` of whose followees
  moved in the previous step and are still on the new one, moves with probability
  ``1 - (1 - p)^k`` (profile-likelihood interval);
- the threshold distribution (threshold mode): a Beta(a, b) fitted to interval-censored
  thresholds (uniform is Beta(1, 1));
- ``attrition_old`` and ``attrition_new``: per-step drop-out hazards (events over
  person-steps at risk, Wilson interval);
- ``backfill``: newcomers per new-platform member and step (Wilson interval).

:func:`forecast` calibrates on the first part of the data and simulates the rest with
:func:`downline.cascade.simulate`, to compare with what happened.

Step conventions (those of the engine): step ``t`` covers
``[origin + t * period, origin + (t + 1) * period)``; only complete steps before
``observed_until`` are used. A drop-out last seen in step ``d`` left at the end of step
``d``. Movers are at risk of leaving the new platform from the step they moved (first
movers from step 1), newcomers from the step after they joined.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from downline.cascade import Migration, simulate
from downline.common.intervals import Z95, wilson
from downline.common.rng import Seed, root_seed
from downline.errors import InputError, ParameterError
from downline.graph import Graph
from downline.migration.io import MigrationData

__all__ = [
    "Calibration",
    "Estimate",
    "Forecast",
    "ThresholdFit",
    "Timeline",
    "calibrate",
    "estimate_attrition",
    "estimate_backfill",
    "estimate_follow",
    "estimate_thresholds",
    "forecast",
    "timeline",
    "wilson",
]

NEVER = np.iinfo(np.int64).max // 4
CHI2_95 = 3.841458820694124



@dataclass(frozen=True)
class Estimate:
    """One estimated parameter with its 95% interval.

    Attributes
    ----------
    name : str
    value, ci_low, ci_high : float
    events : int
        Events behind the estimate (moves, drop-outs, newcomers).
    trials : float
        Person-steps (or exposures) at risk.
    method : str
        How the interval was computed.
    """

    name: str
    value: float
    ci_low: float
    ci_high: float
    events: int
    trials: float
    method: str

    def covers(self, x: float) -> bool:
        """True when ``x`` lies in the interval."""
        return bool(self.ci_low <= x <= self.ci_high)

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values."""
        return asdict(self)


def _period(period: Any) -> pd.Timedelta:
    if isinstance(period, int | float | np.integer | np.floating):
        out = pd.Timedelta(days=float(period))
    else:
        text = str(period).strip().upper()
        text = {"D": "1D", "W": "7D", "WEEK": "7D", "DAY": "1D"}.get(text, text)
        try:
            out = pd.Timedelta(text)
        except ValueError:
            raise ParameterError(f"period {period!r} is not a duration such as '1D' or '7D'",
                                 field="period") from None
    if out <= pd.Timedelta(0):
        raise ParameterError(f"period must be positive, not {period!r}", field="period")
    return out


@dataclass(frozen=True, eq=False)
class Timeline:
    """The data in whole steps (see the module docstring for the conventions).

    Attributes
    ----------
    origin : Timestamp
        Start of step 0 (the first moving date unless given).
    period : Timedelta
    last_step : int
        The last complete step before ``observed_until`` (``T``).
    moved : ndarray of int64
        Per graph node: the step they moved, -1 for never (or after ``T``).
    old_drop, new_drop : ndarray of int64
        Per graph node: the step at whose end they left the old / new platform
        (``NEVER`` when still active or not on it; ``old_drop < 1`` means gone before
        the migration started).
    newcomer_join, newcomer_drop : ndarray of int64
        Per newcomer (new handle only) who joined by step ``T``.
    """

    origin: pd.Timestamp
    period: pd.Timedelta
    last_step: int
    moved: np.ndarray
    old_drop: np.ndarray
    new_drop: np.ndarray
    newcomer_join: np.ndarray
    newcomer_drop: np.ndarray

    def date(self, step: int) -> pd.Timestamp:
        """Start date of a step."""
        return self.origin + step * self.period

    def counts(self) -> pd.DataFrame:
        """What happened per step: the engine's per-step columns, from the data.

        Columns ``step, date, old_platform, new_platform, moved, dropped_old,
        dropped_new, recruited, moved_total`` (platform counts at the end of the step).
        """
        T = self.last_step
        steps = np.arange(T + 1)
        present_old = self.old_drop >= 1
        mv = self.moved
        moved = np.bincount(mv[mv >= 0], minlength=T + 1)[: T + 1]
        stay = present_old & (mv < 0)
        d_old = np.bincount(np.clip(self.old_drop[stay & (self.old_drop <= T)], 0, T),
                            minlength=T + 1)
        mover_drop = self.new_drop[(mv >= 0) & (self.new_drop <= T)]
        nc_in = self.newcomer_join
        nc_drop = self.newcomer_drop[(self.newcomer_drop <= T) & (nc_in >= 0)]
        d_new = np.bincount(np.clip(mover_drop, 0, T), minlength=T + 1) + \
            np.bincount(np.clip(nc_drop, 0, T), minlength=T + 1)
        recruited = np.bincount(nc_in[nc_in >= 0], minlength=T + 1)[: T + 1]
        old_platform = np.array([
            int((present_old & ((mv < 0) | (mv > t)) & (self.old_drop > t)).sum())
            for t in steps])
        new_platform = np.array([
            int(((mv >= 0) & (mv <= t) & (self.new_drop > t)).sum())
            + int(((nc_in <= t) & (self.newcomer_drop > t)).sum())
            for t in steps])
        return pd.DataFrame({
            "step": steps, "date": [self.date(int(t)) for t in steps],
            "old_platform": old_platform, "new_platform": new_platform, "moved": moved,
            "dropped_old": d_old, "dropped_new": d_new, "recruited": recruited,
            "moved_total": np.cumsum(moved),
        })


def timeline(data: MigrationData, *, period: Any = "1D", origin: Any = None) -> Timeline:
    """Turn the dates of ``data`` into whole steps.

    Parameters
    ----------
    data : MigrationData
    period : str, number or Timedelta, default "1D"
        Length of a step (numbers are days; ``"W"`` is 7 days).
    origin : date-like, optional
        Start of step 0; default the first moving date.

    Returns
    -------
    Timeline

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> tl = timeline(generate_migration(200, p_follow=0.3, steps=8, seed=0))
    >>> tl.last_step, int((tl.moved == 0).sum())
    (8, 5)
    """
    per = _period(period)
    start = data.origin if origin is None else pd.Timestamp(origin)
    until = data.observed_until
    last = int((until - start) // per) - 1
    if last < 1:
        raise InputError(f"fewer than 2 complete steps of {per} between {start.date()} "
                         f"and observed_until {until.date()}", field="period")

    def steps(values: pd.Series) -> np.ndarray:
        v = pd.to_datetime(values)
        out = np.full(v.shape[0], NEVER, dtype=np.int64)
        ok = v.notna().to_numpy()
        delta = (v[ok] - start).to_numpy(dtype="timedelta64[ns]")
        out[ok] = np.floor_divide(delta.astype(np.int64), per.value)
        return out

    def drops(values: pd.Series) -> np.ndarray:
        s = steps(values)
        active = (pd.to_datetime(values) >= until).to_numpy() | pd.isna(values).to_numpy()
        s[active | (s > last)] = NEVER
        return s

    people = data.people.reindex(data.graph.labels)
    moved = steps(people["new_joined"].where(people["role"] == "mover"))
    if (moved < 0).any():
        raise InputError(f"origin {start.date()} is after the first moving date",
                         field="origin")
    moved[moved > last] = -1
    if not (moved >= 0).any():
        raise InputError("nobody moved in the complete steps", field="origin")
    old_drop = drops(people["old_last_seen"])
    # A mover's activity on the old platform after moving is not part of the model.
    old_drop[moved >= 0] = NEVER
    new_drop = drops(people["new_last_seen"])
    new_drop[moved < 0] = NEVER
    nc = data.people[data.people["role"] == "newcomer"]
    join = steps(nc["new_joined"])
    keep = join <= last
    join = np.maximum(join[keep], -1)
    nc_drop = drops(nc["new_last_seen"])[keep]
    return Timeline(start, per, last, moved, old_drop, new_drop, join, nc_drop)


# -- per-parameter estimators ----------------------------------------------------------


def estimate_attrition(tl: Timeline, platform: Literal["old", "new"]) -> Estimate:
    """Per-step drop-out hazard on one platform: events / person-steps at risk.

    Old platform: everyone present at step 1 (``old_drop >= 1``) is at risk until they
    drop out, move (censored) or the data ends. New platform: movers from the step they
    moved (first movers from step 1), newcomers from the step after they joined.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(1000, p_follow=0.2, attrition_new=0.1, steps=20, seed=3)
    >>> estimate_attrition(timeline(data), "new").covers(0.1)
    True
    """
    T = tl.last_step
    if platform == "old":
        present = tl.old_drop >= 1
        mover = tl.moved >= 0
        end = np.where(mover, tl.moved - 1, np.minimum(tl.old_drop, T))
        start = np.ones_like(end)
        event = present & ~mover & (tl.old_drop <= T)
        trials = np.clip(end - start + 1, 0, None)[present].sum()
        events = int(event.sum())
    elif platform == "new":
        mover = tl.moved >= 0
        starts = np.concatenate([np.maximum(tl.moved[mover], 1),
                                 np.maximum(tl.newcomer_join + 1, 1)])
        drop = np.concatenate([tl.new_drop[mover], tl.newcomer_drop])
        event = drop <= T
        starts = np.where(event, np.minimum(starts, np.maximum(drop, 0)), starts)
        end = np.where(event, drop, T)
        trials = np.clip(end - starts + 1, 0, None).sum()
        events = int(event.sum())
    else:
        raise ParameterError(f"platform must be 'old' or 'new', not {platform!r}",
                             field="platform")
    value = events / trials if trials else float("nan")
    lo, hi = wilson(events, float(trials))
    return Estimate(f"attrition_{platform}", value, lo, hi, events, float(trials),
                    "events / person-steps; Wilson 95%")


def _on_new(tl: Timeline, t: int) -> int:
    movers = int(((tl.moved >= 0) & (tl.moved <= t) & (tl.new_drop > t)).sum())
    newcomers = int(((tl.newcomer_join < t) & (tl.newcomer_drop > t)).sum())
    return movers + newcomers


def estimate_backfill(tl: Timeline) -> Estimate:
    """Newcomers per new-platform member and step (after that step's drop-outs).

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(1000, p_follow=0.2, backfill=0.05, steps=15, seed=4)
    >>> estimate_backfill(timeline(data)).covers(0.05)
    True
    """
    T = tl.last_step
    members = sum(_on_new(tl, t) for t in range(1, T + 1))
    recruits = int(((tl.newcomer_join >= 1) & (tl.newcomer_join <= T)).sum())
    value = recruits / members if members else float("nan")
    lo, hi = wilson(recruits, float(members))
    return Estimate("backfill", value, lo, hi, recruits, float(members),
                    "newcomers / member-steps; Wilson 95%")


def _follow_counts(tl: Timeline, graph: Graph) -> tuple[np.ndarray, np.ndarray, int]:
    """Per k = moved followees of the last step: people at risk and people who moved."""
    n = graph.n
    src = np.repeat(np.arange(n), np.diff(graph.indptr))
    dst = graph.indices.astype(np.int64)
    present = tl.old_drop >= 1
    trials = np.zeros(1, dtype=np.int64)
    moves = np.zeros(1, dtype=np.int64)
    spontaneous = 0
    for t in range(1, tl.last_step + 1):
        live = (tl.moved[src] == t - 1) & (tl.new_drop[src] >= t)
        k = np.bincount(dst[live], minlength=n)
        waiting = (tl.moved < 0) | (tl.moved >= t)
        on_old = (tl.moved == t) | (tl.old_drop >= t)
        at_risk = present & waiting & on_old & (k > 0)
        moved = at_risk & (tl.moved == t)
        spontaneous += int(((tl.moved == t) & (k == 0)).sum())
        kmax = int(k.max(initial=0))
        if kmax + 1 > trials.shape[0]:
            trials = np.pad(trials, (0, kmax + 1 - trials.shape[0]))
            moves = np.pad(moves, (0, kmax + 1 - moves.shape[0]))
        trials += np.bincount(k[at_risk], minlength=trials.shape[0])
        moves += np.bincount(k[moved], minlength=moves.shape[0])
    return trials, moves, spontaneous


def estimate_follow(tl: Timeline, graph: Graph) -> tuple[Estimate, int]:
    """The cascade follow probability ``p`` by maximum likelihood.

    A person still on the old platform with ``k`` followees who moved in the previous
    step (and are still on the new platform) moves in this step with probability
    ``1 - (1 - p)^k``. Moves with ``k = 0`` (after step 0) cannot come from the cascade:
    they are counted and returned, not used.

    Returns
    -------
    (Estimate, int)
        The estimate with a profile-likelihood 95% interval, and the number of
        unexplained (spontaneous) moves.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(1000, p_follow=0.1, steps=15, seed=5)
    >>> est, spontaneous = estimate_follow(timeline(data), data.graph)
    >>> est.covers(0.1), spontaneous
    (True, 0)
    """
    trials, moves, spontaneous = _follow_counts(tl, graph)
    k = np.arange(trials.shape[0], dtype=np.float64)
    use = trials > 0
    k, n_k, y_k = k[use], trials[use].astype(np.float64), moves[use].astype(np.float64)
    events, exposures = int(y_k.sum()), float((n_k * k).sum())
    if exposures == 0:
        raise InputError("no one was ever exposed to a mover: cannot estimate p_follow")

    def loglik(p: float) -> float:
        log_stay = k * math.log1p(-p)
        with np.errstate(divide="ignore"):
            move = np.log(-np.expm1(log_stay))
        return float(np.sum(np.where(y_k > 0, y_k * move, 0.0) + (n_k - y_k) * log_stay))

    eps = 1e-12
    if events == 0:
        p_hat = 0.0
    elif events == n_k.sum():
        p_hat = 1.0
    else:
        res = optimize.minimize_scalar(lambda p: -loglik(p), bounds=(eps, 1 - eps),
                                       method="bounded", options={"xatol": 1e-10})
        p_hat = float(res.x)
    top = loglik(min(max(p_hat, eps), 1 - eps))

    def gap(p: float) -> float:
        return 2.0 * (top - loglik(p)) - CHI2_95

    lo = 0.0 if p_hat <= eps or gap(eps) < 0 else optimize.brentq(gap, eps, max(p_hat, 2 * eps))
    hi = 1.0 if p_hat >= 1 - eps or gap(1 - eps) < 0 else \
        optimize.brentq(gap, min(p_hat, 1 - 2 * eps), 1 - eps)
    return Estimate("p_follow", p_hat, float(lo), float(hi), events, exposures,
                    "maximum likelihood; profile-likelihood 95%"), spontaneous


@dataclass(frozen=True)
class ThresholdFit:
    """A Beta(a, b) threshold distribution fitted to interval-censored thresholds.

    Attributes
    ----------
    a, b : Estimate
        The Beta parameters (uniform thresholds: both 1), with Wald intervals on the log
        scale.
    mean : float
        ``a / (a + b)``.
    movers, censored, unexplained : int
        Movers whose threshold lies in a known interval, people who never moved (their
        threshold lies above their last exposure), movers with no new exposure in the
        step before they moved (not used).
    """

    a: Estimate
    b: Estimate
    mean: float
    movers: int
    censored: int
    unexplained: int

    def is_uniform(self) -> bool:
        """True when both intervals contain 1."""
        return self.a.covers(1.0) and self.b.covers(1.0)

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {"a": self.a.to_dict(), "b": self.b.to_dict(), "mean": self.mean,
                "movers": self.movers, "censored": self.censored,
                "unexplained": self.unexplained}


def estimate_thresholds(tl: Timeline, graph: Graph) -> ThresholdFit:
    """Fit a Beta threshold distribution (threshold mode) by interval-censored likelihood.

    With exposure ``E_v(t)`` the share of ``v``'s followees (weighted by the graph's
    probabilities) who moved in steps before ``t``, a mover at step ``s >= 1`` has a
    threshold in ``(E_v(s - 1), E_v(s)]`` and a person who stayed up to step ``L`` has one
    above ``E_v(L)``.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(1500, follow="threshold", steps=15, first_movers=30,
    ...                           seed=6)
    >>> estimate_thresholds(timeline(data), data.graph).is_uniform()
    True
    """
    n, T = graph.n, tl.last_step
    src = np.repeat(np.arange(n), np.diff(graph.indptr))
    dst = graph.indices.astype(np.int64)
    w = graph.probs.astype(np.float64)
    in_w = np.bincount(dst, weights=w, minlength=n)
    w = w / np.where(in_w > 0, in_w, 1.0)[dst]
    present = (tl.old_drop >= 1) & (in_w > 0)
    mv = tl.moved
    last = np.where(mv >= 0, mv, np.minimum(tl.old_drop, T))
    lower = np.zeros(n)
    upper = np.zeros(n)
    share = np.zeros(n)
    for t in range(0, T + 1):
        if t >= 1:
            share = share + np.bincount(dst, weights=w * (mv[src] == t - 1), minlength=n)
        lower = np.where(mv - 1 == t, share, lower)
        upper = np.where(last == t, share, upper)
    mover = present & (mv >= 1)
    ok = mover & (upper > lower)
    unexplained = int((mover & ~ok).sum())
    cens = present & (mv < 0) & (upper > 0)
    lo_i, hi_i = np.clip(lower[ok], 0, 1), np.clip(upper[ok], 0, 1)
    lo_c = np.clip(upper[cens], 0, 1)

    def nll(theta: np.ndarray) -> float:
        a, b = np.exp(theta)
        p_int = special.betainc(a, b, hi_i) - special.betainc(a, b, lo_i)
        p_cen = 1.0 - special.betainc(a, b, lo_c)
        return -float(np.sum(np.log(np.maximum(p_int, 1e-300)))
                      + np.sum(np.log(np.maximum(p_cen, 1e-300))))

    if ok.sum() == 0:
        raise InputError("no mover with a known threshold interval: cannot fit thresholds")
    res = optimize.minimize(nll, np.zeros(2), method="Nelder-Mead",
                            options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 2000})
    theta = res.x
    h = 1e-4
    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            hess[i, j] = (nll(theta + ei + ej) - nll(theta + ei - ej) - nll(theta - ei + ej)
                          + nll(theta - ei - ej)) / (4 * h * h)
    try:
        se = np.sqrt(np.diag(np.linalg.inv(hess)))
    except np.linalg.LinAlgError:
        se = np.full(2, np.nan)
    est = []
    for name, th, s in zip(("threshold_a", "threshold_b"), theta, se, strict=True):
        est.append(Estimate(name, float(np.exp(th)), float(np.exp(th - Z95 * s)),
                            float(np.exp(th + Z95 * s)), int(ok.sum()),
                            float(ok.sum() + cens.sum()),
                            "interval-censored maximum likelihood; Wald 95% on log scale"))
    a, b = est
    return ThresholdFit(a, b, a.value / (a.value + b.value), int(ok.sum()), int(cens.sum()),
                        unexplained)


# -- the whole model -------------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """The migration model's parameters estimated from data.

    Attributes
    ----------
    follow : {"cascade", "threshold"}
    p_follow : Estimate or None
        Cascade mode.
    threshold : ThresholdFit or None
        Threshold mode.
    attrition_old, attrition_new, backfill : Estimate
    spontaneous : int
        Moves after step 0 that the cascade cannot explain (no followee moved in the
        step before).
    first_movers : list
        Who moved at step 0.
    origin : Timestamp
    period : Timedelta
    steps : int
        Complete steps used (``T``).
    """

    follow: str
    p_follow: Estimate | None
    threshold: ThresholdFit | None
    attrition_old: Estimate
    attrition_new: Estimate
    backfill: Estimate
    spontaneous: int
    first_movers: list[Any]
    origin: pd.Timestamp
    period: pd.Timedelta
    steps: int

    def estimates(self) -> list[Estimate]:
        """Every estimated parameter."""
        out = [self.p_follow] if self.p_follow is not None else []
        if self.threshold is not None:
            out += [self.threshold.a, self.threshold.b]
        return [*out, self.attrition_old, self.attrition_new, self.backfill]

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: ``name, value, ci_low, ci_high, events, trials, method``."""
        return pd.DataFrame([e.to_dict() for e in self.estimates()])

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        return {
            "follow": self.follow,
            "parameters": {e.name: e.to_dict() for e in self.estimates()},
            "threshold_mean": None if self.threshold is None else self.threshold.mean,
            "spontaneous": self.spontaneous,
            "first_movers": list(self.first_movers),
            "origin": self.origin.isoformat(),
            "period_days": self.period / pd.Timedelta(days=1),
            "steps": self.steps,
        }

    def to_model(self, steps: int | None = None) -> Any:
        """The :class:`downline.cascade.Migration` with the estimated values.

        Threshold mode uses uniform thresholds when the fit is consistent with them,
        else the fitted median as a fixed threshold (the engine knows only these two).
        """
        common = dict(attrition_old=_unit(self.attrition_old.value),
                      attrition_new=_unit(self.attrition_new.value),
                      backfill=_unit(self.backfill.value),
                      steps=self.steps if steps is None else int(steps))
        if self.follow == "cascade":
            assert self.p_follow is not None
            return Migration(follow="cascade", p=_unit(self.p_follow.value), **common)
        assert self.threshold is not None
        if self.threshold.is_uniform():
            return Migration(follow="threshold", threshold="uniform", **common)
        median = float(stats.beta.median(self.threshold.a.value, self.threshold.b.value))
        return Migration(follow="threshold", threshold=median, **common)


def _unit(x: float) -> float:
    return 0.0 if not np.isfinite(x) else float(min(max(x, 0.0), 1.0))


def calibrate(
    data: MigrationData,
    *,
    follow: Literal["cascade", "threshold"] = "cascade",
    period: Any = "1D",
    origin: Any = None,
) -> Calibration:
    """Estimate the downline-migration model's parameters from a measured migration.

    Parameters
    ----------
    data : MigrationData
    follow : {"cascade", "threshold"}, default "cascade"
        Which following rule to fit.
    period : str, number or Timedelta, default "1D"
        Length of a step; pick the resolution of the data (daily dates: a day).
    origin : date-like, optional
        Start of step 0; default the first moving date.

    Returns
    -------
    Calibration

    Notes
    -----
    All estimates are maximum-likelihood under the model of
    :class:`downline.cascade.Migration` with per-step Bernoulli events, so the rates are
    events over person-steps at risk; see the module docstring for the intervals.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(1500, p_follow=0.15, attrition_old=0.02,
    ...                           attrition_new=0.05, backfill=0.03, steps=20, skew=0.4,
    ...                           seed=2)
    >>> cal = calibrate(data)
    >>> [e.covers(data.params[e.name]) for e in cal.estimates()]
    [True, True, True, True]
    """
    if follow not in ("cascade", "threshold"):
        raise ParameterError(f"follow must be 'cascade' or 'threshold', not {follow!r}",
                             field="follow")
    tl = timeline(data, period=period, origin=origin)
    p_follow, threshold, spontaneous = None, None, 0
    if follow == "cascade":
        p_follow, spontaneous = estimate_follow(tl, data.graph)
    else:
        threshold = estimate_thresholds(tl, data.graph)
        spontaneous = threshold.unexplained
    first = data.graph.label_of(np.flatnonzero(tl.moved == 0))
    return Calibration(follow, p_follow, threshold, estimate_attrition(tl, "old"),
                       estimate_attrition(tl, "new"), estimate_backfill(tl), spontaneous,
                       first, tl.origin, tl.period, tl.last_step)


# -- forecasting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """A forecast of the held-back steps against what happened.

    Attributes
    ----------
    calibration : Calibration
        Fitted on the training steps only.
    train_steps : int
        Last training step.
    table : DataFrame
        Per held-back step: ``step, date`` and ``actual_*`` / ``forecast_*`` for
        ``moved``, ``new_platform``, ``old_platform``, ``recruited``, ``dropped_new``,
        ``dropped_old`` (forecasts are Monte Carlo means).
    moved_actual : int
        People who moved in the held-back steps.
    moved_forecast, moved_low, moved_high : float
        Mean and 2.5% / 97.5% quantiles of the simulated number.
    error : dict
        ``moved_relative_error`` ((forecast - actual) / actual), ``moved_within_interval``
        and ``new_platform_mape`` (mean absolute percentage error of members on the new
        platform over the held-back steps).
    mode : str
        ``"conditional"`` (simulation starts from the state at the end of training) or
        ``"from_start"`` (threshold mode: from the first movers).
    runs, seed : int
    draws : int
        Parameter sets simulated (see :func:`forecast`).
    """

    calibration: Calibration
    train_steps: int
    table: pd.DataFrame
    moved_actual: int
    moved_forecast: float
    moved_low: float
    moved_high: float
    error: dict[str, Any]
    mode: str
    runs: int
    seed: int
    draws: int = 1

    def to_frame(self) -> pd.DataFrame:
        """The per-step table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain values (the table as records)."""
        table = self.table.assign(date=self.table["date"].astype(str))
        return {"calibration": self.calibration.to_dict(), "train_steps": self.train_steps,
                "moved_actual": self.moved_actual, "moved_forecast": self.moved_forecast,
                "moved_interval": [self.moved_low, self.moved_high], "error": self.error,
                "mode": self.mode, "runs": self.runs, "seed": self.seed, "draws": self.draws,
                "table": table.to_dict(orient="records")}


def forecast(
    data: MigrationData,
    *,
    train_fraction: float = 0.6,
    follow: Literal["cascade", "threshold"] = "cascade",
    period: Any = "1D",
    runs: int = 200,
    draws: int = 20,
    seed: Seed = 0,
) -> Forecast:
    """Calibrate on the first steps, simulate the rest, compare with what happened.

    Parameters
    ----------
    data : MigrationData
    train_fraction : float, default 0.6
        Share of the complete steps used for calibration; the rest is held back.
    follow : {"cascade", "threshold"}
    period : default "1D"
        Step length, as in :func:`calibrate`.
    runs : int, default 200
        Monte Carlo runs of :func:`downline.cascade.simulate`, spread over the draws.
    draws : int, default 20
        Parameter sets drawn from the estimates' sampling distributions (normal with the
        standard errors of their intervals), so the forecast interval carries the
        estimation error as well as the randomness of the process; 1 simulates with the
        point estimates only.
    seed : int, numpy.random.Generator or None, default 0
        See :func:`downline.common.rng.root_seed`; the forecast reports the root seed
        it used, and passing that back gives the same forecast.

    Returns
    -------
    Forecast

    Notes
    -----
    Cascade mode starts the simulation from the state at the end of training: people
    still on the old platform keep their follows, people who moved in the last training
    step (and are still on the new platform) are the first movers, and everyone else on
    the new platform enters as a first mover without follows (they can no longer pass
    the move on, but they drop out and recruit). This is exact for the cascade model,
    which has no memory beyond that state. Threshold mode cannot condition on thresholds
    not yet reached with the engine, so it simulates from the real first movers and
    compares the held-back steps.

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(1500, p_follow=0.1, attrition_new=0.03, backfill=0.02,
    ...                           steps=20, seed=8)
    >>> fc = forecast(data, runs=100, seed=1)
    >>> fc.error["moved_within_interval"]
    True
    """
    if not 0.0 < float(train_fraction) < 1.0:
        raise ParameterError(f"train_fraction must be in (0, 1), not {train_fraction}",
                             field="train_fraction")
    full = timeline(data, period=period)
    T = full.last_step
    t_train = max(1, min(T - 1, round(train_fraction * T)))
    cut = full.origin + (t_train + 1) * full.period
    train = data.with_observed_until(cut)
    cal = calibrate(train, follow=follow, period=full.period, origin=full.origin)
    horizon = T - t_train
    tl = timeline(train, period=full.period, origin=full.origin)
    if follow == "cascade":
        mode = "conditional"
        graph, seeds, offset = _state_graph(tl, train.graph)
        model = cal.to_model(horizon)
    else:
        mode = "from_start"
        graph, seeds, offset = data.graph, cal.first_movers, 0
        model = cal.to_model(T)
    root = root_seed(seed)
    rng = np.random.default_rng(root)
    models = _parameter_draws(cal, model, int(draws), rng)
    per = max(1, -(-int(runs) // len(models)))
    tables, sizes = [], []
    for k, m in enumerate(models):
        res = simulate(graph, m, seeds, runs=per, seed=root + k)
        tables.append(res.steps_table)
        sizes.append(res.sizes)
    sim = sum(tables[1:], tables[0]) / len(tables)
    all_sizes = np.concatenate(sizes)
    actual = full.counts().set_index("step")
    rows = []
    for t in range(t_train + 1, T + 1):
        s = sim.iloc[t - offset]
        row = {"step": t, "date": full.date(t)}
        for c in ("moved", "new_platform", "old_platform", "recruited", "dropped_new",
                  "dropped_old"):
            row[f"actual_{c}"] = int(actual.at[t, c])
            row[f"forecast_{c}"] = float(s[c])
        rows.append(row)
    table = pd.DataFrame(rows)
    if mode == "conditional":
        new_moves = all_sizes - len(seeds)
    else:
        # Sizes count everyone who moved by the end; take off the simulated training part.
        new_moves = all_sizes - float(sim["moved_total"].iloc[t_train])
    moved_actual = int(table["actual_moved"].sum())
    moved_fc = float(table["forecast_moved"].sum())
    lo, hi = (float(x) for x in np.quantile(new_moves, [0.025, 0.975]))
    actual_np = table["actual_new_platform"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = float(np.nanmean(np.abs(table["forecast_new_platform"] - actual_np)
                                / np.where(actual_np > 0, actual_np, np.nan)))
    error = {
        "moved_relative_error": (moved_fc - moved_actual) / moved_actual if moved_actual
        else float("nan"),
        "moved_within_interval": bool(lo <= moved_actual <= hi),
        "new_platform_mape": mape,
    }
    return Forecast(cal, t_train, table, moved_actual, moved_fc, lo, hi, error, mode,
                    int(per * len(models)), root, len(models))


def _parameter_draws(cal: Calibration, model: Any, draws: int,
                     rng: np.random.Generator) -> list[Any]:
    """``draws`` models with parameters drawn from their estimates' sampling distributions.

    Each estimate is taken as normal with the standard error implied by its 95% interval
    (truncated to [0, 1]); one draw gives the point estimates.
    """
    if draws < 1:
        raise ParameterError(f"draws must be at least 1, not {draws}", field="draws")
    if draws == 1:
        return [model]
    ests = {"attrition_old": cal.attrition_old, "attrition_new": cal.attrition_new,
            "backfill": cal.backfill}
    if model.follow == "cascade" and cal.p_follow is not None:
        ests["p"] = cal.p_follow
    out = []
    for _ in range(draws):
        values = {}
        for name, est in ests.items():
            se = (est.ci_high - est.ci_low) / (2 * Z95)
            values[name] = _unit(rng.normal(est.value, se) if np.isfinite(se) else est.value)
        out.append(replace(model, **values))
    return out


def _state_graph(tl: Timeline, graph: Graph) -> tuple[Graph, list[Any], int]:
    """The graph and first movers that restart the cascade model from the end of ``tl``."""
    T = tl.last_step
    mv = tl.moved
    on_old = (tl.old_drop >= 1) & (mv < 0) & (tl.old_drop > T)
    live = (mv == T) & (tl.new_drop > T)
    others_new = int(((mv >= 0) & (mv < T) & (tl.new_drop > T)).sum()) + \
        int(((tl.newcomer_drop > T)).sum())
    keep = on_old | live
    new_id = np.full(graph.n, -1, dtype=np.int64)
    new_id[keep] = np.arange(int(keep.sum()))
    src = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    dst = graph.indices.astype(np.int64)
    ok = keep[src] & on_old[dst]
    labels = np.concatenate([graph.labels[keep].astype(object),
                             np.array([f"_new_platform_{i}" for i in range(others_new)],
                                      dtype=object)])
    g = Graph.from_indices(new_id[src[ok]], new_id[dst[ok]], graph.probs[ok], labels,
                           name=f"{graph.name}@step{T}")
    seeds = graph.label_of(np.flatnonzero(live)) + labels[int(keep.sum()):].tolist()
    return g, seeds, T

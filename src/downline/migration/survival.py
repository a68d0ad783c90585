"""Attrition and retention: Kaplan-Meier survival of activity on each platform.

:func:`kaplan_meier` is the product-limit estimator with Greenwood's variance and the
log(-log) ("exponential Greenwood") confidence band, as in lifelines and R's
``survival::survfit(conf.type = "log-log")``. :func:`retention` applies it to the new
platform (time from joining it to last activity) or to the old one (time from the first
move to last activity, moving censors), by moving cohort, Rogers category or role.
:func:`leader_departure` measures how a sponsor tree's downline drains after its leader
leaves for another company, with :mod:`downline.genealogy`.

Calibrating the per-step attrition hazards of the migration model lives in
:mod:`downline.migration.calibrate`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from downline.adoption import CATEGORIES
from downline.errors import InputError, ParameterError
from downline.genealogy import attrition, data_end
from downline.migration.exposure import adopter_categories
from downline.migration.io import MigrationData

__all__ = [
    "LeaderDeparture",
    "Retention",
    "SurvivalCurve",
    "kaplan_meier",
    "leader_departure",
    "retention",
]


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier curve.

    Attributes
    ----------
    table : DataFrame
        One row per distinct time (time 0 first): ``time, at_risk, events, censored,
        survival, std_err`` (Greenwood) and ``ci_low, ci_high`` (log(-log) band).
    n, events : int
        Subjects and observed events.
    median : float
        First time at which survival is at most 0.5 (inf when never).
    alpha : float
        1 - confidence level of the band.
    label : str
    """

    table: pd.DataFrame
    n: int
    events: int
    median: float
    alpha: float = 0.05
    label: str = ""

    def survival_at(self, times: Any) -> np.ndarray:
        """Survival at the given times (right-continuous step function).

        NaN after the last observed time unless survival has reached 0 there: the data
        say nothing about later times.
        """
        t = np.atleast_1d(np.asarray(times, dtype=np.float64))
        time = self.table["time"].to_numpy()
        pos = np.searchsorted(time, t, side="right") - 1
        s = self.table["survival"].to_numpy()
        out = np.where(pos >= 0, s[np.clip(pos, 0, None)], 1.0)
        return np.where((t > time[-1]) & (s[-1] > 0), np.nan, out)

    def to_frame(self) -> pd.DataFrame:
        """The table (see ``table``)."""
        return self.table.copy()

    def to_dict(self, at: Sequence[float] = ()) -> dict[str, Any]:
        """Summary figures (and survival at the times ``at``) as plain values."""
        out: dict[str, Any] = {"label": self.label, "n": self.n, "events": self.events,
                               "median": self.median}
        if len(at):
            out["survival_at"] = {str(t): float(s) for t, s in
                                  zip(at, self.survival_at(at), strict=True)}
        return out


def kaplan_meier(
    durations: Any, observed: Any = None, *, alpha: float = 0.05, label: str = ""
) -> SurvivalCurve:
    """The Kaplan-Meier (product-limit) survival curve with Greenwood intervals.

    Parameters
    ----------
    durations : array-like of float
        Time to the event or to censoring (non-negative).
    observed : array-like of bool, optional
        True when the event happened, False when censored; default all True.
    alpha : float, default 0.05
        The band covers ``1 - alpha``.
    label : str

    Returns
    -------
    SurvivalCurve

    Notes
    -----
    At each distinct event time ``t`` with ``d`` events among ``n`` at risk (durations
    ``>= t``; censored at ``t`` count as at risk), ``S(t) = prod (1 - d / n)``. Greenwood:
    ``Var[S] = S^2 * sum d / (n (n - d))``. The band is computed on
    ``log(-log S)``: ``S ** exp(+-z * sqrt(sum d / (n (n - d))) / log S)``, which stays in
    [0, 1].

    References
    ----------
    Kaplan, E. L., Meier, P. (1958). Nonparametric estimation from incomplete
    observations. JASA 53, 457-481.
    Kalbfleisch, J. D., Prentice, R. L. (2002). The Statistical Analysis of Failure Time
    Data, 2nd ed., section 1.4.

    Examples
    --------
    >>> km = kaplan_meier([5, 6, 6, 2, 4, 4, 7], [1, 0, 1, 1, 1, 0, 1])
    >>> km.survival_at([2, 4, 5, 6]).round(4).tolist()
    [0.8571, 0.7143, 0.5357, 0.3571]
    >>> km.median
    6.0
    """
    t = np.asarray(durations, dtype=np.float64).ravel()
    e = np.ones(t.shape, dtype=bool) if observed is None else \
        np.asarray(observed, dtype=bool).ravel()
    if t.shape != e.shape:
        raise InputError("durations and observed have different lengths", field="observed")
    if t.size == 0:
        raise InputError("no durations", field="durations")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise InputError("durations must be finite and non-negative", field="durations")
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be in (0, 1), not {alpha}", field="alpha")
    times, inverse = np.unique(t, return_inverse=True)
    events = np.bincount(inverse, weights=e, minlength=times.size).astype(np.int64)
    total = np.bincount(inverse, minlength=times.size)
    censored = total - events
    at_risk = t.size - np.concatenate(([0], np.cumsum(total)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - events / at_risk)
        greenwood = np.cumsum(np.where(events > 0,
                                       events / (at_risk * (at_risk - events)), 0.0))
        z = stats.norm.ppf(1 - alpha / 2)
        log_s = np.log(surv)
        spread = z * np.sqrt(greenwood) / log_s
        a = np.exp(-np.exp(np.log(-log_s) + spread))
        b = np.exp(-np.exp(np.log(-log_s) - spread))
    lo, hi = np.fmin(a, b), np.fmax(a, b)
    lo = np.where(surv >= 1.0, 1.0, np.where(surv <= 0.0, 0.0, lo))
    hi = np.where(surv >= 1.0, 1.0, np.where(surv <= 0.0, 0.0, hi))
    with np.errstate(invalid="ignore"):
        std_err = np.where(surv > 0, surv * np.sqrt(greenwood), 0.0)
    if times[0] > 0:
        times = np.concatenate(([0.0], times))
        at_risk = np.concatenate(([t.size], at_risk))
        events = np.concatenate(([0], events))
        censored = np.concatenate(([0], censored))
        surv, std_err = np.concatenate(([1.0], surv)), np.concatenate(([0.0], std_err))
        lo, hi = np.concatenate(([1.0], lo)), np.concatenate(([1.0], hi))
    table = pd.DataFrame({"time": times, "at_risk": at_risk.astype(np.int64),
                          "events": events, "censored": censored.astype(np.int64),
                          "survival": surv, "std_err": std_err, "ci_low": lo, "ci_high": hi})
    below = np.flatnonzero(surv <= 0.5)
    median = float(times[below[0]]) if below.size else float("inf")
    return SurvivalCurve(table, int(t.size), int(e.sum()), median, alpha, label)


# -- platforms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """Kaplan-Meier curves of activity on one platform, per group.

    Attributes
    ----------
    platform : {"new", "old"}
    by : str or None
    curves : dict
        Group label -> :class:`SurvivalCurve` (durations in days).
    at : tuple of float
        Days at which :meth:`summary` reports survival.
    """

    platform: str
    by: str | None
    curves: dict[str, SurvivalCurve] = field(default_factory=dict)
    at: tuple[float, ...] = (7.0, 30.0, 90.0)

    def summary(self) -> pd.DataFrame:
        """One row per group: ``group, n, events, median_days`` and ``survival_<t>d``."""
        rows = []
        for label, c in self.curves.items():
            row = {"group": label, "n": c.n, "events": c.events, "median_days": c.median}
            for t, s in zip(self.at, c.survival_at(self.at), strict=True):
                row[f"survival_{t:g}d"] = float(s)
            rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """All curves in long form, with a ``group`` column."""
        return pd.concat([c.table.assign(group=g) for g, c in self.curves.items()],
                         ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """The summary as records."""
        recs = self.summary().to_dict(orient="records")
        return {"platform": self.platform, "by": self.by,
                "groups": [{k: _finite(v) for k, v in r.items()} for r in recs]}


def _finite(v: Any) -> Any:
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _days(delta: pd.Series) -> np.ndarray:
    return (delta / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)


def retention(
    data: MigrationData,
    platform: Literal["new", "old"] = "new",
    *,
    by: Literal["cohort", "category", "role"] | None = None,
    freq: str = "M",
    at: Sequence[float] = (7, 30, 90),
    categories: pd.Series | None = None,
) -> Retention:
    """Kaplan-Meier retention on the new or the old platform.

    Parameters
    ----------
    data : MigrationData
    platform : {"new", "old"}
        ``"new"``: movers and newcomers, from joining the new platform to their last
        activity there. ``"old"``: everyone on the old platform at the first move, from
        that date to their last activity; moving censors (they left for the new
        platform, they did not drop out). People gone before the first move are left out.
    by : {"cohort", "category", "role"}, optional
        Split by moving (joining) period (new platform only), by Rogers category of the
        moving date (movers only), or by role (mover / newcomer / stayer).
    freq : {"D", "W", "M", "Q", "Y"}, default "M"
        Cohort period.
    at : sequence of float
        Days at which the summary reports survival.
    categories : Series, optional
        Person id -> category, to use instead of Rogers categories.

    Returns
    -------
    Retention

    Examples
    --------
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(500, p_follow=0.3, attrition_new=0.1, steps=20, seed=1)
    >>> ret = retention(data, "new")
    >>> bool(0.3 < ret.curves["all"].survival_at(7)[0] < 0.7)
    True
    """
    p = data.people
    until = data.observed_until
    if platform == "new":
        on = p[p["role"].isin(["mover", "newcomer"])]
        seen = on["new_last_seen"].fillna(until)
        dur = _days(seen - on["new_joined"])
        event = (seen < until).to_numpy()
    elif platform == "old":
        on = p[p["role"].isin(["mover", "stayer"])]
        start = data.origin
        moved = on["new_joined"].where(on["role"] == "mover")
        seen = on["old_last_seen"].fillna(until)
        keep = ((on["role"] == "mover") | (seen >= start)).to_numpy()
        on, moved, seen = on[keep], moved[keep], seen[keep]
        end = moved.fillna(seen)
        dur = _days(end - start)
        event = (moved.isna() & (seen < until)).to_numpy()
    else:
        raise ParameterError(f"platform must be 'new' or 'old', not {platform!r}",
                             field="platform")
    dur = np.clip(dur, 0.0, None)
    if by is None:
        groups = pd.Series("all", index=on.index)
    elif by == "role":
        groups = on["role"]
    elif by == "cohort":
        if platform != "new":
            raise ParameterError("cohorts are by joining date: use platform='new'", field="by")
        code = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y"}.get(str(freq).upper())
        if code is None:
            raise ParameterError(f"unknown period {freq!r}; expected D, W, M, Q or Y",
                                 field="freq")
        groups = on["new_joined"].dt.to_period(code).astype(str)
    elif by == "category":
        if categories is None:
            categories = adopter_categories(data).category
        groups = pd.Series(categories).reindex(on.index)
        groups = groups.astype(object).where(groups.notna(), on["role"])
    else:
        raise ParameterError(f"by must be 'cohort', 'category' or 'role', not {by!r}",
                             field="by")
    curves = {}
    labels = groups.to_numpy(dtype=object)
    order = _group_order(labels, by)
    for g in order:
        mask = labels == g
        curves[str(g)] = kaplan_meier(dur[mask], event[mask], label=str(g))
    return Retention(platform, by, curves, tuple(float(t) for t in at))


def _group_order(labels: np.ndarray, by: str | None) -> list[Any]:
    present = list(dict.fromkeys(labels.tolist()))
    if by == "category":
        known = [c for c in CATEGORIES if c in present]
        return known + sorted(c for c in present if c not in CATEGORIES)
    return sorted(present)


# -- sponsor trees ------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderDeparture:
    """What happened to a downline after its leader left for another company.

    Attributes
    ----------
    leader : id
    left_at : Timestamp
    downline_size : int
        Members of the leader's downline (all levels).
    active_at_departure : int
        Of them, active when the leader left.
    curves : dict
        Kaplan-Meier curves of staying (days since the leader left): ``"downline"``,
        ``"frontline"`` (level 1), ``"deeper"`` (level 2+) and ``"rest"`` (everyone else
        active then).
    attrition : DataFrame
        The downline's attrition per period (:func:`downline.genealogy.attrition`).
    at : tuple of float
    """

    leader: Any
    left_at: pd.Timestamp
    downline_size: int
    active_at_departure: int
    curves: dict[str, SurvivalCurve]
    attrition: pd.DataFrame
    at: tuple[float, ...] = (30.0, 90.0, 180.0)

    def summary(self) -> pd.DataFrame:
        """One row per group: ``group, n, left, median_days, left_by_<t>d``."""
        rows = []
        for g, c in self.curves.items():
            row = {"group": g, "n": c.n, "left": c.events, "median_days": c.median}
            for t, s in zip(self.at, c.survival_at(self.at), strict=True):
                row[f"left_by_{t:g}d"] = 1.0 - float(s)
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        recs = self.summary().to_dict(orient="records")
        return {"leader": _finite(self.leader), "left_at": self.left_at.isoformat(),
                "downline_size": self.downline_size,
                "active_at_departure": self.active_at_departure,
                "groups": [{k: _finite(v) for k, v in r.items()} for r in recs],
                "attrition": self.attrition.to_dict(orient="records")}


def leader_departure(
    genealogy: Any,
    leader: Hashable,
    left_at: Any = None,
    *,
    freq: str = "M",
    at: Sequence[float] = (30, 90, 180),
) -> LeaderDeparture:
    """How the leader's downline drained after the leader left, against everyone else.

    Parameters
    ----------
    genealogy : downline.genealogy.Genealogy
    leader : id
        The member who left.
    left_at : date-like, optional
        When they left; default their ``left_at`` in the genealogy.
    freq : {"D", "W", "M", "Q", "Y"}
        Period of the attrition table.
    at : sequence of float
        Days after the departure at which the summary reports the share gone.

    Returns
    -------
    LeaderDeparture

    Notes
    -----
    Everyone active when the leader left is followed from that date to their own
    ``left_at`` (an event) or the last date of the genealogy (censored). If the downline
    leaves faster than the rest of the company, the leader took (or lost) them.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": ["1", "2", "3", "4", "5"], "sponsor_id": [None, "1", "2", "2", "1"],
    ...     "joined_at": ["2024-01-01"] * 5,
    ...     "left_at": [None, "2024-03-01", "2024-03-11", None, "2024-06-01"]}))
    >>> dep = leader_departure(gen, "2")
    >>> dep.summary()[["group", "n", "left"]].values.tolist()
    [['downline', 2, 1], ['frontline', 2, 1], ['rest', 2, 1]]
    """
    i = genealogy.index_of(leader)
    if left_at is None:
        when = genealogy.left_at[i]
        if np.isnat(when):
            raise InputError(f"member {leader!r} never left; pass left_at", field="left_at")
        when = pd.Timestamp(when)
    else:
        when = pd.Timestamp(left_at)
    end = pd.Timestamp(data_end(genealogy))
    start = int(genealogy.tin[i]) + 1
    down = genealogy.order[start: start + int(genealogy.subtree_size[i]) - 1]
    joined = pd.to_datetime(genealogy.joined_at).to_numpy(dtype="datetime64[ns]")
    left = pd.to_datetime(genealogy.left_at).to_numpy(dtype="datetime64[ns]")
    w = np.datetime64(when, "ns")
    active = (joined <= w) & (np.isnat(left) | (left > w))
    in_down = np.zeros(len(genealogy), dtype=bool)
    in_down[down] = True
    level = genealogy.depth - genealogy.depth[i]
    gone = ~np.isnat(left)
    stop = np.where(gone, left, np.datetime64(end, "ns"))
    dur = (stop - w) / np.timedelta64(1, "D")
    groups = {
        "downline": active & in_down,
        "frontline": active & in_down & (level == 1),
        "deeper": active & in_down & (level >= 2),
        "rest": active & ~in_down & (np.arange(len(genealogy)) != i),
    }
    curves = {g: kaplan_meier(dur[m], gone[m], label=g) for g, m in groups.items() if m.any()}
    table = attrition(genealogy, freq, member=leader).to_frame()
    return LeaderDeparture(leader, when, int(down.size), int(groups["downline"].sum()),
                           curves, table, tuple(float(t) for t in at))

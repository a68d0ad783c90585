"""Synthetic sponsor trees for demos, tests and benchmarks.

The generator grows a company month by month: members join at an accelerating pace, each
recruited by an active member chosen by preferential attachment, and members drop out
at a constant monthly hazard. Ranks follow downline size and volume is lognormal. The
recruiting loop lives in :mod:`downline.genealogy._kernels`.
"""

from __future__ import annotations

import numpy as np

from downline.errors import ParameterError
from downline.genealogy import _kernels
from downline.genealogy.tree import Genealogy

__all__ = ["RANKS", "generate_genealogy"]

RANKS = (
    (0, "Distributor"),
    (3, "Bronze"),
    (10, "Silver"),
    (50, "Gold"),
    (250, "Platinum"),
    (1000, "Diamond"),
)
"""Rank ladder of generated trees: (smallest downline size, rank name)."""

_DAYS_PER_MONTH = 30.4375
_NEVER = np.iinfo(np.int64).max


def generate_genealogy(
    n: int,
    *,
    seed: int | np.random.Generator,
    start: str = "2024-01-01",
    periods: int = 24,
    attrition_rate: float = 0.04,
    roots: int = 1,
    growth: float = 3.0,
    volume_median: float = 120.0,
    volume_sigma: float = 0.9,
) -> Genealogy:
    """A realistic synthetic genealogy of ``n`` members.

    Parameters
    ----------
    n : int
        Number of members (at least ``roots``).
    seed : int or numpy.random.Generator
        The same seed gives the same tree.
    start : str
        Date the company starts (``YYYY-MM-DD``); the roots join that day.
    periods : int
        Length of the history in months; every join and departure falls inside it.
    attrition_rate : float
        Monthly probability that an active member leaves, in [0, 1). Roots never leave.
    roots : int
        Number of founders (roots of the forest).
    growth : float
        Acceleration of recruiting: the join rate at the end of the history is about
        ``exp(growth)`` times the rate at the start (0 for a steady pace).
    volume_median, volume_sigma : float
        Personal volume of active members is lognormal with this median and log-scale
        standard deviation; members who left have volume 0.

    Returns
    -------
    Genealogy
        Member ids are the ints ``1 .. n`` in join order.

    Notes
    -----
    Recruiting is preferential attachment (Barabási and Albert 1999) restricted to
    active members: a new member's sponsor is drawn among members active on the join
    date with probability proportional to their recruits so far plus one. Departures
    follow an exponential lifetime with a monthly hazard of ``attrition_rate``. Ranks
    follow :data:`RANKS` by total downline size.

    Examples
    --------
    >>> gen = generate_genealogy(1000, seed=7)
    >>> len(gen), len(gen.roots)
    (1000, 1)
    >>> bool((generate_genealogy(1000, seed=7).parent == gen.parent).all())
    True
    """
    _check(n, periods, attrition_rate, roots, growth, volume_median, volume_sigma)
    rng = np.random.default_rng(seed)
    try:
        first = np.datetime64(start, "D")
    except ValueError as exc:
        raise ParameterError(f"not a date: {start!r}; expected YYYY-MM-DD", field="start") from exc
    end = (first.astype("datetime64[M]") + periods).astype("datetime64[D]")
    end += first - first.astype("datetime64[M]").astype("datetime64[D]")
    span = int((end - first).astype(np.int64))

    u = rng.random(n - roots)
    if growth > 0:
        fraction = np.log1p(u * np.expm1(growth)) / growth
    else:
        fraction = u
    days = np.concatenate((np.zeros(roots), np.sort(np.floor(fraction * span))))
    joined = days.astype(np.int64)

    hazard = -np.log1p(-attrition_rate) / _DAYS_PER_MONTH if attrition_rate > 0 else 0.0
    left = np.full(n, _NEVER, dtype=np.int64)
    if hazard > 0:
        life = np.ceil(rng.exponential(1.0 / hazard, size=n)).astype(np.int64)
        leave_day = joined + np.maximum(life, 1)
        leaves = (leave_day < span) & (np.arange(n) >= roots)
        left[leaves] = leave_day[leaves]

    parent = _kernels.grow_tree(joined, left, roots, rng.random(n))

    ids = np.arange(1, n + 1, dtype=np.int64)
    joined_at = first + joined.astype("timedelta64[D]")
    left_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    gone = left != _NEVER
    left_at[gone] = first + left[gone].astype("timedelta64[D]")
    volume = np.round(rng.lognormal(np.log(volume_median), volume_sigma, size=n), 2)
    volume[gone] = 0.0

    gen = Genealogy._from_arrays(ids, parent, joined_at, left_at, None, volume)
    thresholds = np.array([t for t, _ in RANKS])
    names = np.array([name for _, name in RANKS], dtype=object)
    rank = names[np.searchsorted(thresholds, gen.subtree_size - 1, side="right") - 1]
    return gen._replace(rank=rank)


def _check(
    n: int,
    periods: int,
    attrition_rate: float,
    roots: int,
    growth: float,
    volume_median: float,
    volume_sigma: float,
) -> None:
    if int(roots) < 1:
        raise ParameterError(f"roots must be at least 1, got {roots}", field="roots")
    if int(n) < roots:
        raise ParameterError(f"n must be at least roots ({roots}), got {n}", field="n")
    if int(periods) < 1:
        raise ParameterError(f"periods must be at least 1, got {periods}", field="periods")
    if not 0.0 <= attrition_rate < 1.0:
        raise ParameterError(
            f"attrition_rate must be in [0, 1), got {attrition_rate}", field="attrition_rate"
        )
    if growth < 0:
        raise ParameterError(f"growth must be >= 0, got {growth}", field="growth")
    if volume_median <= 0 or volume_sigma < 0:
        raise ParameterError(
            "volume_median must be > 0 and volume_sigma >= 0", field="volume_median"
        )

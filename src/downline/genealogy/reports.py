"""The reports a direct-selling company runs on its genealogy.

Downline size and depth, members per level, frontline and legs with leg balance, active
and left members at a date, recruits per period, attrition per period and per level, and
volume rolled up the tree. Each report works for one member (their downline, the member
excluded) or for the whole company (``member=None``).

For the whole company the company itself plays the sponsor above the roots: the roots
are level 1 and the frontline, and each root's tree is a leg. For a member, level 1 is
their frontline, level 2 their recruits' recruits, and so on.

Every per-member report reads the member's downline as one contiguous slice of the
tree's pre-order, so it costs time in proportion to the size of that downline.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from downline.common.limits import check_periods
from downline.errors import ParameterError
from downline.genealogy import _kernels
from downline.genealogy.tree import Genealogy, _plain

__all__ = [
    "AttritionByLevel",
    "AttritionByPeriod",
    "DownlineReport",
    "Leg",
    "LevelCount",
    "RecruitCounts",
    "VolumeRollup",
    "attrition",
    "data_end",
    "depth",
    "downline_depth",
    "downline_report",
    "downline_size",
    "recruits_per_period",
    "rollup_volume",
]

_FREQS = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y", "A": "Y"}


# -- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Leg:
    """One leg: a frontline member and everyone below them.

    ``size`` counts the leg's members, its root included; ``active`` counts those active
    at the report date.
    """

    root: Any
    size: int
    active: int

    def to_dict(self) -> dict[str, Any]:
        """The leg as a plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class LevelCount:
    """Members on one level of a downline (level 1 is the frontline)."""

    level: int
    members: int
    active: int
    left: int

    def to_dict(self) -> dict[str, Any]:
        """The level as a plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class DownlineReport:
    """The downline of one member (or of the whole company) at a date.

    Attributes
    ----------
    member : id or None
        The member reported on; None for the whole company.
    at : str
        The date (``YYYY-MM-DD``) that ``active``, ``left`` and ``not_joined`` refer to.
    size : int
        Members in the downline, the member excluded (whole company: every member),
        whether active or not.
    depth : int
        Number of levels in the downline (0 when it is empty).
    levels : tuple of LevelCount
        Members, active and left per level, level 1 first.
    active, left, not_joined : int
        Downline members active at ``at`` (joined on or before it and not left on or
        before it), who left on or before ``at``, and who join after ``at``.
    frontline : tuple
        Ids of the frontline in input order (whole company: the roots).
    legs : tuple of Leg
        One leg per frontline member, largest first (ties in frontline order).
    largest_leg_share : float
        Size of the largest leg divided by the downline size; 1.0 with a single leg,
        ``1 / len(legs)`` for perfectly even legs, NaN without legs.
    largest_to_rest : float
        Size of the largest leg divided by the summed size of all other legs (the "power
        leg" ratio); inf with a single leg, NaN without legs. A balanced two-leg
        downline scores 1.0.
    volume : float
        The member's own volume (whole company: the total volume).
    group_volume : float
        The member's own volume plus the volume of their whole downline.
    """

    member: Any
    at: str
    size: int
    depth: int
    levels: tuple[LevelCount, ...]
    active: int
    left: int
    not_joined: int
    frontline: tuple[Any, ...]
    legs: tuple[Leg, ...]
    largest_leg_share: float
    largest_to_rest: float
    volume: float
    group_volume: float

    def to_dict(self) -> dict[str, Any]:
        """The report as plain Python values (levels and legs as lists of dicts)."""
        out = asdict(self)
        out["frontline"] = list(self.frontline)
        out["levels"] = [lv.to_dict() for lv in self.levels]
        out["legs"] = [leg.to_dict() for leg in self.legs]
        return out

    def to_frame(self) -> pd.DataFrame:
        """Members, active and left per level, one row per level."""
        return pd.DataFrame(
            [lv.to_dict() for lv in self.levels], columns=["level", "members", "active", "left"]
        )

    def legs_frame(self) -> pd.DataFrame:
        """One row per leg: its root, size and active members, largest first."""
        rows = [leg.to_dict() for leg in self.legs]
        return pd.DataFrame(rows, columns=["root", "size", "active"])


@dataclass(frozen=True)
class RecruitCounts:
    """New members joining a downline per period.

    ``periods`` are pandas period labels (``2024-03`` for months) from the first join in
    the downline up to the last date in the genealogy, without gaps.
    """

    member: Any
    freq: str
    periods: tuple[str, ...]
    recruits: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """The counts as plain Python values."""
        return {
            "member": self.member,
            "freq": self.freq,
            "periods": list(self.periods),
            "recruits": list(self.recruits),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per period: ``period``, ``recruits``."""
        return pd.DataFrame({"period": list(self.periods), "recruits": list(self.recruits)})


@dataclass(frozen=True)
class AttritionByPeriod:
    """Members leaving a downline per period.

    For each period: ``active_start`` members who joined before the period started and had
    not left by then, ``joined`` and ``left`` during the period, ``active_end`` after it,
    and ``rate = left / active_start`` (NaN when nobody was active at the start). Members
    who join and leave within one period count in ``left`` but not in ``active_start``,
    so the rate can exceed 1 in a period of fast churn.
    """

    member: Any
    freq: str
    periods: tuple[str, ...]
    active_start: tuple[int, ...]
    joined: tuple[int, ...]
    left: tuple[int, ...]
    active_end: tuple[int, ...]
    rate: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """The table as plain Python values, one list per column."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per period."""
        cols = ("active_start", "joined", "left", "active_end", "rate")
        data = {"period": list(self.periods)} | {c: list(getattr(self, c)) for c in cols}
        return pd.DataFrame(data)


@dataclass(frozen=True)
class AttritionByLevel:
    """Members who left a downline, per level, by a date.

    For each level: ``members`` who joined on or before ``at``, ``left`` on or before
    ``at``, and ``rate = left / members`` (NaN on a level with no members yet).
    """

    member: Any
    at: str
    levels: tuple[int, ...]
    members: tuple[int, ...]
    left: tuple[int, ...]
    rate: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """The table as plain Python values, one list per column."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def to_frame(self) -> pd.DataFrame:
        """One row per level."""
        return pd.DataFrame(
            {
                "level": list(self.levels),
                "members": list(self.members),
                "left": list(self.left),
                "rate": list(self.rate),
            }
        )


@dataclass(frozen=True, eq=False)
class VolumeRollup:
    """Each member's own volume and group volume (own plus whole downline).

    Arrays are in the genealogy's member order, aligned with ``ids``.
    """

    ids: np.ndarray
    own: np.ndarray
    group: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        """The roll-up as lists."""
        return {"ids": self.ids.tolist(), "own": self.own.tolist(), "group": self.group.tolist()}

    def to_frame(self) -> pd.DataFrame:
        """One row per member: ``member_id``, ``own``, ``group``."""
        return pd.DataFrame({"member_id": self.ids, "own": self.own, "group": self.group})


# -- helpers ---------------------------------------------------------------------------


def data_end(gen: Genealogy) -> np.datetime64:
    """The last date in the genealogy: the latest ``joined_at`` or ``left_at``.

    Reports use it when no date is given, so that they do not depend on today's date.

    Examples
    --------
    >>> from downline.genealogy import generate_genealogy
    >>> gen = generate_genealogy(100, seed=3, start="2024-01-01", periods=6)
    >>> str(data_end(gen)) <= "2024-07-01"
    True
    """
    last = gen.joined_at.max()
    left = gen.left_at[~np.isnat(gen.left_at)]
    if left.size:
        last = max(last, left.max())
    return np.datetime64(last, "D")


def _as_date(at: Any, gen: Genealogy) -> np.datetime64:
    if at is None:
        return data_end(gen)
    try:
        value = pd.Timestamp(at)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"not a date: {at!r}; expected YYYY-MM-DD", field="at") from exc
    if pd.isna(value):
        raise ParameterError(f"not a date: {at!r}; expected YYYY-MM-DD", field="at")
    return np.datetime64(value.date(), "D")


def _freq(freq: str) -> str:
    key = str(freq).strip().upper()
    if key not in _FREQS:
        raise ParameterError(
            f"unknown period {freq!r}; expected one of D, W, M, Q, Y", field="freq"
        )
    return _FREQS[key]


def _scope(gen: Genealogy, member: Hashable | None) -> tuple[int | None, np.ndarray, int]:
    """The member's dense index, their downline (pre-order) and its offset in ``order``."""
    if member is None:
        return None, gen.order, 0
    i = gen.index_of(member)
    start = int(gen.tin[i]) + 1
    return i, gen.order[start : start + int(gen.subtree_size[i]) - 1], start


def _levels(gen: Genealogy, i: int | None, scope: np.ndarray) -> np.ndarray:
    """Level of each downline member: 1 for the frontline."""
    if i is None:
        return gen.depth[scope] + 1
    return gen.depth[scope] - gen.depth[i]


def _frontline(gen: Genealogy, i: int | None) -> np.ndarray:
    if i is None:
        return gen.root_index
    return gen.children[gen.child_offsets[i] : gen.child_offsets[i + 1]]


def _periods(dates: np.ndarray, freq: str) -> np.ndarray:
    """Period ordinals of ``dates`` (int64); NaT stays NaT's ordinal, masked by callers."""
    index = pd.DatetimeIndex(dates.astype("datetime64[s]"))
    return index.to_period(freq).asi8


def _check_span(first: int, last: int, freq: str, field: str = "joined_at") -> None:
    """Refuse a report of more periods than ``max_periods`` (naming the far date)."""
    if last - first + 1 > 0:
        cause = f"{pd.Period(ordinal=first, freq=freq)} .. {pd.Period(ordinal=last, freq=freq)}"
        check_periods(last - first + 1, cause=cause, field=field)


def _labels(first: int, last: int, freq: str) -> tuple[str, ...]:
    if last < first:
        return ()
    start = pd.Period(ordinal=first, freq=freq)
    return tuple(str(p) for p in pd.period_range(start, periods=last - first + 1))


# -- reports ---------------------------------------------------------------------------


def downline_size(gen: Genealogy, member: Hashable | None = None) -> int | np.ndarray:
    """Number of members below ``member`` (the member excluded), active or not.

    Parameters
    ----------
    gen : Genealogy
    member : id, optional
        A member id. Without it, an int64 array with every member's downline size, in
        member order.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": [1, 2, 3, 4], "sponsor_id": [None, 1, 1, 2],
    ...     "joined_at": ["2024-01-01"] * 4}))
    >>> downline_size(gen, 1), downline_size(gen).tolist()
    (3, [3, 1, 0, 0])
    """
    if member is None:
        return gen.subtree_size.astype(np.int64) - 1
    return int(gen.subtree_size[gen.index_of(member)]) - 1


def downline_depth(gen: Genealogy, member: Hashable | None = None) -> int | np.ndarray:
    """Number of levels below ``member`` (0 for someone who recruited nobody).

    Without ``member``, an int64 array for every member.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": [1, 2, 3, 4], "sponsor_id": [None, 1, 1, 2],
    ...     "joined_at": ["2024-01-01"] * 4}))
    >>> downline_depth(gen, 1), downline_depth(gen, 3)
    (2, 0)
    """
    if member is None:
        return gen.height.astype(np.int64)
    return int(gen.height[gen.index_of(member)])


def depth(gen: Genealogy, member: Hashable | None = None) -> int | np.ndarray:
    """Level of ``member`` below their root (0 for a root).

    Without ``member``, an int64 array for every member.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": [1, 2, 3, 4], "sponsor_id": [None, 1, 1, 2],
    ...     "joined_at": ["2024-01-01"] * 4}))
    >>> depth(gen, 4), depth(gen).tolist()
    (2, [0, 1, 1, 2])
    """
    if member is None:
        return gen.depth.astype(np.int64)
    return int(gen.depth[gen.index_of(member)])


def downline_report(
    gen: Genealogy, member: Hashable | None = None, at: Any = None
) -> DownlineReport:
    """Size, depth, levels, frontline, legs and activity of a downline at a date.

    Parameters
    ----------
    gen : Genealogy
    member : id, optional
        The member whose downline to report; the whole company when omitted.
    at : date-like, optional
        The date for active/left counts; by default the last date in the genealogy
        (:func:`data_end`).

    Returns
    -------
    DownlineReport

    Raises
    ------
    GenealogyError
        ``member`` is not in the genealogy.
    ParameterError
        ``at`` is not a date.

    Notes
    -----
    Leg balance is given two ways (see :class:`DownlineReport`): the share of the
    downline in the largest leg, and the ratio of the largest leg to all other legs.
    Both count members regardless of activity.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": ["a", "b", "c", "d"], "sponsor_id": [None, "a", "a", "b"],
    ...     "joined_at": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-02-01"],
    ...     "left_at": [None, None, "2024-03-01", None]}))
    >>> r = downline_report(gen, "a", at="2024-06-30")
    >>> r.size, r.depth, [lv.members for lv in r.levels], r.active, r.left
    (3, 2, [2, 1], 2, 1)
    >>> [(leg.root, leg.size) for leg in r.legs], r.largest_to_rest
    ([('b', 2), ('c', 1)], 2.0)
    """
    when = _as_date(at, gen)
    i, scope, base = _scope(gen, member)
    joined = gen.joined_at[scope]
    left_at = gen.left_at[scope]
    has_left = ~np.isnat(left_at) & (left_at <= when)
    has_joined = joined <= when
    active = has_joined & ~has_left
    levels = _levels(gen, i, scope)
    n_levels = int(levels.max()) if levels.size else 0
    per_level = np.bincount(levels, minlength=n_levels + 1)[1:]
    active_level = np.bincount(levels, weights=active, minlength=n_levels + 1)[1:]
    left_level = np.bincount(levels, weights=has_left, minlength=n_levels + 1)[1:]
    level_rows = tuple(
        LevelCount(k + 1, int(per_level[k]), int(active_level[k]), int(left_level[k]))
        for k in range(n_levels)
    )

    front = _frontline(gen, i)
    cum_active = np.concatenate(([0], np.cumsum(active, dtype=np.int64)))
    starts = gen.tin[front].astype(np.int64) - base
    sizes = gen.subtree_size[front].astype(np.int64)
    leg_active = cum_active[starts + sizes] - cum_active[starts]
    by_size = np.argsort(-sizes, kind="stable")
    legs = tuple(
        Leg(_plain(gen.ids[front[k]]), int(sizes[k]), int(leg_active[k])) for k in by_size
    )
    total = int(scope.shape[0])
    if sizes.size:
        largest = int(sizes.max())
        share = largest / total
        rest = total - largest
        to_rest = largest / rest if rest else float("inf")
    else:
        share = to_rest = float("nan")

    if i is None:
        own = float(gen.volume.sum())
        group = own
    else:
        own = float(gen.volume[i])
        group = own + float(gen.volume[scope].sum())
    return DownlineReport(
        member=None if i is None else _plain(gen.ids[i]),
        at=str(when),
        size=total,
        depth=n_levels,
        levels=level_rows,
        active=int(active.sum()),
        left=int(has_left.sum()),
        not_joined=int((~has_joined).sum()),
        frontline=tuple(_plain(v) for v in gen.ids[front]),
        legs=legs,
        largest_leg_share=float(share),
        largest_to_rest=float(to_rest),
        volume=own,
        group_volume=group,
    )


def recruits_per_period(
    gen: Genealogy, freq: str = "M", member: Hashable | None = None
) -> RecruitCounts:
    """New members per period in a downline (or the whole company).

    Parameters
    ----------
    gen : Genealogy
    freq : {"D", "W", "M", "Q", "Y"}
        Period length: day, week (Monday to Sunday), month, quarter, year.
    member : id, optional
        Count the member's downline only (the member excluded).

    Returns
    -------
    RecruitCounts
        One count per period from the first join in the downline to the last date in
        the genealogy, zero-filled.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": [1, 2, 3, 4], "sponsor_id": [None, 1, 1, 2],
    ...     "joined_at": ["2024-01-05", "2024-01-20", "2024-03-02", "2024-03-09"]}))
    >>> r = recruits_per_period(gen, "M", member=1)
    >>> r.periods, r.recruits
    (('2024-01', '2024-02', '2024-03'), (1, 0, 2))
    """
    code = _freq(freq)
    i, scope, _ = _scope(gen, member)
    member_id = None if i is None else _plain(gen.ids[i])
    if scope.size == 0:
        return RecruitCounts(member_id, code, (), ())
    ordinals = _periods(gen.joined_at[scope], code)
    first = int(ordinals.min())
    last = max(int(_periods(np.array([data_end(gen)]), code)[0]), int(ordinals.max()))
    _check_span(first, last, code)
    counts = np.bincount(ordinals - first, minlength=last - first + 1)
    return RecruitCounts(
        member_id, code, _labels(first, last, code), tuple(int(c) for c in counts)
    )


def attrition(
    gen: Genealogy,
    freq: str = "M",
    by: Literal["period", "level"] = "period",
    member: Hashable | None = None,
    at: Any = None,
) -> AttritionByPeriod | AttritionByLevel:
    """Who left a downline: per period, or per level.

    Parameters
    ----------
    gen : Genealogy
    freq : {"D", "W", "M", "Q", "Y"}
        Period length for ``by="period"``.
    by : {"period", "level"}
        ``"period"``: active at start, joined, left, active at end and the attrition rate
        ``left during the period / active at its start`` for every period from the first
        join to the last date in the genealogy. ``"level"``: members, left and the rate
        ``left / members`` per level, counted at date ``at``.
    member : id, optional
        Report on the member's downline only (the member excluded).
    at : date-like, optional
        For ``by="level"``: the date to count at; by default the last date in the
        genealogy.

    Returns
    -------
    AttritionByPeriod or AttritionByLevel

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": [1, 2, 3, 4], "sponsor_id": [None, 1, 1, 2],
    ...     "joined_at": ["2024-01-05", "2024-01-20", "2024-01-25", "2024-02-09"],
    ...     "left_at": [None, "2024-02-15", None, None]}))
    >>> a = attrition(gen, "M")
    >>> a.periods, a.active_start, a.left, a.rate
    (('2024-01', '2024-02'), (0, 3), (0, 1), (nan, 0.3333333333333333))
    >>> attrition(gen, by="level", member=1).rate
    (0.5, 0.0)
    """
    if by == "level":
        return _attrition_by_level(gen, member, at)
    if by != "period":
        raise ParameterError(f"unknown by={by!r}; expected 'period' or 'level'", field="by")
    code = _freq(freq)
    i, scope, _ = _scope(gen, member)
    member_id = None if i is None else _plain(gen.ids[i])
    if scope.size == 0:
        return AttritionByPeriod(member_id, code, (), (), (), (), (), ())
    join_p = _periods(gen.joined_at[scope], code)
    left_dates = gen.left_at[scope]
    gone = ~np.isnat(left_dates)
    left_p = _periods(left_dates[gone], code)
    first = int(join_p.min())
    last = max(int(_periods(np.array([data_end(gen)]), code)[0]), int(join_p.max()))
    if left_p.size:
        last = max(last, int(left_p.max()))
    _check_span(first, last, code, "left_at" if left_p.size and last == int(left_p.max())
                else "joined_at")
    width = last - first + 1
    joined = np.bincount(join_p - first, minlength=width)
    left = np.bincount(left_p - first, minlength=width)
    before = np.concatenate(([0], np.cumsum(joined - left)[:-1]))
    active_end = before + joined - left
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(before > 0, left / np.maximum(before, 1), np.nan)
    return AttritionByPeriod(
        member=member_id,
        freq=code,
        periods=_labels(first, last, code),
        active_start=tuple(int(v) for v in before),
        joined=tuple(int(v) for v in joined),
        left=tuple(int(v) for v in left),
        active_end=tuple(int(v) for v in active_end),
        rate=tuple(float(v) for v in rate),
    )


def _attrition_by_level(gen: Genealogy, member: Hashable | None, at: Any) -> AttritionByLevel:
    when = _as_date(at, gen)
    i, scope, _ = _scope(gen, member)
    member_id = None if i is None else _plain(gen.ids[i])
    levels = _levels(gen, i, scope)
    n_levels = int(levels.max()) if levels.size else 0
    joined = gen.joined_at[scope] <= when
    left_at = gen.left_at[scope]
    has_left = ~np.isnat(left_at) & (left_at <= when)
    members = np.bincount(levels, weights=joined, minlength=n_levels + 1)[1:].astype(np.int64)
    left = np.bincount(levels, weights=has_left, minlength=n_levels + 1)[1:].astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(members > 0, left / np.maximum(members, 1), np.nan)
    return AttritionByLevel(
        member=member_id,
        at=str(when),
        levels=tuple(range(1, n_levels + 1)),
        members=tuple(int(v) for v in members),
        left=tuple(int(v) for v in left),
        rate=tuple(float(v) for v in rate),
    )


def rollup_volume(gen: Genealogy) -> VolumeRollup:
    """Each member's group volume: their own volume plus that of their whole downline.

    Examples
    --------
    >>> import pandas as pd
    >>> from downline.genealogy import Genealogy
    >>> gen = Genealogy.from_frame(pd.DataFrame({
    ...     "member_id": [1, 2, 3, 4], "sponsor_id": [None, 1, 1, 2],
    ...     "joined_at": ["2024-01-01"] * 4, "volume": [10.0, 20.0, 5.0, 1.5]}))
    >>> rollup_volume(gen).group.tolist()
    [36.5, 21.5, 5.0, 1.5]
    """
    group = _kernels.subtree_sum(gen.order, gen.parent, gen.volume)
    group.flags.writeable = False
    return VolumeRollup(ids=gen.ids, own=gen.volume, group=group)

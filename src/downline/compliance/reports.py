"""Reports tied to the tree: where violations come from, and how approved content spreads.

:func:`compliance_report` counts violations (cases not dismissed) per member, leg, level,
rank and joining cohort, as rates per 100 posts with Wilson 95% intervals; lists repeat
offenders; ranks the leaders whose downlines produce the most violations (each violation
counts once for every upline of its poster, with the level distance); and gives time to
resolution and a weekly trend. :func:`share_report` does the same for shares of library
items. All of it is computed on whole arrays through the tree's pre-order
(:mod:`downline.compliance.tree`); nothing walks the tree post by post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from downline.compliance.library import library_items, share_diff
from downline.compliance.tree import (
    downline_counts,
    leg_index,
    member_index,
    wilson,
)
from downline.errors import ComplianceError
from downline.genealogy import RANKS, Genealogy
from downline.store import ComplianceLedger, Workspace

__all__ = ["ComplianceReport", "GroupRate", "ShareReport", "compliance_report", "share_report"]


@dataclass(frozen=True)
class GroupRate:
    """Violations in one group of posts (a leg, a level, a rank, a cohort, a member)."""

    group: str
    posts: int
    violations: int
    members: int
    rate_per_100: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        """The group as a plain dict."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ComplianceReport:
    """Violations of one company's posts, tied to its tree.

    Attributes
    ----------
    genealogy : str
    posts, violations, dismissed : int
        Stored posts, cases not dismissed, dismissed cases.
    company : GroupRate
        The whole company's rate, the yardstick of every group.
    by_leg, by_level, by_rank, by_cohort : tuple of GroupRate
        Legs ranked by the lower end of their interval (the legs surely worst first);
        levels, ranks and cohorts in their natural order.
    by_member : tuple of GroupRate
        The ``top`` members with the most violations.
    repeat_offenders : tuple of dict
        Members with at least two violations: count, first and last post, highest offence
        number, leg, sponsor.
    leaders : tuple of dict
        The ``top`` members by violations in their downline (their own excluded):
        violations, posts and rate in the downline with interval, mean level distance and
        violations per distance (1 = frontline).
    resolution : dict
        Resolved cases and hours to resolution (median, 90th percentile, mean), cases
        still active, dismissed.
    weekly : tuple of dict
        ``week`` (its Monday), posts, violations, rate per 100.
    level : float
        Confidence level of the intervals.
    """

    genealogy: str
    posts: int
    violations: int
    dismissed: int
    company: GroupRate
    by_leg: tuple[GroupRate, ...]
    by_level: tuple[GroupRate, ...]
    by_rank: tuple[GroupRate, ...]
    by_cohort: tuple[GroupRate, ...]
    by_member: tuple[GroupRate, ...]
    repeat_offenders: tuple[dict[str, Any], ...]
    leaders: tuple[dict[str, Any], ...]
    resolution: dict[str, Any]
    weekly: tuple[dict[str, Any], ...]
    level: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        """The report as plain values."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, GroupRate):
                out[key] = value.to_dict()
            elif isinstance(value, tuple):
                out[key] = [v.to_dict() if isinstance(v, GroupRate) else dict(v) for v in value]
            else:
                out[key] = value
        return out


def _groups(keys: np.ndarray, v: np.ndarray, member: np.ndarray, level: float
            ) -> list[GroupRate]:
    frame = pd.DataFrame({"k": keys, "v": v, "m": member})
    agg = frame.groupby("k", sort=False).agg(posts=("v", "size"), violations=("v", "sum"),
                                             members=("m", "nunique"))
    low, high = wilson(agg["violations"].to_numpy(), agg["posts"].to_numpy(), level=level)
    return [GroupRate(str(k), int(p), int(x), int(m), round(100.0 * float(x) / p, 3),
                      round(100.0 * float(lo), 3), round(100.0 * float(hi), 3))
            for k, p, x, m, lo, hi in zip(agg.index, agg["posts"], agg["violations"],
                                          agg["members"], low, high, strict=True)]


def _label(gen: Genealogy, i: np.ndarray) -> np.ndarray:
    return np.asarray([str(x) for x in gen.ids[i].tolist()], dtype=object)


def _violations(posts: pd.DataFrame, cases: pd.DataFrame) -> tuple[np.ndarray, int]:
    if cases.empty:
        return np.zeros(len(posts), dtype=np.int64), 0
    confirmed = cases.loc[cases["state"] != "dismissed", "post_id"]
    dismissed = int((cases["state"] == "dismissed").sum())
    return posts["post_id"].isin(set(confirmed)).to_numpy().astype(np.int64), dismissed


def compliance_report(
    ws: Workspace, genealogy: str, gen: Genealogy, *, top: int = 20, min_posts: int = 1,
    cohort: str = "Q", level: float = 0.95,
) -> ComplianceReport:
    """Violations of ``genealogy``'s stored posts per member, leg, level, rank and cohort.

    Parameters
    ----------
    ws : Workspace
    genealogy : str
    gen : Genealogy
        The company's tree (as stored).
    top : int
        How many members and leaders to list.
    min_posts : int
        Legs with fewer posts are left out of ``by_leg``.
    cohort : str
        Joining cohorts by ``"M"`` (month), ``"Q"`` (quarter) or ``"Y"`` (year).
    level : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    ComplianceReport

    Examples
    --------
    See ``docs/compliance.md``.
    """
    if cohort not in ("M", "Q", "Y"):
        raise ComplianceError("cohort must be M, Q or Y", field="cohort")
    if not 0 < level < 1:
        raise ComplianceError("level must be in (0, 1)", field="level")
    ledger = ComplianceLedger(ws)
    posts = ledger.posts(genealogy)
    cases = ledger.cases(genealogy)
    return build_report(genealogy, gen, posts, cases, top=top, min_posts=min_posts,
                        cohort=cohort, level=level)


def build_report(
    genealogy: str, gen: Genealogy, posts: pd.DataFrame, cases: pd.DataFrame, *,
    top: int = 20, min_posts: int = 1, cohort: str = "Q", level: float = 0.95,
) -> ComplianceReport:
    """:func:`compliance_report` on tables already read (posts and cases as the ledger
    gives them)."""
    if posts.empty:
        empty = GroupRate("company", 0, 0, 0, float("nan"), float("nan"), float("nan"))
        return ComplianceReport(genealogy, 0, 0, 0, empty, (), (), (), (), (), (), (),
                                {"resolved": 0}, (), level)
    idx = member_index(gen, posts["member_id"].tolist())
    known = idx >= 0
    posts, idx = posts[known].reset_index(drop=True), idx[known]
    v, dismissed = _violations(posts, cases)
    member_ids = _label(gen, idx)
    company = _groups(np.full(len(posts), "company", dtype=object), v, idx, level)[0]

    legs = leg_index(gen, idx)
    by_leg = [g for g in _groups(_label(gen, legs), v, idx, level) if g.posts >= min_posts]
    by_leg.sort(key=lambda g: (-g.low, -g.rate_per_100, g.group))
    by_level = sorted(_groups(gen.depth[idx] + 1, v, idx, level), key=lambda g: int(g.group))
    ranks = (np.full(len(posts), "none", dtype=object) if gen.rank is None
             else np.asarray([r if isinstance(r, str) else "none" for r in gen.rank[idx]],
                             dtype=object))
    by_rank = _groups(ranks, v, idx, level)
    order = {name: i for i, (_, name) in enumerate(RANKS)}
    by_rank.sort(key=lambda g: order.get(g.group, 99))
    joined = pd.PeriodIndex(pd.DatetimeIndex(gen.joined_at[idx]), freq=cohort).astype(str)
    by_cohort = sorted(_groups(np.asarray(joined, dtype=object), v, idx, level),
                       key=lambda g: g.group)
    members = _groups(member_ids, v, idx, level)
    members.sort(key=lambda g: (-g.violations, -g.rate_per_100, g.group))
    by_member = tuple(g for g in members[:top] if g.violations > 0)

    repeat = _repeat_offenders(gen, cases, posts, idx, v)
    leaders = _leaders(gen, idx, v, top, level)
    resolution = _resolution(cases)
    week = posts["posted_at"].dt.to_period("W-SUN").dt.start_time
    weekly_frame = pd.DataFrame({"week": week, "v": v}).groupby("week").agg(
        posts=("v", "size"), violations=("v", "sum"))
    weekly = tuple({"week": w.date().isoformat(), "posts": int(p), "violations": int(x),
                    "rate_per_100": round(100.0 * x / p, 3)}
                   for w, p, x in zip(weekly_frame.index, weekly_frame["posts"],
                                      weekly_frame["violations"], strict=True))
    return ComplianceReport(
        genealogy=genealogy, posts=len(posts), violations=int(v.sum()), dismissed=dismissed,
        company=company, by_leg=tuple(by_leg), by_level=tuple(by_level),
        by_rank=tuple(by_rank), by_cohort=tuple(by_cohort), by_member=by_member,
        repeat_offenders=repeat, leaders=leaders, resolution=resolution, weekly=weekly,
        level=level)


def _repeat_offenders(gen: Genealogy, cases: pd.DataFrame, posts: pd.DataFrame,
                      idx: np.ndarray, v: np.ndarray) -> tuple[dict[str, Any], ...]:
    if cases.empty:
        return ()
    live = cases[cases["state"] != "dismissed"]
    agg = live.groupby("member_id").agg(violations=("case_id", "size"),
                                        first=("opened_at", "min"), last=("opened_at", "max"),
                                        max_offence=("offence", "max"))
    agg = agg[agg["violations"] >= 2].sort_values(["violations", "last"], ascending=False)
    if agg.empty:
        return ()
    who = member_index(gen, agg.index.tolist())
    ok = who >= 0
    legs = np.full(who.size, -1)
    legs[ok] = leg_index(gen, who[ok])
    sponsor = np.where(ok, gen.parent[np.where(ok, who, 0)], -1)
    post_counts = pd.Series(v, index=posts["member_id"]).groupby(level=0).size()
    out = []
    for k, (member, row) in enumerate(agg.iterrows()):
        out.append({
            "member_id": str(member), "violations": int(row["violations"]),
            "posts": int(post_counts.get(member, 0)),
            "first": pd.Timestamp(row["first"]).isoformat(),
            "last": pd.Timestamp(row["last"]).isoformat(),
            "max_offence": int(row["max_offence"]),
            "leg": None if legs[k] < 0 else str(gen.ids[legs[k]]),
            "sponsor": None if sponsor[k] < 0 else str(gen.ids[sponsor[k]]),
            "rank": None if gen.rank is None or who[k] < 0 else gen.rank[who[k]],
        })
    return tuple(out)


def _leaders(gen: Genealogy, idx: np.ndarray, v: np.ndarray, top: int, level: float
             ) -> tuple[dict[str, Any], ...]:
    down_v = downline_counts(gen, idx, v.astype(np.float64))
    down_p = downline_counts(gen, idx)
    if not down_v.any():
        return ()
    chosen = np.argsort(-down_v, kind="stable")[:top]
    chosen = chosen[down_v[chosen] > 0]
    bad = idx[v > 0]
    _, ups, dist = gen.upline_pairs(bad)
    dist_sum = np.bincount(ups, weights=dist, minlength=gen.n)
    in_top = np.isin(ups, chosen)
    hist = pd.DataFrame({"u": ups[in_top], "d": dist[in_top]}).value_counts().sort_index()
    low, high = wilson(down_v[chosen], down_p[chosen], level=level)
    out = []
    for k, i in enumerate(chosen.tolist()):
        per = hist.loc[i] if i in hist.index.get_level_values(0) else pd.Series(dtype=int)
        out.append({
            "member_id": str(gen.ids[i]), "downline_violations": int(down_v[i]),
            "downline_posts": int(down_p[i]),
            "rate_per_100": round(100.0 * float(down_v[i] / down_p[i]), 3),
            "low": round(100.0 * float(low[k]), 3), "high": round(100.0 * float(high[k]), 3),
            "downline_size": int(gen.subtree_size[i]) - 1,
            "mean_distance": round(float(dist_sum[i] / down_v[i]), 3),
            "by_distance": {str(int(d)): int(c) for d, c in per.items()},
            "rank": None if gen.rank is None else gen.rank[i],
        })
    return tuple(out)


def _resolution(cases: pd.DataFrame) -> dict[str, Any]:
    if cases.empty:
        return {"resolved": 0, "dismissed": 0, "active": 0}
    done = cases[cases["state"] == "resolved"]
    hours = ((pd.to_datetime(done["state_since"]) - pd.to_datetime(done["opened_at"]))
             .dt.total_seconds() / 3600.0).to_numpy()
    out: dict[str, Any] = {
        "resolved": len(done),
        "dismissed": int((cases["state"] == "dismissed").sum()),
        "active": int((~cases["state"].isin(["resolved", "dismissed"])).sum()),
        "escalated_now": int((cases["state"] == "escalated").sum()),
    }
    if hours.size:
        out.update(median_hours=round(float(np.median(hours)), 2),
                   p90_hours=round(float(np.percentile(hours, 90)), 2),
                   mean_hours=round(float(hours.mean()), 2))
    return out


@dataclass(frozen=True)
class ShareReport:
    """How approved content spreads through the downline.

    Attributes
    ----------
    items : tuple of dict
        Per library item: shares, edited shares, edited shares flagged, members who
        shared, legs reached.
    by_leg, by_level : tuple of dict
        Shares (and sharing members) per leg and per level.
    reach : tuple of dict
        Per item and week: shares that week and members reached so far (cumulative
        distinct sharers).
    edits : tuple of dict
        The latest edited shares with their word diff against the approved text.
    """

    genealogy: str
    shares: int
    items: tuple[dict[str, Any], ...]
    by_leg: tuple[dict[str, Any], ...]
    by_level: tuple[dict[str, Any], ...]
    reach: tuple[dict[str, Any], ...]
    edits: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain values."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def share_report(ws: Workspace, genealogy: str, gen: Genealogy, *, edits: int = 20
                 ) -> ShareReport:
    """Shares of ``genealogy``'s library items per item, leg, level and week.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    ledger = ComplianceLedger(ws)
    posts = ledger.posts(genealogy)
    items = library_items(ws, genealogy)
    if posts.empty or not items:
        return ShareReport(genealogy, 0, tuple({**it.to_dict(), "edited": 0, "members": 0,
                                                 "legs": 0} for it in items), (), (), (), ())
    shared = posts[posts["library_item"].notna()].reset_index(drop=True)
    idx = member_index(gen, shared["member_id"].tolist())
    ok = idx >= 0
    shared, idx = shared[ok].reset_index(drop=True), idx[ok]
    legs = _label(gen, leg_index(gen, idx))
    shared["leg"] = legs
    shared["level"] = gen.depth[idx] + 1
    text_of = {it.item_id: it.text for it in items}
    rows = []
    for it in items:
        part = shared[shared["library_item"] == it.item_id]
        edited = part[part["edited"] == True]  # noqa: E712
        rows.append({**it.to_dict(), "edited": len(edited),
                     "edited_flagged": int(edited["violation"].sum()),
                     "members": int(part["member_id"].nunique()),
                     "legs": int(part["leg"].nunique())})
    by_leg = shared.groupby("leg").agg(shares=("post_id", "size"),
                                       members=("member_id", "nunique"))
    by_leg = by_leg.sort_values("shares", ascending=False)
    by_level = shared.groupby("level").agg(shares=("post_id", "size"),
                                           members=("member_id", "nunique"))
    shared["week"] = shared["posted_at"].dt.to_period("W-SUN").dt.start_time
    reach = []
    for item_id, part in shared.sort_values("posted_at").groupby("library_item"):
        first_seen = part.drop_duplicates("member_id")
        weekly = part.groupby("week").size()
        new = first_seen.groupby("week").size().reindex(weekly.index, fill_value=0).cumsum()
        reach += [{"item_id": item_id, "week": w.date().isoformat(), "shares": int(s),
                   "members_reached": int(m)} for w, s, m in zip(weekly.index, weekly, new,
                                                                 strict=True)]
    latest = shared[shared["edited"] == True].sort_values("posted_at").tail(edits)  # noqa: E712
    edit_rows = tuple({
        "post_id": r.post_id, "member_id": r.member_id, "item_id": r.library_item,
        "similarity": round(float(r.similarity), 1), "violation": bool(r.violation),
        "rule_ids": r.rule_ids, "diff": share_diff(text_of[r.library_item], r.text)}
        for r in latest[::-1].itertuples(index=False))
    return ShareReport(
        genealogy, len(shared), tuple(rows),
        tuple({"leg": k, "shares": int(r.shares), "members": int(r.members)}
              for k, r in by_leg.iterrows()),
        tuple({"level": int(k), "shares": int(r.shares), "members": int(r.members)}
              for k, r in by_level.iterrows()),
        tuple(reach), edit_rows)

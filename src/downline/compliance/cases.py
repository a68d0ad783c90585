"""Cases: from a flagged post to its takedown, with deadlines and upline escalation.

Each flagged post opens a case. A case moves through a small state machine::

    open -> notified -> escalated -> resolved
      \\________\\___________\\______-> dismissed

``resolved`` (the post was taken down or fixed) and ``dismissed`` (a reviewer found no
violation: a label kept for refitting the screen) are final. Every action is a row of the
workspace's append-only audit trail; a case's state is the state its latest row left it
in, so nothing is ever overwritten. The company's deadline rules are a :class:`Policy`:
by default the member is notified at once, the case goes to the sponsor when it is not
resolved within 48 hours, and a second offence within 90 days goes at once to the next
qualified upline (the nearest upline holding at least the qualifying rank).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from downline.compliance.tree import leg_index, member_index, qualified_upline
from downline.errors import CaseStateError, ComplianceError, StoreError
from downline.genealogy import RANKS, Genealogy
from downline.store import ComplianceLedger, Workspace

__all__ = [
    "ACTIONS",
    "FINAL_STATES",
    "STATES",
    "CaseQueue",
    "Policy",
    "act",
    "act_many",
    "advance",
    "case_queue",
    "next_state",
]

STATES = ("open", "notified", "escalated", "resolved", "dismissed")
FINAL_STATES = ("resolved", "dismissed")
ACTIONS = {
    "notify": (("open",), "notified"),
    "escalate": (("open", "notified", "escalated"), "escalated"),
    "resolve": (("open", "notified", "escalated"), "resolved"),
    "dismiss": (("open", "notified", "escalated"), "dismissed"),
}
"""Action -> (states it is allowed from, state it leads to)."""


@dataclass(frozen=True)
class Policy:
    """A company's deadline rules.

    Parameters
    ----------
    notify_at_once : bool
        Notify the member when the case opens (else :func:`advance` notifies after
        ``notify_after_hours``).
    notify_after_hours : float
        Hours from opening to the notice when not at once.
    escalate_after_hours : float
        Hours after the notice before an unresolved case goes to the sponsor.
    repeat_window_days : float
        A member's earlier cases (not dismissed) within this many days before a post
        count towards its offence number.
    repeat_offence : int
        The offence number from which a case goes at once to the next qualified upline.
    qualified_rank : str or None
        Lowest rank of a qualified upline (None: the sponsor).
    rank_order : tuple of str
        Ranks from lowest to highest (default the generator's ladder).
    resolve_within_hours : float
        Hours after an escalation before the case is overdue.

    Examples
    --------
    >>> Policy().escalate_after_hours
    48.0
    """

    notify_at_once: bool = True
    notify_after_hours: float = 0.0
    escalate_after_hours: float = 48.0
    repeat_window_days: float = 90.0
    repeat_offence: int = 2
    qualified_rank: str | None = "Silver"
    rank_order: tuple[str, ...] = field(default_factory=lambda: tuple(n for _, n in RANKS))
    resolve_within_hours: float = 168.0

    def __post_init__(self) -> None:
        for name in ("notify_after_hours", "escalate_after_hours", "repeat_window_days",
                     "resolve_within_hours"):
            if not getattr(self, name) >= 0:
                raise ComplianceError(f"{name} must be >= 0", field=name)
        if int(self.repeat_offence) < 2:
            raise ComplianceError("repeat_offence must be at least 2", field="repeat_offence")

    def to_dict(self) -> dict[str, Any]:
        """The policy as a plain dict."""
        return asdict(self)


def next_state(state: str, action: str, case_id: int | None = None) -> str:
    """The state ``action`` leads to from ``state``.

    Raises
    ------
    downline.errors.CaseStateError
        The action is unknown or not allowed from ``state`` (resolving twice, say).

    Examples
    --------
    >>> next_state("notified", "escalate")
    'escalated'
    >>> try:
    ...     next_state("resolved", "resolve", 7)
    ... except CaseStateError as exc:
    ...     print(exc.message)
    case 7 is already resolved; a resolved case cannot be resolved again
    """
    if action not in ACTIONS:
        raise CaseStateError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}",
                             field="action")
    allowed, target = ACTIONS[action]
    if state not in allowed:
        which = "this case" if case_id is None else f"case {case_id}"
        if state in FINAL_STATES:
            raise CaseStateError(f"{which} is already {state}; a {state} case cannot be "
                                 f"{target} again" if target == state else
                                 f"{which} is already {state}; it cannot be {target}",
                                 field="action")
        raise CaseStateError(f"{which} is {state}; '{action}' is allowed only from "
                             f"{' or '.join(allowed)}", field="action")
    return target


def _now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(UTC).replace(tzinfo=None))


def _id(gen: Genealogy, i: int) -> str | None:
    return None if i < 0 else str(gen.ids[i].item() if hasattr(gen.ids[i], "item")
                                   else gen.ids[i])


def opening_events(
    gen: Genealogy, cases: pd.DataFrame, policy: Policy, actor: str = "system",
) -> list[dict[str, Any]]:
    """Audit events that open new cases (``case_id, member_id, opened_at, offence,
    rule_ids`` per row): open, the notice when at once, and the escalation of a repeat
    offence to the next qualified upline."""
    if cases.empty:
        return []
    idx = member_index(gen, cases["member_id"].tolist())
    sponsor = gen.parent[idx].astype(np.int64)
    upline = qualified_upline(gen, idx, policy.rank_order, policy.qualified_rank)
    events: list[dict[str, Any]] = []
    for k, row in enumerate(cases.itertuples(index=False)):
        at = pd.Timestamp(row.opened_at)
        case = int(row.case_id)
        events.append({"at": at, "actor": actor, "action": "open", "case_id": case,
                       "from_state": None, "to_state": "open", "notified": [],
                       "note": f"post {row.post_id} flagged: {row.rule_ids}",
                       "detail": {"offence": int(row.offence)}})
        state = "open"
        if policy.notify_at_once:
            events.append({"at": at, "actor": actor, "action": "notify", "case_id": case,
                           "from_state": "open", "to_state": "notified",
                           "notified": [str(row.member_id)], "note": "notice to the member",
                           "detail": {}})
            state = "notified"
        if int(row.offence) >= policy.repeat_offence:
            who = [w for w in (_id(gen, int(sponsor[k])), _id(gen, int(upline[k]))) if w]
            who = list(dict.fromkeys(who))
            events.append({"at": at, "actor": actor, "action": "escalate", "case_id": case,
                           "from_state": state, "to_state": "escalated", "notified": who,
                           "note": f"offence {int(row.offence)} within "
                                   f"{policy.repeat_window_days:g} days: to the sponsor and "
                                   "the next qualified upline",
                           "detail": {"rule": "repeat", "qualified_upline": _id(
                               gen, int(upline[k]))}})
    return events


def offence_numbers(member: np.ndarray, posted: np.ndarray, prior_member: np.ndarray,
                    prior_posted: np.ndarray, window_days: float) -> np.ndarray:
    """For each new case, 1 + the member's cases (earlier stored ones and earlier new
    ones) posted within ``window_days`` before it."""
    all_member = np.concatenate([prior_member.astype(object), member.astype(object)])
    all_posted = np.concatenate([prior_posted.astype("datetime64[us]"),
                                 posted.astype("datetime64[us]")])
    is_new = np.concatenate([np.zeros(prior_member.size, bool), np.ones(member.size, bool)])
    frame = pd.DataFrame({"m": all_member, "t": all_posted, "new": is_new,
                          "pos": np.arange(is_new.size)})
    frame = frame.sort_values(["m", "t", "pos"], kind="stable")
    window = np.timedelta64(int(window_days * 86400 * 1e6), "us")
    out = np.zeros(is_new.size, dtype=np.int64)
    for _, group in frame.groupby("m", sort=False):
        t = group["t"].to_numpy()
        lo = np.searchsorted(t, t - window, side="left")
        out[group["pos"].to_numpy()] = np.arange(t.size) - lo + 1
    return out[is_new]


def _history(ledger: ComplianceLedger, genealogy: str, case_id: int) -> dict[str, Any]:
    try:
        return ledger.case(genealogy, case_id)
    except StoreError as exc:
        raise ComplianceError(f"no case {case_id} for {genealogy!r}", field="case_id") from exc


def act(
    ws: Workspace, genealogy: str, case_id: int, action: str, *, actor: str,
    at: Any = None, note: str | None = None, notified: list[str] | None = None,
) -> dict[str, Any]:
    """Take ``action`` (notify, escalate, resolve, dismiss) on a case.

    The action is checked against the state machine, then appended to the audit trail.

    Parameters
    ----------
    ws : Workspace
    genealogy : str
    case_id : int
    action : str
        ``notify``, ``escalate``, ``resolve`` or ``dismiss`` (a dismissal is kept as a
        reviewer's label).
    actor : str
        Who acts (a reviewer's name).
    at : datetime-like, optional
        When (default now, UTC); not before the case's latest action.
    note : str, optional
    notified : list of str, optional
        Member ids told of the action.

    Returns
    -------
    dict
        ``case_id``, ``from_state``, ``state``, ``at``, ``seq`` (audit row).

    Raises
    ------
    downline.errors.CaseStateError
        The action is not allowed in the case's state.
    downline.errors.ComplianceError
        Unknown case, no actor, or a time before the case's latest action.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    if not actor or not str(actor).strip():
        raise ComplianceError("actor is required", field="actor")
    ledger = ComplianceLedger(ws)
    case = _history(ledger, genealogy, int(case_id))
    target = next_state(case["state"], action, int(case_id))
    when = _now() if at is None else pd.Timestamp(at)
    last = pd.Timestamp(case["history"]["acted_at"].iloc[-1])
    if when < last:
        raise ComplianceError(f"{when} is before the case's latest action ({last})",
                              field="at")
    seq = ledger.append(genealogy, [{
        "at": when, "actor": str(actor), "action": action, "case_id": int(case_id),
        "from_state": case["state"], "to_state": target, "notified": list(notified or []),
        "note": note, "detail": {}}])
    return {"case_id": int(case_id), "from_state": case["state"], "state": target,
            "at": when.isoformat(), "seq": seq}


def act_many(ws: Workspace, genealogy: str, actions: list[dict[str, Any]]) -> list[str]:
    """Take many actions at once (each a dict of :func:`act`'s arguments: ``case_id,
    action, actor`` and optionally ``at, note, notified``), in the order given.

    Every action is checked against the state machine (cases' states as stored, then as
    the earlier actions of the list leave them) before anything is written; one
    disallowed action stores none of them. Returns the resulting states.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    ledger = ComplianceLedger(ws)
    frame = ledger.cases(genealogy)
    state = dict(zip(frame["case_id"].astype(int), frame["state"], strict=True)) \
        if not frame.empty else {}
    since = dict(zip(frame["case_id"].astype(int), pd.to_datetime(frame["state_since"]),
                     strict=True)) if not frame.empty else {}
    events, out = [], []
    for k, a in enumerate(actions):
        case = int(a["case_id"])
        if case not in state:
            raise ComplianceError(f"action {k + 1}: no case {case} for {genealogy!r}",
                                  field="case_id")
        if not a.get("actor"):
            raise ComplianceError(f"action {k + 1}: actor is required", field="actor")
        target = next_state(state[case], a["action"], case)
        when = _now() if a.get("at") is None else pd.Timestamp(a["at"])
        if when < since[case]:
            raise ComplianceError(f"action {k + 1}: {when} is before case {case}'s latest "
                                  f"action ({since[case]})", field="at")
        events.append({"at": when, "actor": str(a["actor"]), "action": a["action"],
                       "case_id": case, "from_state": state[case], "to_state": target,
                       "notified": list(a.get("notified") or []), "note": a.get("note"),
                       "detail": dict(a.get("detail") or {})})
        state[case], since[case] = target, when
        out.append(target)
    if events:
        ledger.append(genealogy, events)
    return out


def _notified(text: Any) -> list[str]:
    if not isinstance(text, str):
        return []
    out: list[str] = []
    for part in text.split(";"):
        out.extend(json.loads(part) if part else [])
    return list(dict.fromkeys(out))


def _due(frame: pd.DataFrame, policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    state = frame["state"].to_numpy()
    since = pd.to_datetime(frame["state_since"]).to_numpy()
    hours = np.select(
        [state == "open", state == "notified", state == "escalated"],
        [policy.notify_after_hours, policy.escalate_after_hours, policy.resolve_within_hours],
        default=np.nan)
    due = since + (np.nan_to_num(hours) * 3600e6).astype("timedelta64[us]")
    due = np.where(np.isnan(hours), np.datetime64("NaT"), due).astype("datetime64[us]")
    what = np.select([state == "open", state == "notified", state == "escalated"],
                     ["notify", "escalate", "resolve"], default="")
    return due, what


def advance(
    ws: Workspace, genealogy: str, gen: Genealogy, *, now: Any = None,
    policy: Policy | None = None, actor: str = "system",
) -> dict[str, Any]:
    """Apply the deadline rules at ``now``: notify open cases whose notice is due, and
    escalate to the sponsor the notified cases not resolved in time.

    Returns
    -------
    dict
        ``notified`` and ``escalated``: the case ids acted on.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    policy = policy or Policy()
    when = _now() if now is None else pd.Timestamp(now)
    ledger = ComplianceLedger(ws)
    frame = ledger.cases(genealogy)
    if frame.empty:
        return {"notified": [], "escalated": [], "at": when.isoformat()}
    due, what = _due(frame, policy)
    ready = ~np.isnat(due) & (due <= np.datetime64(when.to_datetime64(), "us"))
    events: list[dict[str, Any]] = []
    notified_ids: list[int] = []
    escalated_ids: list[int] = []
    case_ids = frame["case_id"].to_numpy()
    members = frame["member_id"].to_numpy()
    pick = np.flatnonzero(ready & (what == "notify"))
    for k in pick:
        events.append({"at": when, "actor": actor, "action": "notify",
                       "case_id": int(case_ids[k]), "from_state": "open",
                       "to_state": "notified", "notified": [str(members[k])],
                       "note": "notice to the member", "detail": {"due_at": str(due[k])}})
        notified_ids.append(int(case_ids[k]))
    pick = np.flatnonzero(ready & (what == "escalate"))
    if pick.size:
        idx = member_index(gen, members[pick].tolist())
        sponsor = gen.parent[np.where(idx >= 0, idx, 0)]
        for j, k in enumerate(pick):
            who = [] if idx[j] < 0 or sponsor[j] < 0 else [_id(gen, int(sponsor[j]))]
            events.append({"at": when, "actor": actor, "action": "escalate",
                           "case_id": int(case_ids[k]), "from_state": "notified",
                           "to_state": "escalated", "notified": who,
                           "note": f"not resolved {policy.escalate_after_hours:g} h after "
                                   "the notice: to the sponsor",
                           "detail": {"rule": "deadline", "due_at": str(due[k])}})
            escalated_ids.append(int(case_ids[k]))
    if events:
        ledger.append(genealogy, events)
    return {"notified": notified_ids, "escalated": escalated_ids, "at": when.isoformat()}


@dataclass(frozen=True)
class CaseQueue:
    """Cases with their deadlines, filtered.

    Attributes
    ----------
    cases : tuple of dict
        ``case_id, post_id, member_id, leg, level, rank, opened_at, offence, rule_ids,
        state, state_since, notified, due_action, due_at, overdue``, newest first.
    counts : dict
        Cases per state (before the filters), and ``overdue``.
    now : str
    """

    cases: tuple[dict[str, Any], ...]
    counts: dict[str, int]
    now: str
    total: int

    def to_dict(self) -> dict[str, Any]:
        """The queue as plain values."""
        return {"now": self.now, "counts": dict(self.counts), "total": self.total,
                "cases": [dict(c) for c in self.cases]}


def case_queue(
    ws: Workspace, genealogy: str, gen: Genealogy, *, state: str | None = None,
    member: str | None = None, leg: str | None = None, overdue: bool | None = None,
    now: Any = None, policy: Policy | None = None, limit: int = 500,
) -> CaseQueue:
    """The case queue of ``genealogy``: state, deadlines and place in the tree.

    Parameters
    ----------
    state : str, optional
        Only cases in this state (``active`` for open, notified or escalated).
    member, leg : str, optional
        Only this member's cases, or the cases of this leg (a frontline member's id).
    overdue : bool, optional
        Only overdue (True) or on-time (False) cases.
    now : datetime-like, optional
        The time deadlines are measured at (default now, UTC).
    limit : int
        At most this many cases (newest first); ``total`` counts all that match.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    policy = policy or Policy()
    if state is not None and state not in (*STATES, "active"):
        raise ComplianceError(f"state must be one of {', '.join(STATES)} or active",
                              field="state")
    when = _now() if now is None else pd.Timestamp(now)
    frame = ComplianceLedger(ws).cases(genealogy)
    if frame.empty:
        return CaseQueue((), {s: 0 for s in (*STATES, "overdue")}, when.isoformat(), 0)
    due, what = _due(frame, policy)
    frame["due_action"] = what
    frame["due_at"] = due
    frame["overdue"] = ~np.isnat(due) & (due < np.datetime64(when.to_datetime64(), "us"))
    idx = member_index(gen, frame["member_id"].tolist())
    ok = idx >= 0
    legs = np.full(len(frame), -1)
    legs[ok] = leg_index(gen, idx[ok])
    frame["leg"] = [_id(gen, int(i)) for i in legs]
    frame["level"] = np.where(ok, gen.depth[np.where(ok, idx, 0)] + 1, -1)
    frame["rank"] = (None if gen.rank is None else
                     [gen.rank[i] if i >= 0 else None for i in idx])
    counts = {s: int((frame["state"] == s).sum()) for s in STATES}
    counts["overdue"] = int(frame["overdue"].sum())
    keep = np.ones(len(frame), bool)
    if state == "active":
        keep &= ~frame["state"].isin(FINAL_STATES).to_numpy()
    elif state is not None:
        keep &= (frame["state"] == state).to_numpy()
    if member is not None:
        keep &= (frame["member_id"] == str(member)).to_numpy()
    if leg is not None:
        keep &= (frame["leg"] == str(leg)).to_numpy()
    if overdue is not None:
        keep &= frame["overdue"].to_numpy() == bool(overdue)
    chosen = frame[keep].sort_values(["opened_at", "case_id"], ascending=False)
    rows = []
    for r in chosen.head(int(limit)).itertuples(index=False):
        rows.append({
            "case_id": int(r.case_id), "post_id": r.post_id, "member_id": r.member_id,
            "leg": r.leg, "level": int(r.level), "rank": r.rank,
            "opened_at": pd.Timestamp(r.opened_at).isoformat(), "offence": int(r.offence),
            "rule_ids": r.rule_ids, "state": r.state,
            "state_since": pd.Timestamp(r.state_since).isoformat(),
            "notified": _notified(r.notified), "due_action": r.due_action or None,
            "due_at": None if pd.isna(r.due_at) else pd.Timestamp(r.due_at).isoformat(),
            "overdue": bool(r.overdue), "last_actor": r.last_actor,
        })
    return CaseQueue(tuple(rows), counts, when.isoformat(), int(keep.sum()))

"""The case state machine and the deadline rules on hand-made timelines."""

from __future__ import annotations

import pandas as pd
import pytest

from downline.compliance import (
    Policy,
    act,
    act_many,
    advance,
    case_queue,
    ingest_posts,
    load_genealogy,
    next_state,
)
from downline.errors import CaseStateError, ComplianceError
from downline.store import ComplianceLedger

from .conftest import BAD, GOOD, posts


def _case(ws, case_id: int) -> dict:
    return ComplianceLedger(ws).case("acme", case_id)


def test_first_offence_notice_then_sponsor_after_48_hours(ws) -> None:
    out = ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01 10:00", BAD),
                                          ("p0", "5", "2025-01-01 09:00", GOOD)]), model=False)
    assert out.stored == 2 and out.flagged == 1 and out.escalated_at_once == 0
    case = _case(ws, 1)
    assert case["post_id"] == "p1" and case["offence"] == 1
    assert case["state"] == "notified"
    history = case["history"]
    assert history["action"].tolist() == ["open", "notify"]
    assert history["notified"].tolist()[-1] == '["6"]'
    # evidence: the post text and the screen's result as they were
    assert case["evidence"]["post"]["text"] == BAD
    assert "INC-1" in {f["rule_id"] for f in case["evidence"]["screening"]["flags"]}

    gen = load_genealogy(ws, "acme")
    assert advance(ws, "acme", gen, now="2025-01-03 09:59")["escalated"] == []
    queue = case_queue(ws, "acme", gen, now="2025-01-03 09:59")
    (row,) = queue.cases
    assert row["due_action"] == "escalate" and row["due_at"] == "2025-01-03T10:00:00"
    assert not row["overdue"] and row["leg"] == "2" and row["level"] == 4
    assert advance(ws, "acme", gen, now="2025-01-03 10:30")["escalated"] == [1]
    case = _case(ws, 1)
    assert case["state"] == "escalated"
    assert case["history"]["notified"].tolist()[-1] == '["4"]'  # the sponsor
    # already escalated: a second advance does nothing more
    assert advance(ws, "acme", gen, now="2025-01-04 10:30")["escalated"] == []

    act(ws, "acme", 1, "resolve", actor="rita", at="2025-01-04 12:00", note="taken down")
    rows = len(ComplianceLedger(ws).audit("acme"))
    with pytest.raises(CaseStateError, match="already resolved; a resolved case cannot be "
                                             "resolved again"):
        act(ws, "acme", 1, "resolve", actor="rita", at="2025-01-05")
    with pytest.raises(CaseStateError, match="already resolved"):
        act(ws, "acme", 1, "dismiss", actor="rita", at="2025-01-05")
    assert len(ComplianceLedger(ws).audit("acme")) == rows
    assert _case(ws, 1)["state"] == "resolved"
    assert ComplianceLedger(ws).verify_audit("acme")["ok"]


def test_repeat_offence_goes_to_the_qualified_upline_and_dismissals_do_not_count(ws) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01 10:00", BAD)]), model=False)
    act(ws, "acme", 1, "resolve", actor="rita", at="2025-01-02")
    # second offence within 90 days: escalated at once, to the sponsor (4, Bronze) and
    # the next qualified upline (2, Silver: the nearest holding the qualifying rank)
    out = ingest_posts(ws, "acme", posts([("p2", "6", "2025-02-15 08:00", BAD)]), model=False)
    assert out.escalated_at_once == 1
    case = _case(ws, 2)
    assert case["offence"] == 2 and case["state"] == "escalated"
    assert case["history"]["notified"].tolist()[-1] == '["4", "2"]'
    # a reviewer dismisses it: a label, kept
    act(ws, "acme", 2, "dismiss", actor="rita", at="2025-02-16", note="a joke, not a claim")
    assert _case(ws, 2)["state"] == "dismissed"
    # the next post counts case 1 only (case 2 was dismissed)
    ingest_posts(ws, "acme", posts([("p3", "6", "2025-03-01 08:00", BAD)]), model=False)
    assert _case(ws, 3)["offence"] == 2
    # more than 90 days after every earlier case: a first offence again
    ingest_posts(ws, "acme", posts([("p4", "6", "2025-07-01 08:00", BAD)]), model=False)
    case = _case(ws, 4)
    assert case["offence"] == 1 and case["state"] == "notified"
    # the dismissal is still in the trail, with its reviewer and note
    trail = ComplianceLedger(ws).audit("acme", case_id=2)
    assert trail["action"].tolist()[-1] == "dismiss"
    assert trail["note"].tolist()[-1] == "a joke, not a claim"


def test_repeat_offences_within_one_batch(ws) -> None:
    ingest_posts(ws, "acme", posts([("p2", "6", "2025-01-20", BAD), ("p1", "6", "2025-01-01", BAD),
                                    ("p3", "6", "2025-06-01", BAD)]), model=False)
    frame = ComplianceLedger(ws).cases("acme").set_index("post_id")
    assert frame.loc["p1", "offence"] == 1 and frame.loc["p2", "offence"] == 2
    assert frame.loc["p3", "offence"] == 1
    assert frame.loc["p2", "state"] == "escalated"


def test_policy_without_notice_at_once(ws) -> None:
    policy = Policy(notify_at_once=False, notify_after_hours=2, qualified_rank="Gold")
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01 10:00", BAD)]), model=False,
                 policy=policy)
    assert _case(ws, 1)["state"] == "open"
    gen = load_genealogy(ws, "acme")
    assert advance(ws, "acme", gen, now="2025-01-01 11:00", policy=policy)["notified"] == []
    assert advance(ws, "acme", gen, now="2025-01-01 12:00", policy=policy)["notified"] == [1]
    ingest_posts(ws, "acme", posts([("p2", "6", "2025-01-05", BAD)]), model=False,
                 policy=policy)
    # Gold is the qualifying rank now: member 1
    assert _case(ws, 2)["history"]["notified"].tolist()[-1] == '["4", "1"]'


def test_disallowed_and_bad_actions(ws) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01 10:00", BAD)]), model=False)
    with pytest.raises(CaseStateError, match="allowed only from open"):
        act(ws, "acme", 1, "notify", actor="rita")
    with pytest.raises(CaseStateError, match="unknown action"):
        act(ws, "acme", 1, "delete", actor="rita")
    with pytest.raises(ComplianceError, match="no case 9"):
        act(ws, "acme", 9, "resolve", actor="rita")
    with pytest.raises(ComplianceError, match="before the case's latest action"):
        act(ws, "acme", 1, "resolve", actor="rita", at="2024-12-31")
    with pytest.raises(ComplianceError, match="actor"):
        act(ws, "acme", 1, "resolve", actor=" ")
    # a list with one disallowed action stores none of them
    rows = len(ComplianceLedger(ws).audit("acme"))
    with pytest.raises(CaseStateError, match="case 1 is already resolved"):
        act_many(ws, "acme", [
            {"case_id": 1, "action": "resolve", "actor": "rita", "at": "2025-01-02"},
            {"case_id": 1, "action": "resolve", "actor": "rita", "at": "2025-01-03"}])
    assert len(ComplianceLedger(ws).audit("acme")) == rows
    assert _case(ws, 1)["state"] == "notified"


@pytest.mark.parametrize(("state", "action", "target"), [
    ("open", "notify", "notified"), ("open", "resolve", "resolved"),
    ("notified", "escalate", "escalated"), ("escalated", "escalate", "escalated"),
    ("escalated", "dismiss", "dismissed"), ("notified", "resolve", "resolved")])
def test_allowed_transitions(state: str, action: str, target: str) -> None:
    assert next_state(state, action) == target


@pytest.mark.parametrize("state", ["resolved", "dismissed"])
@pytest.mark.parametrize("action", ["notify", "escalate", "resolve", "dismiss"])
def test_final_states_stay_final(state: str, action: str) -> None:
    with pytest.raises(CaseStateError):
        next_state(state, action)


def test_queue_filters(ws) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01", BAD), ("p2", "5", "2025-01-02", BAD),
                                    ("p3", "4", "2025-01-03", BAD)]), model=False)
    act(ws, "acme", 2, "resolve", actor="rita", at="2025-01-02 05:00")
    gen = load_genealogy(ws, "acme")
    now = pd.Timestamp("2025-01-04 12:00")
    queue = case_queue(ws, "acme", gen, now=now)
    assert queue.counts["resolved"] == 1 and queue.counts["notified"] == 2
    assert queue.counts["overdue"] == 1  # p1: notified Jan 1, escalation due Jan 3
    assert [c["post_id"] for c in case_queue(ws, "acme", gen, leg="2", now=now).cases] == [
        "p3", "p1"]
    assert [c["post_id"] for c in case_queue(ws, "acme", gen, state="active",
                                             overdue=True, now=now).cases] == ["p1"]
    assert case_queue(ws, "acme", gen, member="5", now=now).cases[0]["state"] == "resolved"
    with pytest.raises(ComplianceError):
        case_queue(ws, "acme", gen, state="closed")

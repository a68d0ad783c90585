"""The audit trail: append-only, chained, and the API offers no way to rewrite it."""

from __future__ import annotations

import json

from downline.compliance import act, ingest_posts
from downline.store import ComplianceLedger

from .conftest import BAD, posts


def _trail(ws):
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01 10:00", BAD),
                                    ("p2", "5", "2025-01-02 10:00", BAD)]), model=False)
    act(ws, "acme", 1, "resolve", actor="rita", at="2025-01-02")
    act(ws, "acme", 2, "dismiss", actor="sam", at="2025-01-03", note="ok")
    return ComplianceLedger(ws)


def test_every_action_is_in_the_trail(ws) -> None:
    ledger = _trail(ws)
    trail = ledger.audit("acme")
    assert trail["seq"].tolist() == list(range(1, len(trail) + 1))
    assert trail["action"].tolist() == ["open", "notify", "open", "notify", "ingest",
                                        "resolve", "dismiss"]
    assert trail["actor"].tolist()[-2:] == ["rita", "sam"]
    assert json.loads(trail["detail"].iloc[4])["stored"] == 2
    assert ledger.verify_audit("acme") == {"ok": True, "rows": 7, "first_bad_seq": None}


def test_the_ledger_has_no_update_or_delete_path() -> None:
    names = [n for n in dir(ComplianceLedger) if not n.startswith("__")]
    assert not [n for n in names if any(w in n.lower() for w in
                                        ("update", "delete", "remove", "replace", "edit",
                                         "set", "drop", "truncate"))]


def test_tampering_by_hand_is_found(ws) -> None:
    ledger = _trail(ws)
    ws._con.execute("UPDATE compliance_audit SET actor = 'nobody' WHERE seq = 6")
    assert ledger.verify_audit("acme") == {"ok": False, "rows": 7, "first_bad_seq": 6}


def test_a_removed_row_is_found(ws) -> None:
    ledger = _trail(ws)
    ws._con.execute("DELETE FROM compliance_audit WHERE seq = 3")
    assert ledger.verify_audit("acme")["first_bad_seq"] == 4


def test_genealogies_have_separate_chains(ws) -> None:
    ledger = _trail(ws)
    ledger.append("other", [{"at": "2025-01-01", "actor": "x", "action": "note"}])
    assert ledger.verify_audit("other")["rows"] == 1
    assert ledger.verify_audit("acme")["ok"]

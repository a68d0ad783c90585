"""Ingesting posts: issues are reported, never silent, and a failed ingest stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from downline.compliance import approve, ingest_posts
from downline.errors import FormatError, StoreError
from downline.store import ComplianceLedger

from .conftest import BAD, GOOD, posts


def _counts(ws) -> tuple[int, int, int]:
    ledger = ComplianceLedger(ws)
    return len(ledger.posts("acme")), len(ledger.cases("acme")), len(ledger.audit("acme"))


def test_unknown_members_are_reported_not_dropped(ws) -> None:
    out = ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01", GOOD),
                                          ("p2", "99", "2025-01-01", BAD),
                                          ("p3", "98", "2025-01-02", GOOD)]), model=False)
    assert (out.read, out.stored, out.flagged) == (3, 1, 0)
    assert out.issue_counts == {"unknown_member": 2}
    issues = ComplianceLedger(ws).issues("acme")
    assert issues["post_id"].tolist() == ["p2", "p3"]
    assert issues["line"].tolist() == [2, 3] and set(issues["field"]) == {"member_id"}


def test_posts_already_stored_are_kept_as_first_stored(ws) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01", BAD)]), model=False)
    before = _counts(ws)
    out = ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01", GOOD),
                                          ("p2", "5", "2025-01-03", GOOD)]), model=False)
    assert out.stored == 1 and out.issue_counts == {"duplicate_post": 1}
    stored = ComplianceLedger(ws).posts("acme").set_index("post_id")
    assert stored.loc["p1", "text"] == BAD  # the first one stays
    assert _counts(ws)[1] == before[1]


def test_dates_out_of_order_and_outside_membership(ws) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-05-01", GOOD)]), model=False)
    out = ingest_posts(ws, "acme", posts([("p2", "6", "2025-04-01", GOOD),
                                          ("p3", "6", "2024-01-15", GOOD)]), model=False)
    assert out.stored == 2
    assert out.issue_counts == {"out_of_order": 2, "before_joining": 1}
    kinds = {(i["post_id"], i["kind"]) for i in out.issues}
    assert ("p3", "before_joining") in kinds and ("p2", "out_of_order") in kinds


def test_unknown_library_item_is_reported(ws) -> None:
    item = approve(ws, "acme", GOOD, approved_by="compliance")
    frame = posts([("p1", "6", "2025-01-01", GOOD + " ✨ #glow"),
                   ("p2", "5", "2025-01-02", "Happy Monday!")])
    frame["library_item"] = [item.item_id, "nope"]
    out = ingest_posts(ws, "acme", frame, model=False)
    assert out.issue_counts == {"unknown_library_item": 1}
    assert out.shares == 1 and out.edited_shares == 1
    stored = ComplianceLedger(ws).posts("acme").set_index("post_id")
    assert stored.loc["p1", "library_item"] == item.item_id
    assert bool(stored.loc["p1", "edited"])


def test_structural_fault_stores_nothing(ws, tmp_path: Path) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01", BAD)]), model=False)
    before = _counts(ws)
    path = tmp_path / "posts.csv"
    posts([("p2", "6", "2025-01-01", BAD), ("p3", "6", "yesterday", BAD)]).to_csv(path,
                                                                              index=False)
    with pytest.raises(FormatError) as err:
        ingest_posts(ws, "acme", path, model=False)
    assert err.value.line == 3 and err.value.field == "posted_at"
    assert _counts(ws) == before


def test_a_failure_while_storing_leaves_the_workspace_as_it_was(ws, monkeypatch) -> None:
    ingest_posts(ws, "acme", posts([("p1", "6", "2025-01-01", BAD)]), model=False)
    before = _counts(ws)

    def broken(self, con, genealogy, events):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ComplianceLedger, "_audit_rows", broken)
    with pytest.raises(RuntimeError):
        ingest_posts(ws, "acme", posts([("p2", "6", "2025-01-02", BAD)]), model=False)
    monkeypatch.undo()
    assert _counts(ws) == before


def test_unknown_genealogy(ws) -> None:
    with pytest.raises(StoreError, match="no genealogy"):
        ingest_posts(ws, "other", posts([("p1", "6", "2025-01-01", BAD)]), model=False)


def test_the_sample_never_replaces_a_real_genealogy(ws) -> None:
    from downline.compliance import load_sample

    with pytest.raises(StoreError, match="not a compliance sample"):
        load_sample(ws, "acme", n_members=100)
    assert len(ws.genealogy_frame("acme")) == 6

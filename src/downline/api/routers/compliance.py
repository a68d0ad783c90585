"""Compliance endpoints: ingest posts, the case queue and its actions, reports, library.

Every case action goes through the state machine of :mod:`downline.compliance` and is
appended to the audit trail; the trail can be read and verified here, never changed
(there is no PUT, PATCH or DELETE on any compliance resource).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from downline.api._settings import Settings
from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard, get_settings
from downline.api.routers._common import Name
from downline.api.uploads import display_name, read_upload
from downline.common.serialize import to_jsonable
from downline.compliance import (
    act,
    advance,
    approve,
    case_queue,
    compliance_report,
    ingest_posts,
    refit_screen,
    share_report,
)
from downline.errors import ComplianceError
from downline.store import ComplianceLedger

router = APIRouter(prefix="/api/compliance", tags=["compliance"])

Guard = Annotated[WorkspaceGuard, Depends(get_guard)]
Config = Annotated[Settings, Depends(get_settings)]
CaseId = Annotated[int, PathParam(ge=1, le=2**62, description="A case id", examples=[1])]
When = Annotated[str | None, Query(max_length=40, description="ISO time (default now, UTC)",
                                   examples=["2026-01-01T00:00:00"])]
_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")


class ActionRequest(BaseModel):
    """One action on a case."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"action": "resolve", "actor": "rita", "note": "post taken down"}]})

    action: Literal["notify", "escalate", "resolve", "dismiss"]
    actor: str = Field(min_length=1, max_length=100, description="Who acts")
    note: str | None = Field(None, max_length=2000)
    at: str | None = Field(None, max_length=40, description="ISO time (default now, UTC)")
    notified: list[str] = Field(default_factory=list, max_length=20,
                                description="Member ids told of the action")


class AdvanceRequest(BaseModel):
    """Apply the deadline rules at a time."""

    model_config = ConfigDict(extra="forbid")

    now: str | None = Field(None, max_length=40, description="ISO time (default now, UTC)")


class ApproveRequest(BaseModel):
    """A post to approve into the library (screened first)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "#ad Our new citrus body wash is here.", "approved_by": "compliance"}]})

    text: str = Field(min_length=1, max_length=5000)
    approved_by: str = Field(min_length=1, max_length=100)
    item_id: str | None = Field(None, max_length=32, description="Add a version to this item")
    title: str | None = Field(None, max_length=200)


def _genealogy(guard: WorkspaceGuard, name: str) -> Any:
    return guard.genealogy(name)


@router.get("", summary="Companies with posts in the workspace")
def programs(guard: Guard) -> list[dict[str, Any]]:
    """Each genealogy that has posts stored: posts, cases and the latest posting time."""
    with guard.open() as ws:
        frame = ComplianceLedger(ws).programs()
    return to_jsonable(frame.to_dict(orient="records"))


@router.post("/{name}/posts", status_code=201, summary="Ingest a posts table",
             responses={400: {"description": "Malformed file"},
                        413: {"description": "File too large"}})
def ingest(
    name: Name, guard: Guard, settings: Config,
    file: Annotated[UploadFile, File(description="Posts: .csv/.tsv/.jsonl (compressed too) "
                                     "or .parquet with post_id, member_id, platform, url, "
                                     "posted_at, text")],
    model: Annotated[bool, Query(description="Use the statistical layer")] = True,
) -> dict[str, Any]:
    """Screen every post, open a case for each flagged one, report issues (unknown
    members, duplicates, dates out of order, unreadable images), all or nothing."""
    shown = display_name(file.filename)
    bare = shown.lower()
    for ext in (".gz", ".bz2", ".xz", ".zst"):
        bare = bare.removesuffix(ext)
    if Path(bare).suffix not in _SUFFIXES:
        raise ComplianceError("posts tables must be .csv, .tsv, .jsonl or .parquet",
                              field="file")
    gen = _genealogy(guard, name)

    def run(path: Path) -> Any:
        with guard.open() as ws:
            return ingest_posts(ws, name, path, gen=gen, model=model, source_name=shown)

    result = read_upload(file, settings.upload_dir, settings.max_upload_bytes, run)
    return to_jsonable(result.to_dict())


@router.get("/{name}/cases", summary="The case queue")
def cases(
    name: Name, guard: Guard,
    state: Annotated[Literal["open", "notified", "escalated", "resolved", "dismissed",
                             "active"] | None, Query()] = None,
    member: Annotated[str | None, Query(max_length=200)] = None,
    leg: Annotated[str | None, Query(max_length=200)] = None,
    overdue: Annotated[bool | None, Query()] = None,
    now: When = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> dict[str, Any]:
    """Cases with their state, deadline (``due_action`` by ``due_at``), whether overdue,
    who was notified, and their place in the tree (leg, level, rank), newest first."""
    gen = _genealogy(guard, name)
    with guard.open() as ws:
        ws.genealogy_info(name)
        queue = case_queue(ws, name, gen, state=state, member=member or None,
                           leg=leg or None, overdue=overdue, now=now or None, limit=limit)
    return to_jsonable(queue.to_dict())


@router.get("/{name}/cases/{case_id}", summary="One case with its evidence and history")
def case(name: Name, case_id: CaseId, guard: Guard) -> dict[str, Any]:
    """The case, its evidence (the post and the screen's result as they were) and every
    audit row of it."""
    with guard.open() as ws:
        row = ComplianceLedger(ws).case(name, case_id)
    history = row.pop("history")
    for col in ("notified", "detail"):
        history[col] = history[col].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    row["history"] = history.drop(columns=["prev_hash"]).to_dict(orient="records")
    return to_jsonable(row)


@router.post("/{name}/cases/{case_id}/actions", status_code=201, summary="Act on a case",
             responses={422: {"description": "Action not allowed in the case's state"}})
def case_action(name: Name, case_id: CaseId, body: ActionRequest, guard: Guard
                ) -> dict[str, Any]:
    """Notify, escalate, resolve or dismiss; a disallowed action (resolving twice, say)
    is a 422 and changes nothing."""
    with guard.open() as ws:
        ws.genealogy_info(name)
        out = act(ws, name, case_id, body.action, actor=body.actor, at=body.at,
                  note=body.note, notified=body.notified)
    return to_jsonable(out)


@router.post("/{name}/advance", summary="Apply the deadline rules")
def advance_deadlines(name: Name, body: AdvanceRequest, guard: Guard) -> dict[str, Any]:
    """Notify open cases whose notice is due and escalate to the sponsor the cases not
    resolved in time."""
    gen = _genealogy(guard, name)
    with guard.open() as ws:
        return to_jsonable(advance(ws, name, gen, now=body.now))


@router.get("/{name}/report", summary="Violations tied to the tree")
def report(
    name: Name, guard: Guard,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
    min_posts: Annotated[int, Query(ge=1, le=100_000)] = 30,
    cohort: Annotated[Literal["M", "Q", "Y"], Query()] = "Q",
) -> dict[str, Any]:
    """Rates per 100 posts with Wilson 95% intervals per leg, level, rank and cohort;
    repeat offenders; leaders by violations in their downline; time to resolution;
    weekly trend."""
    gen = _genealogy(guard, name)
    with guard.open() as ws:
        result = compliance_report(ws, name, gen, top=top, min_posts=min_posts,
                                   cohort=cohort)
    return to_jsonable(result.to_dict())


@router.get("/{name}/library", summary="Approved library with share counts")
def library(name: Name, guard: Guard) -> dict[str, Any]:
    """Items (latest versions) with shares, edited shares, members and legs reached;
    shares per leg and level; reach per week; the latest edits as word diffs."""
    gen = _genealogy(guard, name)
    with guard.open() as ws:
        return to_jsonable(share_report(ws, name, gen).to_dict())


@router.post("/{name}/library", status_code=201, summary="Approve a post into the library",
             responses={422: {"description": "The screen flags the text"}})
def library_approve(name: Name, body: ApproveRequest, guard: Guard) -> dict[str, Any]:
    """Screen the text; when clean, store it as a new item or a new version."""
    with guard.open() as ws:
        ws.genealogy_info(name)
        item = approve(ws, name, body.text, approved_by=body.approved_by,
                       item_id=body.item_id, title=body.title)
    return to_jsonable(item.to_dict())


@router.get("/{name}/audit", summary="The audit trail (read only)")
def audit(
    name: Name, guard: Guard,
    case_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> dict[str, Any]:
    """The latest ``limit`` rows of the append-only trail (or one case's rows), each with
    its chained hash; ``verified`` recomputes the whole chain."""
    with guard.open() as ws:
        ledger = ComplianceLedger(ws)
        frame = ledger.audit(name, case_id=case_id)
        verified = ledger.verify_audit(name)
    frame = frame.tail(limit)
    for col in ("notified", "detail"):
        frame[col] = frame[col].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    return to_jsonable({"verified": verified, "rows": frame.to_dict(orient="records")})


@router.post("/{name}/refit", summary="Refit the screen on reviewed cases")
def refit(name: Name, guard: Guard,
          folds: Annotated[int, Query(ge=2, le=10)] = 5) -> dict[str, Any]:
    """A logistic regression on the screen's output and the post's words, fitted on the
    resolved (confirmed) and dismissed cases, measured by cross-validation against the
    screen's own risk. The figures are stored as a result."""
    with guard.open() as ws:
        result = refit_screen(ws, name, folds=folds)
    payload = to_jsonable(result.to_dict())
    payload["result_id"] = guard.save_result("compliance-refit", payload, subject=name,
                                             params={"folds": folds})
    return payload

"""Ingesting posts: validate against the tree, read images, screen, match shares, open cases.

:func:`ingest_posts` is the program's front door. One call is one *batch*, stored whole
or not at all: its posts with their screening summary, the issues found, the cases it
opens with their evidence, and their audit rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from downline.compliance.cases import Policy, offence_numbers, opening_events
from downline.compliance.library import SHARE_THRESHOLD, library_items, match_shares
from downline.compliance.ocr import image_text
from downline.compliance.posts import PostsTable, read_posts
from downline.compliance.tree import member_index
from downline.errors import ComplianceError
from downline.genealogy import Genealogy, read_genealogy
from downline.pitch import screen_many
from downline.store import ComplianceLedger, Workspace

__all__ = ["IngestResult", "ingest_posts", "load_genealogy"]

_ISSUES_SHOWN = 200


@dataclass(frozen=True)
class IngestResult:
    """What one ingest did.

    Attributes
    ----------
    genealogy : str
    batch : int
        Batch number (the posts, issues and cases it stored carry it).
    read, stored : int
        Posts in the table, and posts stored (the rest were skipped: see issues).
    flagged : int
        Stored posts the screen flagged; each opened a case.
    cases_opened, escalated_at_once : int
    shares, edited_shares : int
        Posts matched to a library item, and those that differ from the approved text.
    images_read : int
        Images whose text was read by OCR.
    issues : tuple of dict
        ``kind, file, line, field, post_id, member_id, message`` (the first 200; all are
        stored). Kinds: ``unknown_member``, ``duplicate_post``, ``before_joining``,
        ``after_leaving``, ``out_of_order``, ``unknown_library_item``, ``image``.
    issue_counts : dict
        Issues per kind.
    """

    genealogy: str
    batch: int
    read: int
    stored: int
    flagged: int
    cases_opened: int
    escalated_at_once: int
    shares: int
    edited_shares: int
    images_read: int
    issues: tuple[dict[str, Any], ...]
    issue_counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The result as plain values."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def load_genealogy(ws: Workspace, genealogy: str) -> Genealogy:
    """The stored genealogy ``genealogy`` as a :class:`~downline.genealogy.Genealogy`."""
    return read_genealogy(ws.genealogy_frame(genealogy))


def _issue(kind: str, message: str, path: str | None, line: Any = None, field: str | None = None,
           post_id: Any = None, member_id: Any = None) -> dict[str, Any]:
    return {"kind": kind, "file": None if path is None else Path(path).name,
            "line": None if line is None else int(line), "field": field,
            "post_id": None if post_id is None else str(post_id),
            "member_id": None if member_id is None else str(member_id), "message": message}


def _issues_for(frame: pd.DataFrame, mask: np.ndarray, kind: str, message: str,
                path: str | None, field: str) -> list[dict[str, Any]]:
    rows = frame[mask]
    return [_issue(kind, message, path, r.line, field, r.post_id, r.member_id)
            for r in rows.itertuples(index=False)]


def _read_images(table: PostsTable, frame: pd.DataFrame, ocr: bool, path: str | None
                 ) -> tuple[list[str], list[dict[str, Any]]]:
    texts = [""] * len(frame)
    issues: list[dict[str, Any]] = []
    for k, (img, line, pid, mid) in enumerate(zip(frame["image"], frame["line"],
                                                  frame["post_id"], frame["member_id"],
                                                  strict=True)):
        if not img:
            continue
        if not ocr:
            issues.append(_issue("image", "image not read (OCR turned off)", path, line,
                                 "image", pid, mid))
            continue
        file = Path(img)
        if not file.is_absolute() and table.base_dir is not None:
            file = table.base_dir / file
        try:
            texts[k] = image_text(file)
        except ComplianceError as exc:
            issues.append(_issue("image", f"{img}: {exc.message}; the caption alone was "
                                 "screened", path, line, "image", pid, mid))
    return texts, issues


def ingest_posts(
    ws: Workspace,
    genealogy: str,
    posts: str | PathLike[str] | pd.DataFrame | PostsTable,
    *,
    gen: Genealogy | None = None,
    policy: Policy | None = None,
    model: bool = True,
    ocr: bool = True,
    share_threshold: float | None = None,
    actor: str = "system",
    source_name: str | None = None,
) -> IngestResult:
    """Ingest a table of posts for the company ``genealogy``.

    Every post of a known member is screened (its caption, and the text OCR reads in its
    image, screened separately: either can flag the post); each flagged post opens a case
    at its posting time, notified at once and, for a repeat offence, escalated at once
    (see :class:`~downline.compliance.Policy`). Posts are matched against the library.

    Parameters
    ----------
    ws : Workspace
    genealogy : str
        A genealogy stored in ``ws``: the posts' members must be in it.
    posts : path, DataFrame or PostsTable
        See :func:`~downline.compliance.read_posts`.
    gen : Genealogy, optional
        The genealogy already built (saves rebuilding it from the workspace).
    policy : Policy, optional
    model : bool
        Use the screen's statistical layer (default) besides its rules.
    ocr : bool
        Read images (default); without it an image is reported as not read.
    share_threshold : float, optional
        Similarity (0-100) that counts as a share; default
        :data:`~downline.compliance.SHARE_THRESHOLD`.
    actor : str
        Name in the audit trail for the actions of the ingest.
    source_name : str, optional
        The file name to record in issues and the trail (default the file's own name; a
        server passes the client's name of an uploaded file).

    Returns
    -------
    IngestResult

    Raises
    ------
    downline.errors.FormatError
        A structural fault of the table (nothing is stored).
    downline.errors.StoreError
        ``genealogy`` is not in the workspace.

    Notes
    -----
    Posts by members not in the tree, and posts whose id is already stored, are not
    stored; each is reported as an issue (stored too). Posts dated before the member
    joined, after they left, or before the latest post already stored are stored and
    reported. Offence numbers count the member's earlier cases that were not dismissed.

    Examples
    --------
    See ``docs/compliance.md``.
    """
    policy = policy or Policy()
    ws.genealogy_info(genealogy)
    gen = gen if gen is not None else load_genealogy(ws, genealogy)
    table = posts if isinstance(posts, PostsTable) else read_posts(posts)
    frame = table.frame
    path = source_name if source_name is not None else table.path
    ledger = ComplianceLedger(ws)
    issues: list[dict[str, Any]] = []

    idx = member_index(gen, frame["member_id"].tolist())
    unknown = idx < 0
    issues += _issues_for(frame, unknown, "unknown_member",
                          "member not in the genealogy; post not stored", path, "member_id")
    stored_ids = ledger.post_ids(genealogy)
    again = frame["post_id"].isin(stored_ids).to_numpy() & ~unknown
    issues += _issues_for(frame, again, "duplicate_post",
                          "post id already ingested; kept as first stored", path, "post_id")
    keep = ~unknown & ~again
    frame = frame[keep].reset_index(drop=True)
    idx = idx[keep]

    posted = frame["posted_at"].to_numpy().astype("datetime64[D]")
    joined = gen.joined_at[idx]
    left = gen.left_at[idx]
    issues += _issues_for(frame, posted < joined, "before_joining",
                          "posted before the member joined; stored", path, "posted_at")
    issues += _issues_for(frame, ~np.isnat(left) & (posted > left), "after_leaving",
                          "posted after the member left; stored", path, "posted_at")
    last = ledger.last_posted(genealogy)
    if last is not None:
        early = (frame["posted_at"] < pd.Timestamp(last)).to_numpy()
        issues += _issues_for(frame, early, "out_of_order",
                              f"posted before the latest post already stored ({last}); "
                              "stored, offence numbers follow posting dates", path,
                              "posted_at")

    items = library_items(ws, genealogy)
    item_ids = {it.item_id for it in items}
    claimed = frame["library_item"].to_numpy()
    bad_claim = (claimed != "") & ~np.isin(claimed, list(item_ids))
    issues += _issues_for(frame, bad_claim, "unknown_library_item",
                          "library_item is not in the library; matched by text instead",
                          path, "library_item")

    image_texts, image_issues = _read_images(table, frame, ocr, path)
    issues += image_issues

    texts = frame["text"].tolist()
    screened = screen_many(texts, model=model).screenings if texts else ()
    has_image = [bool(t) for t in image_texts]
    image_screens: dict[int, Any] = {}
    if any(has_image):
        picks = [k for k, h in enumerate(has_image) if h]
        batch_images = screen_many([image_texts[k] for k in picks], model=model)
        image_screens = dict(zip(picks, batch_images.screenings, strict=True))

    n = len(frame)
    violation = np.zeros(n, dtype=bool)
    risk = np.zeros(n)
    model_score = np.full(n, np.nan)
    rule_ids, categories = [""] * n, [""] * n
    for k, s in enumerate(screened):
        extra = image_screens.get(k)
        rules = set(s.rule_ids) | (set(extra.rule_ids) if extra is not None else set())
        cats = set(s.categories) | (set(extra.categories) if extra is not None else set())
        violation[k] = s.violation or (extra is not None and extra.violation)
        risk[k] = max(s.risk, extra.risk if extra is not None else 0.0)
        model_score[k] = np.nan if s.model_score is None else s.model_score
        rule_ids[k] = " ".join(sorted(rules))
        categories[k] = " ".join(sorted(cats))

    threshold = SHARE_THRESHOLD if share_threshold is None else float(share_threshold)
    item_list = list(items)
    best, score = match_shares(texts, [it.text for it in item_list], threshold=threshold)
    lib_item = np.array([item_list[b].item_id if b >= 0 else None for b in best], dtype=object)
    lib_version = np.array([item_list[b].version if b >= 0 else None for b in best],
                           dtype=object)
    edited = np.array([b >= 0 and t.strip() != item_list[b].text.strip()
                       for b, t in zip(best, texts, strict=True)], dtype=object)
    edited[best < 0] = None
    similarity = np.where(best >= 0, score.astype(np.float64), np.nan)

    out = pd.DataFrame({
        "post_id": frame["post_id"], "member_id": frame["member_id"],
        "platform": frame["platform"], "url": frame["url"],
        "posted_at": frame["posted_at"], "text": frame["text"],
        "image": frame["image"].replace("", None), "image_text": [t or None for t in image_texts],
        "violation": violation, "risk": risk, "model_score": model_score,
        "rule_ids": rule_ids, "categories": categories, "library_item": lib_item,
        "library_version": pd.array(lib_version, dtype="Int64"),
        "similarity": similarity, "edited": pd.array(edited, dtype="boolean"),
    })

    flagged = np.flatnonzero(violation)
    cases = pd.DataFrame(columns=["case_id", "post_id", "member_id", "opened_at", "offence",
                                  "rule_ids", "evidence"])
    events: list[dict[str, Any]] = []
    if flagged.size:
        prior = ledger.cases(genealogy)
        if not prior.empty:
            prior = prior[prior["state"] != "dismissed"]
        order = flagged[np.argsort(frame["posted_at"].to_numpy()[flagged], kind="stable")]
        offence = offence_numbers(
            frame["member_id"].to_numpy()[order], frame["posted_at"].to_numpy()[order],
            np.asarray([] if prior.empty else prior["member_id"].to_numpy(), dtype=object),
            np.asarray([] if prior.empty else prior["opened_at"].to_numpy(),
                       dtype="datetime64[us]"),
            policy.repeat_window_days)
        first = ledger.max_case_id(genealogy) + 1
        screened_at = datetime.now(UTC).replace(tzinfo=None).isoformat()
        evidence = []
        cols = {c: frame[c].to_numpy() for c in ("post_id", "member_id", "platform", "url",
                                                  "text", "image")}
        stamps = frame["posted_at"].to_numpy()
        for k in order:
            extra = image_screens.get(int(k))
            evidence.append(_json_evidence({
                "post": {"post_id": cols["post_id"][k], "member_id": cols["member_id"][k],
                         "platform": cols["platform"][k], "url": cols["url"][k],
                         "posted_at": pd.Timestamp(stamps[k]).isoformat(),
                         "text": cols["text"][k], "image": cols["image"][k] or None,
                         "image_text": image_texts[k] or None},
                "screening": screened[k].to_dict(),
                "image_screening": None if extra is None else extra.to_dict(),
                "screened_at": screened_at, "model": bool(model),
            }))
        cases = pd.DataFrame({
            "case_id": np.arange(first, first + order.size, dtype=np.int64),
            "post_id": frame["post_id"].to_numpy()[order],
            "member_id": frame["member_id"].to_numpy()[order],
            "opened_at": frame["posted_at"].to_numpy()[order],
            "offence": offence.astype(np.int32),
            "rule_ids": np.asarray(rule_ids, dtype=object)[order],
            "evidence": evidence,
        })
        events = opening_events(gen, cases, policy, actor=actor)

    batch = ledger.max_batch() + 1
    issue_frame = pd.DataFrame(issues, columns=["kind", "file", "line", "field", "post_id",
                                                "member_id", "message"])
    summary = {"event": "ingest", "file": None if path is None else Path(path).name,
               "read": len(table), "stored": n, "flagged": int(flagged.size),
               "issues": len(issues)}
    events.append({"at": datetime.now(UTC).replace(tzinfo=None), "actor": actor,
                   "action": "ingest", "note": f"batch {batch}", "detail": summary})
    ledger.add_batch(genealogy, batch, out, issue_frame, cases, events)
    counts = issue_frame["kind"].value_counts().to_dict() if issues else {}
    return IngestResult(
        genealogy=genealogy, batch=batch, read=len(table), stored=n,
        flagged=int(flagged.size), cases_opened=int(flagged.size),
        escalated_at_once=int(sum(e["action"] == "escalate" for e in events)),
        shares=int((best >= 0).sum()), edited_shares=int(np.sum(edited == True)),  # noqa: E712
        images_read=int(sum(has_image)), issues=tuple(issues[:_ISSUES_SHOWN]),
        issue_counts={str(k): int(v) for k, v in counts.items()})


def _json_evidence(value: dict[str, Any]) -> str:
    def plain(o: Any) -> Any:
        if isinstance(o, np.generic):
            return o.item()
        return str(o)

    return json.dumps(value, default=plain, allow_nan=False)

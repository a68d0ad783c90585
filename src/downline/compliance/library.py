"""The approved-content library and share tracking.

A company approves posts (screened clean first), each under a short id and versioned:
approving new text under an existing id adds a version. A distributor's post that is a
near duplicate of a library item counts as a share of it. Matching compares *match keys*
(lower case, URLs, hashtags, mentions, emoji and punctuation removed) with rapidfuzz's
``token_sort_ratio``, which sorts the words first, so added hashtags and emoji, a
reordered sentence and a few changed words still match; unrelated posts on the same
products do not (recall and false-match rate measured in ``docs/compliance.md``). A
share that differs from the approved text is an *edited* share: it is screened like any
post, and its edit is shown as a word diff.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from downline.errors import ComplianceError
from downline.pitch import screen
from downline.store import ComplianceLedger, Workspace

__all__ = [
    "SHARE_THRESHOLD",
    "LibraryItem",
    "approve",
    "library_items",
    "match_key",
    "match_shares",
    "share_diff",
]

SHARE_THRESHOLD = 80.0
"""Lowest ``token_sort_ratio`` (0-100) of match keys that counts as a share."""

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_TAG = re.compile(r"[#@]\w+")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_NOT_WORD = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """The text used to match shares: NFKC, lower case, no URLs, hashtags, mentions,
    emoji or punctuation, single spaces.

    Examples
    --------
    >>> match_key("Loving the NEW Glow serum ✨ #glow #ad https://x.co/1")
    'loving the new glow serum'
    """
    t = unicodedata.normalize("NFKC", text).lower()
    t = _URL.sub(" ", t)
    t = _TAG.sub(" ", t)
    return _NOT_WORD.sub(" ", t).strip()


@dataclass(frozen=True)
class LibraryItem:
    """One approved item at its latest version.

    Attributes
    ----------
    item_id : str
        Short id (seven hex digits of the first version's text hash, or the company's own).
    version : int
    text, title : str
    approved_by : str
    approved_at : str
        ISO date and time.
    shares : int
        Posts counted as shares of this item (any version), when known.
    """

    item_id: str
    version: int
    text: str
    title: str | None
    approved_by: str
    approved_at: str
    shares: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The item as a plain dict."""
        return {"item_id": self.item_id, "version": self.version, "text": self.text,
                "title": self.title, "approved_by": self.approved_by,
                "approved_at": self.approved_at, "shares": self.shares}


def _short_id(text: str) -> str:
    return hashlib.sha1(match_key(text).encode("utf-8")).hexdigest()[:7]


def approve(
    ws: Workspace, genealogy: str, text: str, *, approved_by: str, item_id: str | None = None,
    title: str | None = None, at: Any = None,
) -> LibraryItem:
    """Approve ``text`` into the library of ``genealogy`` (a new item, or a new version).

    The text is screened first (rules and statistical layer); a text with any flag is
    refused. The approval is appended to the audit trail.

    Parameters
    ----------
    ws : Workspace
    genealogy : str
        The company (a stored genealogy's name).
    text : str
        The approved post as distributors may share it.
    approved_by : str
        Who approves (kept in the audit trail).
    item_id : str, optional
        Add a version to this item; default a new item with a short id from the text.
    title : str, optional
    at : datetime-like, optional
        Approval time (default now, UTC).

    Returns
    -------
    LibraryItem

    Raises
    ------
    downline.errors.ComplianceError
        The text is flagged by the screen (the rules are named), is empty, or the id is
        malformed.

    Examples
    --------
    >>> from downline.store import Workspace
    >>> with Workspace(":memory:") as ws:
    ...     item = approve(ws, "acme", "Our new citrus body wash is here. #ad",
    ...                    approved_by="compliance")
    ...     item.version, len(item.item_id)
    (1, 7)
    """
    if not isinstance(text, str) or not match_key(text):
        raise ComplianceError("an approved post needs words", field="text")
    if not approved_by or not str(approved_by).strip():
        raise ComplianceError("approved_by is required", field="approved_by")
    if item_id is not None and not _ID.match(item_id):
        raise ComplianceError(f"item id {item_id!r} must be 1-32 letters, digits, '_' or '-'",
                              field="item_id")
    result = screen(text)
    if result.violation:
        raise ComplianceError(
            f"not approved: the screen flags {', '.join(result.rule_ids)} ("
            + "; ".join(f"{f.rule_id}: '{f.text}'" for f in result.flags[:3])
            + ")", field="text")
    ledger = ComplianceLedger(ws)
    known = ledger.library(genealogy)
    new_id = item_id or _short_id(text)
    if item_id is None and not known.empty and new_id in set(known["item_id"]):
        raise ComplianceError(f"this text is already library item {new_id}; pass item_id to "
                              "add a version", field="text")
    when = pd.Timestamp(datetime.now(UTC).replace(tzinfo=None) if at is None else at)
    event = {"at": when, "actor": str(approved_by), "action": "approve",
             "note": title, "detail": {"item_id": new_id, "risk": round(result.risk, 4)}}
    version = ledger.add_library_version(genealogy, new_id, text, title, str(approved_by),
                                         when, result.to_dict(), event)
    return LibraryItem(new_id, version, text, title, str(approved_by), when.isoformat())


def library_items(ws: Workspace, genealogy: str) -> tuple[LibraryItem, ...]:
    """The latest version of every library item of ``genealogy``, with share counts."""
    ledger = ComplianceLedger(ws)
    frame = ledger.library(genealogy)
    if frame.empty:
        return ()
    latest = frame.sort_values(["item_id", "version"]).groupby("item_id").tail(1)
    counts = ledger.share_counts(genealogy)
    return tuple(
        LibraryItem(r.item_id, int(r.version), r.text, None if pd.isna(r.title) else r.title,
                    r.approved_by, pd.Timestamp(r.approved_at).isoformat(),
                    int(counts.get(r.item_id, 0)))
        for r in latest.sort_values("approved_at").itertuples(index=False))


def match_shares(
    texts: Sequence[str], items: Sequence[str], *, threshold: float = SHARE_THRESHOLD,
    chunk: int = 20_000,
) -> tuple[np.ndarray, np.ndarray]:
    """For each post, the library item it shares (-1 for none) and the similarity (0-100).

    Parameters
    ----------
    texts : sequence of str
        The posts.
    items : sequence of str
        The library texts.
    threshold : float
        Lowest similarity that counts as a share (default :data:`SHARE_THRESHOLD`).
    chunk : int
        Posts compared at once (bounds memory at ``chunk x len(items)`` floats).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        int64 item index per post, float32 similarity of the best item.

    Examples
    --------
    >>> idx, score = match_shares(["✨ New citrus body wash is here!! #ad #glow",
    ...                            "Happy Monday everyone"],
    ...                           ["Our new citrus body wash is here. #ad"])
    >>> idx.tolist()
    [0, -1]
    """
    n = len(texts)
    best = np.full(n, -1, dtype=np.int64)
    score = np.zeros(n, dtype=np.float32)
    if not n or not len(items):
        return best, score
    keys = [match_key(t) for t in items]
    for start in range(0, n, chunk):
        part = [match_key(t) for t in texts[start:start + chunk]]
        matrix = process.cdist(part, keys, scorer=fuzz.token_sort_ratio, dtype=np.float32,
                               workers=-1)
        arg = matrix.argmax(axis=1)
        top = matrix[np.arange(len(part)), arg]
        hit = top >= threshold
        best[start:start + len(part)] = np.where(hit, arg, -1)
        score[start:start + len(part)] = top
    return best, score


def share_diff(approved: str, shared: str) -> list[dict[str, str]]:
    """The edit from an approved text to a share of it, word by word.

    Returns
    -------
    list of dict
        ``{"op": "=", "-" or "+", "text": words}`` runs in order.

    Examples
    --------
    >>> share_diff("Our new body wash is here", "Our new body wash is finally here #glow")
    [{'op': '=', 'text': 'Our new body wash is'}, {'op': '+', 'text': 'finally'}, \
{'op': '=', 'text': 'here'}, {'op': '+', 'text': '#glow'}]
    """
    a, b = approved.split(), shared.split()
    out: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append({"op": "=", "text": " ".join(a[i1:i2])})
            continue
        if tag in ("replace", "delete"):
            out.append({"op": "-", "text": " ".join(a[i1:i2])})
        if tag in ("replace", "insert"):
            out.append({"op": "+", "text": " ".join(b[j1:j2])})
    return out

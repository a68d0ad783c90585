"""The compliance program's tables in the workspace, and the append-only audit trail.

:class:`ComplianceLedger` keeps, per genealogy, the posts as screened, the issues found
while ingesting them, the cases with their evidence, the approved-content library and the
audit trail. The rules of the program (what opens a case, which action is allowed when)
live in :mod:`downline.compliance`; this module only stores and reads, in SQL.

Nothing here updates or deletes a row of the audit trail, a case's evidence or a library
version: a case's state is the ``to_state`` of its latest audit row, a new library version
is a new row. Each audit row carries the SHA-256 of its content chained to the previous
row's hash (per genealogy), so :meth:`ComplianceLedger.verify_audit` finds a row changed
or removed behind the program's back (by hand-written SQL, say).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import pandas as pd

from downline.errors import StoreError
from downline.store.workspace import Workspace, _json, _now

__all__ = ["AUDIT_COLUMNS", "ComplianceLedger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS compliance_posts (
    genealogy VARCHAR NOT NULL, post_id VARCHAR NOT NULL, member_id VARCHAR NOT NULL,
    platform VARCHAR, url VARCHAR, posted_at TIMESTAMP NOT NULL, text VARCHAR,
    image VARCHAR, image_text VARCHAR, violation BOOLEAN NOT NULL, risk DOUBLE,
    model_score DOUBLE, rule_ids VARCHAR, categories VARCHAR, library_item VARCHAR,
    library_version INTEGER, similarity DOUBLE, edited BOOLEAN, batch BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS compliance_issues (
    genealogy VARCHAR NOT NULL, batch BIGINT NOT NULL, kind VARCHAR NOT NULL,
    file VARCHAR, line BIGINT, field VARCHAR, post_id VARCHAR, member_id VARCHAR,
    message VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS compliance_cases (
    genealogy VARCHAR NOT NULL, case_id BIGINT NOT NULL, post_id VARCHAR NOT NULL,
    member_id VARCHAR NOT NULL, opened_at TIMESTAMP NOT NULL, offence INTEGER NOT NULL,
    rule_ids VARCHAR, evidence JSON NOT NULL, batch BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS compliance_library (
    genealogy VARCHAR NOT NULL, item_id VARCHAR NOT NULL, version INTEGER NOT NULL,
    text VARCHAR NOT NULL, title VARCHAR, approved_by VARCHAR NOT NULL,
    approved_at TIMESTAMP NOT NULL, screening JSON NOT NULL);
CREATE TABLE IF NOT EXISTS compliance_audit (
    genealogy VARCHAR NOT NULL, seq BIGINT NOT NULL, acted_at TIMESTAMP NOT NULL,
    recorded_at TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
    case_id BIGINT, from_state VARCHAR, to_state VARCHAR, notified VARCHAR, note VARCHAR,
    detail JSON, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL);
"""

AUDIT_COLUMNS = ("at", "actor", "action", "case_id", "from_state", "to_state", "notified",
                 "note", "detail")
"""The fields of an audit event handed to :meth:`ComplianceLedger.append` (``notified``
is a list of member ids, ``detail`` a JSON-able dict; ``case_id`` None for program-wide
actions such as an ingest or an approval)."""

_GENESIS = "0" * 64
_POST_COLUMNS = ("post_id", "member_id", "platform", "url", "posted_at", "text", "image",
                 "image_text", "violation", "risk", "model_score", "rule_ids", "categories",
                 "library_item", "library_version", "similarity", "edited")
_ISSUE_COLUMNS = ("kind", "file", "line", "field", "post_id", "member_id", "message")
_CASE_COLUMNS = ("case_id", "post_id", "member_id", "opened_at", "offence", "rule_ids",
                 "evidence")


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).isoformat()


def _row_hash(prev: str, genealogy: str, seq: int, event: dict[str, Any]) -> str:
    content = [genealogy, int(seq), _iso(event["at"]), event["actor"], event["action"],
               None if event.get("case_id") is None else int(event["case_id"]),
               event.get("from_state"), event.get("to_state"),
               list(event.get("notified") or []), event.get("note"),
               event.get("detail") or {}]
    text = _json(content)
    return hashlib.sha256((prev + "\n" + text).encode("utf-8")).hexdigest()


class ComplianceLedger:
    """The compliance tables of one :class:`~downline.store.Workspace`.

    Parameters
    ----------
    ws : Workspace
        An open, writable workspace (the tables are created when missing).

    Examples
    --------
    >>> from downline.store import Workspace
    >>> with Workspace(":memory:") as ws:
    ...     ledger = ComplianceLedger(ws)
    ...     _ = ledger.append("acme", [{"at": "2025-01-01", "actor": "alice",
    ...                                 "action": "note"}])
    ...     ledger.verify_audit("acme")["ok"]
    True
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._con = ws._con
        try:
            self._con.execute(_SCHEMA)
        except Exception as exc:  # a read-only workspace without the tables yet
            if "read-only" not in str(exc).lower() and "read only" not in str(exc).lower():
                raise
            self._readonly = True
        else:
            self._readonly = False

    # -- reading -----------------------------------------------------------------------
    def _frame(self, sql: str, args: list[Any]) -> pd.DataFrame:
        if self._readonly and not self._has_tables():
            return pd.DataFrame()
        return self._con.execute(sql, args).df()

    def _has_tables(self) -> bool:
        rows = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'compliance_posts'"
        ).fetchall()
        return bool(rows and rows[0][0])

    def programs(self) -> pd.DataFrame:
        """The genealogies with posts stored: ``genealogy, posts, cases, last_posted``,
        most posts first."""
        return self._frame(
            "SELECT p.genealogy, p.posts, coalesce(c.cases, 0) AS cases, p.last_posted FROM "
            "(SELECT genealogy, count(*) AS posts, max(posted_at) AS last_posted "
            " FROM compliance_posts GROUP BY genealogy) p LEFT JOIN "
            "(SELECT genealogy, count(*) AS cases FROM compliance_cases GROUP BY genealogy) c "
            "USING (genealogy) ORDER BY p.posts DESC, p.genealogy", [])

    def posts(self, genealogy: str) -> pd.DataFrame:
        """Every stored post of ``genealogy`` with its screening summary, oldest first."""
        return self._frame(
            "SELECT * EXCLUDE (genealogy) FROM compliance_posts WHERE genealogy = ? "
            "ORDER BY posted_at, post_id", [genealogy])

    def post_ids(self, genealogy: str) -> set[str]:
        """The post ids already stored for ``genealogy``."""
        frame = self._frame("SELECT post_id FROM compliance_posts WHERE genealogy = ?",
                            [genealogy])
        return set(frame["post_id"].tolist()) if not frame.empty else set()

    def last_posted(self, genealogy: str) -> datetime | None:
        """The latest ``posted_at`` stored for ``genealogy`` (None when there is none)."""
        frame = self._frame("SELECT max(posted_at) AS m FROM compliance_posts "
                            "WHERE genealogy = ?", [genealogy])
        if frame.empty or pd.isna(frame["m"].iloc[0]):
            return None
        return pd.Timestamp(frame["m"].iloc[0]).to_pydatetime()

    def issues(self, genealogy: str, batch: int | None = None) -> pd.DataFrame:
        """Issues reported while ingesting (all batches, or one)."""
        sql = "SELECT * EXCLUDE (genealogy) FROM compliance_issues WHERE genealogy = ?"
        args: list[Any] = [genealogy]
        if batch is not None:
            sql += " AND batch = ?"
            args.append(int(batch))
        return self._frame(sql + " ORDER BY batch, line NULLS LAST", args)

    def cases(self, genealogy: str, *, evidence: bool = False) -> pd.DataFrame:
        """Every case with its current state (the latest audit row's ``to_state``), the
        time it entered that state, the members notified so far and the time it opened."""
        columns = "c.* EXCLUDE (genealogy)" if evidence else "c.* EXCLUDE (genealogy, evidence)"
        return self._frame(
            f"SELECT {columns}, s.state, s.state_since, s.notified, s.last_actor, s.actions "
            "FROM compliance_cases c JOIN ("
            "  SELECT case_id, arg_max(to_state, seq) AS state, max(acted_at) AS state_since, "
            "         arg_max(actor, seq) AS last_actor, count(*) AS actions, "
            "         string_agg(notified, ';' ORDER BY seq) AS notified "
            "  FROM compliance_audit WHERE genealogy = ? AND case_id IS NOT NULL "
            "  AND to_state IS NOT NULL GROUP BY case_id) s USING (case_id) "
            "WHERE c.genealogy = ? ORDER BY c.case_id", [genealogy, genealogy])

    def case(self, genealogy: str, case_id: int) -> dict[str, Any]:
        """One case with its evidence decoded and its current state."""
        frame = self._frame(
            "SELECT * EXCLUDE (genealogy) FROM compliance_cases WHERE genealogy = ? "
            "AND case_id = ?", [genealogy, int(case_id)])
        if frame.empty:
            raise StoreError(f"no case {case_id} for genealogy {genealogy!r}")
        row = frame.iloc[0].to_dict()
        row["evidence"] = json.loads(row["evidence"])
        history = self.audit(genealogy, case_id=case_id)
        states = history.dropna(subset=["to_state"])
        row["state"] = states["to_state"].iloc[-1]
        row["state_since"] = states["acted_at"].iloc[-1]
        row["history"] = history
        return row

    def audit(self, genealogy: str, case_id: int | None = None) -> pd.DataFrame:
        """The audit trail of ``genealogy`` (or of one case) in the order it was written."""
        sql = "SELECT * EXCLUDE (genealogy) FROM compliance_audit WHERE genealogy = ?"
        args: list[Any] = [genealogy]
        if case_id is not None:
            sql += " AND case_id = ?"
            args.append(int(case_id))
        return self._frame(sql + " ORDER BY seq", args)

    def library(self, genealogy: str) -> pd.DataFrame:
        """Every version of every approved item, newest version last per item."""
        return self._frame(
            "SELECT * EXCLUDE (genealogy) FROM compliance_library WHERE genealogy = ? "
            "ORDER BY item_id, version", [genealogy])

    def share_counts(self, genealogy: str) -> dict[str, int]:
        """Stored posts counted as shares, per library item id."""
        frame = self._frame(
            "SELECT library_item, count(*) AS n FROM compliance_posts WHERE genealogy = ? "
            "AND library_item IS NOT NULL GROUP BY library_item", [genealogy])
        return {} if frame.empty else dict(zip(frame["library_item"], frame["n"].astype(int),
                                                strict=True))

    def max_case_id(self, genealogy: str) -> int:
        """The largest case id of ``genealogy`` (0 when there is none)."""
        frame = self._frame("SELECT coalesce(max(case_id), 0) AS m FROM compliance_cases "
                            "WHERE genealogy = ?", [genealogy])
        return 0 if frame.empty else int(frame["m"].iloc[0])

    def max_batch(self) -> int:
        """The largest ingest batch number in the workspace (0 when there is none)."""
        frame = self._frame("SELECT coalesce(max(batch), 0) AS m FROM compliance_posts", [])
        issues = self._frame("SELECT coalesce(max(batch), 0) AS m FROM compliance_issues", [])
        values = [0 if f.empty else int(f["m"].iloc[0]) for f in (frame, issues)]
        return max(values)

    def verify_audit(self, genealogy: str) -> dict[str, Any]:
        """Recompute the hash chain of ``genealogy``'s audit trail.

        Returns
        -------
        dict
            ``ok``, ``rows``, and ``first_bad_seq`` (the first row whose content, order or
            predecessor does not match its stored hash; None when all match).
        """
        frame = self.audit(genealogy)
        prev = _GENESIS
        for i, row in enumerate(frame.itertuples(index=False)):
            event = {
                "at": row.acted_at, "actor": row.actor, "action": row.action,
                "case_id": None if pd.isna(row.case_id) else int(row.case_id),
                "from_state": None if pd.isna(row.from_state) else row.from_state,
                "to_state": None if pd.isna(row.to_state) else row.to_state,
                "notified": json.loads(row.notified) if isinstance(row.notified, str) else [],
                "note": None if pd.isna(row.note) else row.note,
                "detail": json.loads(row.detail) if isinstance(row.detail, str) else {},
            }
            if int(row.seq) != i + 1 or row.prev_hash != prev or \
                    _row_hash(prev, genealogy, int(row.seq), event) != row.hash:
                return {"ok": False, "rows": len(frame), "first_bad_seq": int(row.seq)}
            prev = row.hash
        return {"ok": True, "rows": len(frame), "first_bad_seq": None}

    # -- writing (appends only) --------------------------------------------------------
    def _audit_rows(self, con: Any, genealogy: str, events: list[dict[str, Any]]
                    ) -> pd.DataFrame:
        last = con.execute(
            "SELECT seq, hash FROM compliance_audit WHERE genealogy = ? ORDER BY seq DESC "
            "LIMIT 1", [genealogy]).fetchall()
        seq, prev = (0, _GENESIS) if not last else (int(last[0][0]), last[0][1])
        recorded = _now()
        rows = []
        for event in events:
            # The column keeps microseconds: hash what is stored.
            event = dict(event, at=pd.Timestamp(event["at"]).floor("us"))
            seq += 1
            digest = _row_hash(prev, genealogy, seq, event)
            rows.append({
                "genealogy": genealogy, "seq": seq, "acted_at": pd.Timestamp(event["at"]),
                "recorded_at": recorded, "actor": str(event["actor"]),
                "action": str(event["action"]),
                "case_id": None if event.get("case_id") is None else int(event["case_id"]),
                "from_state": event.get("from_state"), "to_state": event.get("to_state"),
                "notified": _json(list(event.get("notified") or [])),
                "note": event.get("note"), "detail": _json(event.get("detail") or {}),
                "prev_hash": prev, "hash": digest,
            })
            prev = digest
        frame = pd.DataFrame(rows, columns=["genealogy", "seq", "acted_at", "recorded_at", "actor",
                                            "action", "case_id", "from_state", "to_state",
                                            "notified", "note", "detail", "prev_hash",
                                            "hash"])
        frame["case_id"] = frame["case_id"].astype("Int64")
        return frame

    @staticmethod
    def _insert(con: Any, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        con.register("_compliance_in", frame)
        try:
            cols = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _compliance_in")
        finally:
            con.unregister("_compliance_in")

    def append(self, genealogy: str, events: list[dict[str, Any]]) -> int:
        """Append audit events (fields :data:`AUDIT_COLUMNS`) in one transaction; returns
        the sequence number of the last one."""
        with self.ws._transaction() as con:
            frame = self._audit_rows(con, genealogy, events)
            self._insert(con, "compliance_audit", frame)
        return int(frame["seq"].iloc[-1]) if len(frame) else 0

    def add_batch(
        self, genealogy: str, batch: int, posts: pd.DataFrame, issues: pd.DataFrame,
        cases: pd.DataFrame, events: list[dict[str, Any]],
    ) -> None:
        """Store one ingest (posts, issues, new cases and their audit events), all or
        nothing: a failure half-way leaves the workspace as it was."""
        posts = posts.loc[:, list(_POST_COLUMNS)].copy()
        posts.insert(0, "genealogy", genealogy)
        posts["batch"] = int(batch)
        issues = issues.reindex(columns=list(_ISSUE_COLUMNS)).copy()
        issues.insert(0, "genealogy", genealogy)
        issues.insert(1, "batch", int(batch))
        issues["recorded_at"] = _now()
        issues["line"] = issues["line"].astype("Int64")
        cases = cases.loc[:, list(_CASE_COLUMNS)].copy()
        cases.insert(0, "genealogy", genealogy)
        cases["batch"] = int(batch)
        with self.ws._transaction() as con:
            self._insert(con, "compliance_posts", posts)
            self._insert(con, "compliance_issues", issues)
            self._insert(con, "compliance_cases", cases)
            if events:
                self._insert(con, "compliance_audit", self._audit_rows(con, genealogy, events))

    def add_library_version(
        self, genealogy: str, item_id: str, text: str, title: str | None, approved_by: str,
        approved_at: Any, screening: dict[str, Any], event: dict[str, Any],
    ) -> int:
        """Store a new version of a library item (and its audit event); returns the
        version number (1 for a new item)."""
        with self.ws._transaction() as con:
            row = con.execute(
                "SELECT coalesce(max(version), 0) FROM compliance_library WHERE genealogy = ? "
                "AND item_id = ?", [genealogy, item_id]).fetchall()
            version = int(row[0][0]) + 1
            con.execute(
                "INSERT INTO compliance_library VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [genealogy, item_id, version, text, title, approved_by,
                 pd.Timestamp(approved_at).to_pydatetime(), _json(screening)]).fetchall()
            event = dict(event, detail=dict(event.get("detail") or {}, version=version))
            self._insert(con, "compliance_audit", self._audit_rows(con, genealogy, [event]))
        return version

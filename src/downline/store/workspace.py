"""The :class:`Workspace` over one DuckDB file (see the package docstring)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from downline.errors import InputError, StoreError, WorkspaceBusyError
from downline.graph import Graph, TemporalGraph

__all__ = ["DEFAULT_WORKSPACE", "Workspace", "default_lock_wait", "default_workspace_path"]

DEFAULT_WORKSPACE = "downline.duckdb"
_LOCK_WAIT = 15.0
_HOLDER = re.compile(r"\(PID (\d+)\)")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS networks (
    name VARCHAR PRIMARY KEY, label_type VARCHAR NOT NULL, nodes BIGINT NOT NULL,
    edges BIGINT NOT NULL, source VARCHAR, meta JSON, created_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS network_nodes (network VARCHAR NOT NULL, idx INTEGER NOT NULL,
    label VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS network_edges (network VARCHAR NOT NULL, src INTEGER NOT NULL,
    dst INTEGER NOT NULL, p FLOAT NOT NULL);
CREATE TABLE IF NOT EXISTS network_events (network VARCHAR NOT NULL, src INTEGER NOT NULL,
    dst INTEGER NOT NULL, t DOUBLE NOT NULL, p FLOAT);
CREATE TABLE IF NOT EXISTS genealogies (
    name VARCHAR PRIMARY KEY, members BIGINT NOT NULL, source VARCHAR, meta JSON,
    created_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS genealogy_members (genealogy VARCHAR NOT NULL,
    member_id VARCHAR NOT NULL, sponsor_id VARCHAR, joined_at DATE, left_at DATE,
    rank VARCHAR, volume DOUBLE);
CREATE SEQUENCE IF NOT EXISTS result_ids START 1;
CREATE TABLE IF NOT EXISTS results (
    id BIGINT PRIMARY KEY DEFAULT nextval('result_ids'), kind VARCHAR NOT NULL,
    subject VARCHAR, params JSON, payload JSON NOT NULL, created_at TIMESTAMP NOT NULL);
"""

_MEMBER_COLUMNS = ("member_id", "sponsor_id", "joined_at", "left_at", "rank", "volume")


def default_workspace_path() -> Path:
    """``$DOWNLINE_WORKSPACE`` if set, else ``downline.duckdb`` in the current folder."""
    return Path(os.environ.get("DOWNLINE_WORKSPACE", DEFAULT_WORKSPACE))


def default_lock_wait() -> float:
    """Seconds to wait for a workspace another process holds: ``$DOWNLINE_LOCK_WAIT`` or 15.

    Examples
    --------
    >>> default_lock_wait() >= 0
    True
    """
    raw = os.environ.get("DOWNLINE_LOCK_WAIT")
    if raw is None:
        return _LOCK_WAIT
    try:
        value = float(raw)
    except ValueError:
        raise StoreError(f"DOWNLINE_LOCK_WAIT must be a number of seconds, not {raw!r}") from None
    if not value >= 0:
        raise StoreError(f"DOWNLINE_LOCK_WAIT must be >= 0, not {raw!r}")
    return value


def _connect(path: str, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``; while another process holds its lock, retry for ``wait`` seconds."""
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise StoreError(f"cannot open workspace {path}: {text}") from None
            if time.monotonic() >= deadline:
                found = _HOLDER.search(text)
                holder = f"process {found.group(1)}" if found else "another process"
                raise WorkspaceBusyError(
                    f"workspace {path} is in use by {holder} (a running `downline serve`?); "
                    f"waited {wait:g} s. Stop it, or retry when it is idle "
                    "(DOWNLINE_LOCK_WAIT sets the wait)"
                ) from None
            time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
            pause = min(pause * 2, 0.25)


def _write_error(path: str, exc: BaseException) -> StoreError:
    """A failed write named by its real cause (a full disk above all), data unchanged."""
    text = str(exc)
    if "No space left on device" in text or getattr(exc, "errno", None) == 28:
        cause = "No space left on device"
    else:
        cause = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return StoreError(f"cannot write the workspace {path}: {cause}; nothing was changed")


def _check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise InputError(
            f"{what} name {name!r} must be 1-64 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit",
            field="name",
        )
    return name


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _json(obj: Any) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, datetime | pd.Timestamp):
            return o.isoformat()
        return str(o)

    return json.dumps(obj, default=default, allow_nan=False)


def _id_strings(values: pd.Series) -> pd.Series:
    """Ids as strings; integer ids that pandas widened to float (1.0) stay "1"."""
    if values.dtype.kind == "f":
        whole = values.dropna()
        if (whole == np.round(whole)).all():
            values = values.astype("Int64")
    values = values.astype(object).where(values.notna(), None)
    return values.map(lambda v: None if v is None else str(v))


class Workspace:
    """A workspace in one DuckDB file.

    Parameters
    ----------
    path : str or PathLike, optional
        The file; created when missing. Default :func:`default_workspace_path`.
        ``":memory:"`` gives a throw-away workspace.
    read_only : bool, default False
    wait : float, optional
        While another process holds the file (DuckDB lets one process write, or many
        read), retry this many seconds before raising
        :class:`~downline.errors.WorkspaceBusyError`. Default
        :func:`default_lock_wait`. A running ``downline serve`` lets go of the file
        when idle for a second, so a CLI load waits its turn instead of failing.

    Examples
    --------
    >>> from downline.graph import Graph, TemporalGraph
    >>> with Workspace(":memory:") as ws:
    ...     _ = ws.add_network("tiny", Graph.from_edges(["a"], ["b"]))
    ...     ws.network("tiny").number_of_edges()
    1
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False,
        wait: float | None = None,
    ):
        self.path = str(default_workspace_path() if path is None else path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        wait = default_lock_wait() if wait is None else float(wait)
        self._con = _connect(self.path, read_only, wait)
        if not read_only:
            self._con.execute(_SCHEMA)
            self._con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [str(_SCHEMA_VERSION)]
            )

    # -- plumbing --------------------------------------------------------------------
    def close(self) -> None:
        """Close the file."""
        self._con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.path!r})"

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException as exc:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # the transaction was already aborted (a write failed)
            if isinstance(exc, duckdb.Error | OSError):
                raise _write_error(self.path, exc) from None
            raise
        else:
            try:
                con.execute("COMMIT")
            except (duckdb.Error, OSError) as exc:
                raise _write_error(self.path, exc) from None

    def _exists(self, table: str, name: str) -> bool:
        row = self._con.execute(f"SELECT 1 FROM {table} WHERE name = ?", [name]).fetchone()
        return row is not None

    # -- networks ----------------------------------------------------------------------
    def add_network(
        self, name: str, graph: Graph | TemporalGraph, *, replace: bool = False,
        source: str | None = None, events: TemporalGraph | None = None,
    ) -> dict[str, Any]:
        """Store a graph under ``name``, all or nothing.

        A :class:`TemporalGraph` (given as ``graph``, or as ``events`` beside its static
        ``graph`` with the same nodes) is stored with every event and its time; read it
        back with :meth:`temporal_network`, while :meth:`network` gives the static graph.

        Raises
        ------
        StoreError
            ``name`` is taken and ``replace`` is false.
        """
        _check_name(name, "network")
        if not replace and self._exists("networks", name):
            raise StoreError(f"a network named {name!r} exists; pass replace=True (--replace)")
        if isinstance(graph, TemporalGraph):
            graph, events = graph.static(), graph
        if events is not None:
            tg = events
            if tg.number_of_nodes() != graph.n:
                raise StoreError("the events and the graph must have the same nodes")
            event_rows = pa.table({
                "network": pa.array(np.full(tg.number_of_events(), name, dtype=object),
                                    pa.string()),
                "src": pa.array(np.asarray(tg.src)),
                "dst": pa.array(np.asarray(tg.dst)),
                "t": pa.array(np.asarray(tg.time)),
                "p": pa.array(np.asarray(tg.probs), pa.float32()) if tg.probs is not None
                else pa.nulls(tg.number_of_events(), pa.float32()),
            })
            graph = Graph(graph.indptr, graph.indices, graph.probs, graph.labels, graph.name,
                          dict(graph.meta, time_unit=tg.time_unit, temporal=True,
                               events=tg.number_of_events()))
        else:
            event_rows = None
        label_type = "int" if graph.labels.dtype.kind in "iu" else "str"
        nodes = pa.table({
            "network": pa.array([name] * graph.n, pa.string()),
            "idx": pa.array(np.arange(graph.n, dtype=np.int32)),
            "label": pa.array([str(v) for v in graph.labels.tolist()], pa.string()),
        })
        src = np.repeat(np.arange(graph.n, dtype=np.int32), graph.out_degree())
        edges = pa.table({
            "network": pa.array(np.full(graph.m, name, dtype=object), pa.string()),
            "src": pa.array(src),
            "dst": pa.array(np.asarray(graph.indices)),
            "p": pa.array(np.asarray(graph.probs)),
        })
        meta = {k: v for k, v in graph.meta.items() if k != "source"}
        with self._transaction() as con:
            self._delete_network(con, name)
            con.execute(
                "INSERT INTO networks VALUES (?, ?, ?, ?, ?, ?, ?)",
                [name, label_type, graph.n, graph.m, source or graph.meta.get("source"),
                 _json(meta), _now()],
            )
            con.register("_nodes_in", nodes)
            con.register("_edges_in", edges)
            try:
                con.execute("INSERT INTO network_nodes SELECT * FROM _nodes_in")
                con.execute("INSERT INTO network_edges SELECT * FROM _edges_in")
                if events is not None:
                    con.register("_events_in", event_rows)
                    con.execute("INSERT INTO network_events SELECT * FROM _events_in")
            finally:
                con.unregister("_nodes_in")
                con.unregister("_edges_in")
                if events is not None:
                    con.unregister("_events_in")
        return self.network_info(name)

    @staticmethod
    def _delete_network(con: duckdb.DuckDBPyConnection, name: str) -> None:
        con.execute("DELETE FROM network_events WHERE network = ?", [name])
        con.execute("DELETE FROM network_edges WHERE network = ?", [name])
        con.execute("DELETE FROM network_nodes WHERE network = ?", [name])
        con.execute("DELETE FROM networks WHERE name = ?", [name])

    def network_info(self, name: str) -> dict[str, Any]:
        """The catalogue row of a network (name, nodes, edges, source, meta, created_at)."""
        frame = self._con.execute("SELECT * FROM networks WHERE name = ?", [name]).df()
        if frame.empty:
            raise StoreError(f"no network named {name!r} in {self.path}")
        row = frame.iloc[0].to_dict()
        row["meta"] = json.loads(row["meta"]) if row["meta"] else {}
        return row

    def network(self, name: str) -> Graph:
        """Load a stored network as a :class:`Graph` (exactly as stored)."""
        info = self.network_info(name)
        labels = self._con.execute(
            "SELECT label FROM network_nodes WHERE network = ? ORDER BY idx", [name]
        ).fetchnumpy()["label"]
        labels = labels.astype(np.int64) if info["label_type"] == "int" else labels.astype(object)
        e = self._con.execute(
            "SELECT src, dst, p FROM network_edges WHERE network = ?", [name]
        ).fetchnumpy()
        meta = dict(info["meta"], source=info["source"], workspace=self.path)
        return Graph.from_indices(
            e["src"], e["dst"], e["p"], labels, self_loops="keep", duplicates="keep",
            name=name, meta=meta,
        )

    def temporal_network(self, name: str) -> TemporalGraph:
        """Load a network stored with its event times as a :class:`TemporalGraph`.

        Raises
        ------
        StoreError
            No such network, or it was stored without times.
        """
        info = self.network_info(name)
        if not info["meta"].get("temporal"):
            raise StoreError(f"network {name!r} was stored without times; load a "
                             "time-stamped edge list to keep them")
        labels = self._con.execute(
            "SELECT label FROM network_nodes WHERE network = ? ORDER BY idx", [name]
        ).fetchnumpy()["label"]
        labels = labels.astype(np.int64) if info["label_type"] == "int" else labels.astype(object)
        e = self._con.execute(
            "SELECT src, dst, t, p FROM network_events WHERE network = ? ORDER BY t, rowid",
            [name]).fetchnumpy()
        p = e["p"]
        probs = None if np.ma.is_masked(p) or (hasattr(p, "mask") and np.any(p.mask)) else \
            np.asarray(p, dtype=np.float32)
        meta = dict(info["meta"], source=info["source"], workspace=self.path)
        return TemporalGraph(np.asarray(e["src"], np.int32), np.asarray(e["dst"], np.int32),
                             np.asarray(e["t"], np.float64), labels, probs,
                             info["meta"].get("time_unit", "number"), name, meta)

    def networks(self) -> pd.DataFrame:
        """All stored networks, newest first."""
        return self._con.execute(
            "SELECT name, nodes, edges, source, created_at FROM networks ORDER BY created_at DESC"
        ).df()

    # -- genealogies -------------------------------------------------------------------
    def add_genealogy(
        self, name: str, members: pd.DataFrame, *, replace: bool = False,
        source: str | None = None, meta: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Store a members table (``member_id, sponsor_id, joined_at[, left_at, rank,
        volume]``), all or nothing. Validate it (``downline.genealogy``) before storing.
        """
        _check_name(name, "genealogy")
        if not replace and self._exists("genealogies", name):
            raise StoreError(f"a genealogy named {name!r} exists; pass replace=True (--replace)")
        missing = [c for c in ("member_id", "sponsor_id") if c not in members.columns]
        if missing:
            raise InputError(f"members table lacks column(s) {', '.join(missing)}")
        integer_ids = members["member_id"].dtype.kind in "iu"
        meta = dict(meta or {}, id_type="int" if integer_ids else "str")
        frame = pd.DataFrame(index=range(len(members)))
        frame["genealogy"] = name
        for col in _MEMBER_COLUMNS:
            values = members[col] if col in members.columns else pd.Series([None] * len(members))
            values = values.reset_index(drop=True)
            if col in ("member_id", "sponsor_id", "rank"):
                values = _id_strings(values)
            elif col in ("joined_at", "left_at"):
                values = pd.to_datetime(values, errors="coerce").dt.date
                values = values.astype(object).where(values.notna(), None)
            else:
                values = pd.to_numeric(values, errors="coerce")
            frame[col] = values
        with self._transaction() as con:
            con.execute("DELETE FROM genealogy_members WHERE genealogy = ?", [name])
            con.execute("DELETE FROM genealogies WHERE name = ?", [name])
            con.execute(
                "INSERT INTO genealogies VALUES (?, ?, ?, ?, ?)",
                [name, len(members), source, _json(meta), _now()],
            )
            con.register("_members_in", frame)
            try:
                con.execute(
                    "INSERT INTO genealogy_members SELECT genealogy, member_id, sponsor_id, "
                    "CAST(joined_at AS DATE), CAST(left_at AS DATE), rank, "
                    "CAST(volume AS DOUBLE) FROM _members_in"
                )
            finally:
                con.unregister("_members_in")
        return self.genealogy_info(name)

    def genealogy_info(self, name: str) -> dict[str, Any]:
        """The catalogue row of a genealogy."""
        frame = self._con.execute("SELECT * FROM genealogies WHERE name = ?", [name]).df()
        if frame.empty:
            raise StoreError(f"no genealogy named {name!r} in {self.path}")
        row = frame.iloc[0].to_dict()
        row["meta"] = json.loads(row["meta"]) if row["meta"] else {}
        return row

    def genealogy_frame(self, name: str) -> pd.DataFrame:
        """The stored members table of a genealogy (ids as loaded, dates as datetime64)."""
        info = self.genealogy_info(name)
        frame = self._con.execute(
            "SELECT member_id, sponsor_id, joined_at, left_at, rank, volume "
            "FROM genealogy_members WHERE genealogy = ?", [name]
        ).df()
        for col in ("joined_at", "left_at"):
            frame[col] = pd.to_datetime(frame[col])
        if info["meta"].get("id_type") == "int":
            # integer ids were stored as text; give them back as the user had them
            for col in ("member_id", "sponsor_id"):
                frame[col] = pd.to_numeric(frame[col]).astype("Int64")
        return frame

    def genealogies(self) -> pd.DataFrame:
        """All stored genealogies, newest first."""
        return self._con.execute(
            "SELECT name, members, source, created_at FROM genealogies ORDER BY created_at DESC"
        ).df()

    # -- results -----------------------------------------------------------------------
    def save_result(
        self, kind: str, payload: dict[str, Any], *, subject: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> int:
        """Store an analysis result (JSON-able dict); returns its id."""
        row = self._con.execute(
            "INSERT INTO results (kind, subject, params, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [kind, subject, _json(params or {}), _json(payload), _now()],
        ).fetchone()
        return int(row[0])

    def result(self, result_id: int) -> dict[str, Any]:
        """One stored result with its params and payload decoded."""
        frame = self._con.execute("SELECT * FROM results WHERE id = ?", [result_id]).df()
        if frame.empty:
            raise StoreError(f"no result with id {result_id} in {self.path}")
        row = frame.iloc[0].to_dict()
        row["params"] = json.loads(row["params"]) if row["params"] else {}
        row["payload"] = json.loads(row["payload"])
        row["id"] = int(row["id"])
        return row

    def results(self, kind: str | None = None, subject: str | None = None) -> pd.DataFrame:
        """Stored results (without payloads), newest first, optionally filtered."""
        sql = "SELECT id, kind, subject, created_at FROM results WHERE 1=1"
        args: list[Any] = []
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        if subject is not None:
            sql += " AND subject = ?"
            args.append(subject)
        return self._con.execute(sql + " ORDER BY id DESC", args).df()

    # -- everything --------------------------------------------------------------------
    def remove(self, kind: str, name: str) -> None:
        """Remove a network or a genealogy (``kind`` is ``"network"`` or ``"genealogy"``)."""
        if kind == "network":
            self.network_info(name)
            with self._transaction() as con:
                self._delete_network(con, name)
        elif kind == "genealogy":
            self.genealogy_info(name)
            with self._transaction() as con:
                con.execute("DELETE FROM genealogy_members WHERE genealogy = ?", [name])
                con.execute("DELETE FROM genealogies WHERE name = ?", [name])
        else:
            raise InputError(f"kind must be 'network' or 'genealogy', not {kind!r}", field="kind")

    def summary(self) -> dict[str, Any]:
        """What the workspace holds: networks, genealogies and the latest results."""
        return {
            "path": self.path,
            "networks": self.networks().to_dict(orient="records"),
            "genealogies": self.genealogies().to_dict(orient="records"),
            "results": self.results().head(20).to_dict(orient="records"),
        }

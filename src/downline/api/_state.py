"""Shared state of one server process: the workspace behind a lock, caches, JSON cleaning.

DuckDB allows one connection per file and process, and that connection must not be used
by two threads at once; every access goes through :meth:`WorkspaceGuard.open`. The file
is also locked against other processes while it is open, so the guard lets go of it after
a second without requests: ``downline load`` in another terminal then gets its turn (it
waits for the lock), and the server waits in the same way while the CLI writes. Graphs and
genealogies are rebuilt from the workspace once and cached by name and load time, so a
network replaced by the server or by the CLI is never served stale.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from downline.common.serialize import to_jsonable as jsonable
from downline.genealogy import Genealogy, read_genealogy
from downline.graph import Graph, describe
from downline.store import Workspace

__all__ = ["WorkspaceGuard"]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return jsonable(frame.to_dict(orient="records"))


class WorkspaceGuard:
    """The process's :class:`~downline.store.Workspace`, one thread at a time.

    Parameters
    ----------
    path : Path
        The workspace file; created when missing.
    cache_size : int
        How many graphs and genealogies to keep built in memory.
    idle_close : float or None, default 1.0
        Close the file after this many seconds without use, so that other processes
        can open it; ``None`` keeps it open. An in-memory workspace is never closed.
    wait : float, optional
        Seconds to wait for the file while another process holds it (default
        :func:`downline.store.default_lock_wait`); past that a request fails with
        :class:`~downline.errors.WorkspaceBusyError` (HTTP 503).

    Examples
    --------
    >>> guard = WorkspaceGuard(Path(":memory:"))
    >>> with guard.open() as ws:
    ...     ws.networks().empty
    True
    """

    def __init__(
        self, path: Path, cache_size: int = 8, idle_close: float | None = 1.0,
        wait: float | None = None,
    ) -> None:
        self.path = path
        self._wait = wait
        self._idle = None if str(path) == ":memory:" else idle_close
        self._lock = threading.RLock()
        self._ws: Workspace | None = Workspace(str(path), wait=wait)
        self._users = 0
        self._last_used = time.monotonic()
        self._timer: threading.Timer | None = None
        self._cache: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
        self._cache_size = cache_size
        self._arm_idle_close()

    @property
    def is_open(self) -> bool:
        """Whether the file is open (held) by this process now."""
        return self._ws is not None

    @contextmanager
    def open(self) -> Iterator[Workspace]:
        """The workspace, locked for the duration of the ``with`` block."""
        with self._lock:
            if self._ws is None:
                self._ws = Workspace(str(self.path), wait=self._wait)
            self._users += 1
            try:
                yield self._ws
            finally:
                self._users -= 1
                self._last_used = time.monotonic()
                self._arm_idle_close()

    def _arm_idle_close(self, delay: float | None = None) -> None:
        # One pending timer at a time; it re-arms itself while requests keep coming.
        if self._idle is None or (self._timer is not None and delay is None):
            return
        timer = threading.Timer(self._idle if delay is None else delay, self._close_if_idle)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            self._timer = None
            if self._ws is None or self._users:
                return
            idle_for = time.monotonic() - self._last_used
            if self._idle is not None and idle_for < self._idle:
                self._arm_idle_close(self._idle - idle_for)
                return
            self._ws.close()
            self._ws = None

    def close(self) -> None:
        """Close the workspace file (the next :meth:`open` opens it again)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._ws is not None:
                self._ws.close()
                self._ws = None

    def _cached(self, key: tuple[str, str, str], build: Any) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            value = build()
            self._cache[key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
            return value

    def network_info(self, name: str) -> dict[str, Any]:
        """The catalogue row of a network, JSON-ready (raises StoreError when unknown)."""
        with self.open() as ws:
            return jsonable(ws.network_info(name))

    def graph(self, name: str) -> Graph:
        """The stored network ``name`` as a :class:`Graph` (cached)."""
        with self.open() as ws:
            stamp = str(ws.network_info(name)["created_at"])
            return self._cached(("graph", name, stamp), lambda: ws.network(name))

    def describe(self, name: str) -> dict[str, Any]:
        """:func:`downline.graph.describe` of a stored network (cached)."""
        graph = self.graph(name)
        with self.open() as ws:
            stamp = str(ws.network_info(name)["created_at"])
        return self._cached(("describe", name, stamp), lambda: jsonable(describe(graph)))

    def genealogy_info(self, name: str) -> dict[str, Any]:
        """The catalogue row of a genealogy, JSON-ready."""
        with self.open() as ws:
            return jsonable(ws.genealogy_info(name))

    def genealogy(self, name: str) -> Genealogy:
        """The stored genealogy ``name`` as a :class:`Genealogy` (cached)."""
        with self.open() as ws:
            stamp = str(ws.genealogy_info(name)["created_at"])
            return self._cached(
                ("genealogy", name, stamp), lambda: read_genealogy(ws.genealogy_frame(name))
            )

    def summary(self) -> dict[str, Any]:
        """Networks, genealogies and recent results, with the file size."""
        with self.open() as ws:
            networks = _records(ws.networks())
            genealogies = _records(ws.genealogies())
            results = _records(ws.results().head(50))
        size = sum(p.stat().st_size for p in (Path(self.path), Path(f"{self.path}.wal"))
                   if p.is_file())
        return {
            "path_name": Path(self.path).name,
            "file_bytes": size,
            "networks": networks,
            "genealogies": genealogies,
            "results": results,
        }

    def results(self, kind: str | None = None, subject: str | None = None) -> list[dict]:
        """Stored results without payloads, newest first."""
        with self.open() as ws:
            return _records(ws.results(kind=kind, subject=subject))

    def result(self, result_id: int) -> dict[str, Any]:
        """One stored result with its payload."""
        with self.open() as ws:
            return jsonable(ws.result(result_id))

    def save_result(
        self, kind: str, payload: dict[str, Any], *, subject: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> int:
        """Store a result (cleaned to plain JSON) and return its id."""
        with self.open() as ws:
            return ws.save_result(kind, jsonable(payload), subject=subject,
                                  params=jsonable(params or {}))

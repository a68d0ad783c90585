"""A workspace shared between processes: waiting for the lock, and the server letting go."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from downline.api import create_app, prepare_sample_workspace
from downline.data import sample_path
from downline.errors import StoreError, WorkspaceBusyError
from downline.store import Workspace, default_lock_wait

pytestmark = pytest.mark.filterwarnings("ignore:.*httpx2.*")

_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    """Another process that opens ``path`` for writing and keeps it ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_busy_workspace_names_the_holder(tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace(path).close()
    proc = _hold(path, 30)
    try:
        with pytest.raises(WorkspaceBusyError, match=f"process {proc.pid}"):
            Workspace(path, wait=0.2)
        with pytest.raises(WorkspaceBusyError):
            Workspace(path, read_only=True, wait=0.0)
    finally:
        proc.kill()
        proc.wait()
    # Once the holder is gone the file opens at once, its contents intact.
    with Workspace(path, wait=0.0) as ws:
        assert ws.networks().empty


def test_open_waits_for_the_holder_to_let_go(tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace(path).close()
    proc = _hold(path, 1.0)
    try:
        start = time.monotonic()
        with Workspace(path, wait=30) as ws:
            waited = time.monotonic() - start
            assert ws.networks().empty
        assert waited > 0.3  # it did have to wait for the other process
    finally:
        proc.wait(timeout=30)


def test_lock_wait_from_environment(monkeypatch):
    monkeypatch.setenv("DOWNLINE_LOCK_WAIT", "2.5")
    assert default_lock_wait() == 2.5
    monkeypatch.setenv("DOWNLINE_LOCK_WAIT", "soon")
    with pytest.raises(StoreError, match="DOWNLINE_LOCK_WAIT"):
        default_lock_wait()
    monkeypatch.delenv("DOWNLINE_LOCK_WAIT")
    assert default_lock_wait() == 15.0


def _wait_closed(guard, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while guard.is_open and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not guard.is_open


@pytest.mark.slow
def test_cli_loads_into_the_workspace_of_a_running_server(tmp_path):
    from fastapi.testclient import TestClient

    path = tmp_path / "ws.duckdb"
    prepare_sample_workspace(path)
    app = create_app(path, idle_close=0.2)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        before = client.get("/api/networks").json()
        assert [n["name"] for n in before] == ["email-Eu-core"]
        graph_before = app.state.guard.graph("email-Eu-core")
        _wait_closed(app.state.guard)
        # The CLI in another process, as a user would run it in a second terminal.
        env = {**os.environ, "DOWNLINE_LOCK_WAIT": "30"}
        cli = [sys.executable, "-m", "downline.cli"]
        res = subprocess.run(
            [*cli, "load", str(sample_path()), "--name", "second", "-w", str(path), "--json"],
            capture_output=True, text=True, env=env, timeout=120,
        )
        assert res.returncode == 0, res.stderr
        res = subprocess.run(
            [*cli, "load", str(sample_path()), "--name", "email-Eu-core", "--undirected",
             "--replace", "-w", str(path), "--json"],
            capture_output=True, text=True, env=env, timeout=120,
        )
        assert res.returncode == 0, res.stderr
        # The server sees both loads; the replaced network is rebuilt, not served stale.
        names = sorted(n["name"] for n in client.get("/api/networks").json())
        assert names == ["email-Eu-core", "second"]
        graph_after = app.state.guard.graph("email-Eu-core")
        assert graph_after.number_of_edges() > graph_before.number_of_edges()


def test_server_waits_for_the_cli_then_answers_503(tmp_path):
    from fastapi.testclient import TestClient

    path = tmp_path / "ws.duckdb"
    prepare_sample_workspace(path)
    app = create_app(path, idle_close=0.1, lock_wait=0.3)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/api/networks").status_code == 200
        _wait_closed(app.state.guard)
        proc = _hold(path, 30)
        try:
            res = client.get("/api/networks")
            assert res.status_code == 503
            assert res.headers["retry-after"] == "5"
            assert "in use by another process" in res.json()["detail"]
        finally:
            proc.kill()
            proc.wait()
        res = client.get("/api/networks")
        assert res.status_code == 200
        assert json.loads(res.text)[0]["name"] == "email-Eu-core"


@pytest.mark.slow
def test_cli_busy_workspace_is_one_line_exit_2(tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace(path).close()
    proc = _hold(path, 30)
    try:
        res = subprocess.run(
            [sys.executable, "-m", "downline.cli", "info", "-w", str(path)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "DOWNLINE_LOCK_WAIT": "0.2"},
        )
    finally:
        proc.kill()
        proc.wait()
    assert res.returncode == 2
    lines = [ln for ln in res.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "in use by process" in lines[0] and "DOWNLINE_LOCK_WAIT" in lines[0]

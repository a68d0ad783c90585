"""Resource bounds: each answers a clear 4xx (or cancels the job) before it costs much.

The formerly explosive requests of issue 15: dates reaching 2999 with daily periods
(killed at 19 GB), ``{"adopters": [3e7, 3e7, 3e7]}`` (7 GB), a job that grows past the
memory budget (an IMM job on a 1,000,000-member chain reached 8.7 GB), and jobs that run
too long. A slow client is dropped by the header deadline and the body pace rule.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from downline.api import Settings, create_app
from downline.api.jobs import resident_bytes
from downline.api.security import GuardMiddleware, SessionStore

FAR = b"member_id,sponsor_id,joined_at\n1,,1000-01-01\n2,1,2024-01-01\n3,1,2999-12-31\n"


def test_periods_bound_is_413_before_any_job(client: TestClient) -> None:
    r = client.post("/api/genealogies", files={"file": ("far.csv", FAR)}, data={"name": "far"})
    assert r.status_code == 201
    r = client.post("/api/adoption/fit", json={"genealogy": "far", "freq": "D"})
    assert r.status_code == 413
    assert "periods" in r.json()["detail"] and "2999-12-31" in r.json()["detail"]
    assert client.get("/api/jobs").json() == []


def test_adopters_bound_is_413(client: TestClient) -> None:
    r = client.post("/api/adoption/fit", json={"adopters": [3e7, 3e7, 3e7]})
    assert r.status_code == 413 and "adopters" in r.json()["detail"]
    assert client.get("/api/jobs").json() == []


def test_job_past_the_memory_budget_is_cancelled(workspace: Path) -> None:
    # IMM with a small eps samples millions of RR sets; with a budget just above what
    # the process holds now, the watchdog stops it at its next chunk.
    app = create_app(workspace, job_memory_limit=resident_bytes() + 40 * 2**20)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        job = c.post("/api/influence/jobs", json={
            "network": "email-Eu-core", "k": 50, "methods": ["imm"], "eps": 0.05,
            "runs": 10, "seed": 1}).json()
        final = app.state.jobs.wait(job["id"], timeout=120)
        assert final.state in ("cancelled", "failed"), final
        assert "memory" in (final.error or ""), final.error
        assert final.result_id is None


def test_job_past_the_time_limit_is_cancelled(workspace: Path) -> None:
    # 1 ms: no 100,000-run simulation ends that soon, however fast the machine (0.5 s was
    # passed by a quiet machine with warm kernels, and the job ended "done").
    app = create_app(workspace, job_time_limit=0.001)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        job = c.post("/api/cascade/simulate", json={
            "network": "email-Eu-core", "seeds": ["160"], "runs": 100_000, "seed": 1}).json()
        final = app.state.jobs.wait(job["id"], timeout=120)
        assert final.state == "cancelled" and "time limit" in final.error
        shown = c.get(f"/api/jobs/{job['id']}").json()
        assert shown["state"] == "cancelled" and "time limit" in shown["error"]


def test_slow_body_is_dropped_with_408() -> None:
    settings = Settings(workspace=Path("unused.duckdb"), body_grace=0.2, min_body_rate=100.0)

    async def reader(scope, receive, send) -> None:  # an app that reads its whole body
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = GuardMiddleware(reader, settings, SessionStore(60))
    calls = 0

    async def trickle() -> dict:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.1)
        return {"type": "http.request", "body": b"x", "more_body": calls < 200}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/pitch/screen", "scheme": "http",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]}
    asyncio.run(guard(scope, trickle, send))
    assert sent[0]["status"] == 408 and calls < 20


_SERVER = """
import sys, uvicorn
from downline.api import create_app, uvicorn_config
app = create_app(sys.argv[1])
uvicorn.Server(uvicorn_config(app, "127.0.0.1", int(sys.argv[2]), header_timeout=1.0,
                              log_level="warning")).run()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_slow_clients_are_dropped(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(tmp_path / "w.duckdb"),
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):  # up to 60 s for the server to start
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        request = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
        socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
        closed_after = {}
        start = time.monotonic()
        for i in range(len(request)):  # one byte every 50 ms: 10 s for the whole request
            for k, s in enumerate(socks):
                if k in closed_after:
                    continue
                try:
                    s.sendall(request[i:i + 1])
                except OSError:
                    closed_after[k] = time.monotonic() - start
            if len(closed_after) == len(socks):
                break
            time.sleep(0.05)
        for s in socks:
            s.close()
        # Each was dropped by the 1 s header deadline, long before its request was sent.
        assert len(closed_after) == 3, closed_after
        assert max(closed_after.values()) < 8.0
        # The server still answers.
        assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).is_success
    finally:
        proc.terminate()
        proc.wait(timeout=20)

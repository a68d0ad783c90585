"""A small adversarial probe on loopback (in process): no data change without authority,
no 5xx, and nothing that takes more than 2 GB or 60 s without being refused or cancelled.
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from downline.api import create_app
from downline.api.jobs import resident_bytes

TOKEN = "probe-token"
EVIL = "http://rebind.evil.example:8000"

# (method, path, keyword arguments): each must be refused or answered without harm.
PROBES = [
    ("DELETE", "/api/genealogies/sample-company", {}),
    ("DELETE", "/api/networks/email-Eu-core", {"headers": {"Host": "rebind.evil.example"}}),
    ("DELETE", "/api/networks/email-Eu-core", {"headers": {"Origin": EVIL}}),
    ("DELETE", "/api/networks/email-Eu-core", {"headers": {"Host": "rebind.evil.example:8000",
                                                            "Origin": EVIL}}),
    ("POST", "/api/workspace/samples", {"headers": {"Referer": EVIL + "/x"}}),
    ("POST", "/api/networks", {"files": {"file": ("a.txt", b"1 2\n")},
                               "data": {"name": "../../etc"}}),
    ("POST", "/api/networks", {"files": {"file": ("a.txt", b"1 2\n")},
                               "data": {"name": "email-Eu-core"}}),
    ("POST", "/api/adoption/fit", {"content": b"{not json",
                                   "headers": {"content-type": "application/json"}}),
    ("POST", "/api/adoption/fit", {"json": {"adopters": [3e7, 3e7, 3e7]}}),
    ("POST", "/api/adoption/fit", {"json": {"adopters": [1e12] * 10_000}}),
    ("POST", "/api/adoption/fit", {"json": {"example": "textbook", "horizon": 10**9}}),
    ("POST", "/api/influence/jobs", {"json": {"network": "email-Eu-core", "k": 10**6}}),
    ("POST", "/api/influence/jobs", {"json": {"network": "email-Eu-core", "eps": 0.0001}}),
    ("POST", "/api/cascade/simulate", {"json": {"network": "email-Eu-core",
                                                "seeds": ["160"] * 1001}}),
    ("POST", "/api/cascade/simulate", {"json": {"network": "email-Eu-core", "seeds": ["160"],
                                                "runs": 10**9}}),
    ("POST", "/api/pitch/screen", {"content": b'{"text": "' + b"a" * 3_000_000 + b'"}',
                                   "headers": {"content-type": "application/json"}}),
    ("GET", "/api/genealogies/sample-company/recruits", {"params": {"freq": "X"}}),
    ("GET", "/api/networks/email-Eu-core/ego", {"params": {"node": "160", "limit": 10**9}}),
    ("GET", "/api/results/0", {}),
    ("GET", "/static/../../../etc/passwd", {}),
    ("POST", "/api/login", {"data": {"token": "x" * 200_000}}),
    ("POST", "/api/logout", {"headers": {"Origin": EVIL}}),
]


def _state(client: TestClient) -> tuple:
    summary = client.get("/api/workspace", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    return (sorted(n["name"] for n in summary["networks"]),
            sorted(g["name"] for g in summary["genealogies"]))


def _probe(client: TestClient, token: str | None) -> list[str]:
    problems = []
    for method, path, kwargs in PROBES:
        kwargs = dict(kwargs)
        if token:
            kwargs["headers"] = {"Authorization": f"Bearer {token}", **kwargs.get("headers", {})}
        r = client.request(method, path, **kwargs)
        if r.status_code >= 500:
            problems.append(f"{r.status_code} on {method} {path}: {r.text[:200]}")
    return problems


def test_probe_without_authority_changes_nothing(workspace: Path) -> None:
    app = create_app(workspace, token=TOKEN, job_time_limit=20)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        before = _state(client)
        assert _probe(client, None) == []
        assert _state(client) == before
        assert app.state.jobs.list() == []


def test_probe_with_the_token_is_bounded(workspace: Path) -> None:
    # With authority the requests are allowed, but every one is refused (4xx) or runs as
    # a job that ends by itself within the time limit, and memory stays bounded.
    app = create_app(workspace, token=TOKEN, job_time_limit=20)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert _probe(client, TOKEN) == []
        # The first probe, a plain DELETE with the token, had authority; the cross-site
        # and rebinding ones did not, so the network is still there.
        assert _state(client) == (["email-Eu-core"], [])
        start = time.monotonic()
        for job in app.state.jobs.list():
            final = app.state.jobs.wait(job.id, timeout=120)
            assert final.state in ("done", "failed", "cancelled")
            assert final.finished_at - final.started_at < 60
        assert time.monotonic() - start < 120
        assert resident_bytes() < 2 * 2**30

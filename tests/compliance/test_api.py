"""The compliance endpoints: same functions as the library, 4xx on bad input, no rewrite
of the audit trail."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from downline.api import create_app
from downline.store import Workspace

from .conftest import BAD, GOOD, MEMBERS, posts


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        ws.add_genealogy("acme", MEMBERS)
    with TestClient(create_app(path, idle_close=None), base_url="http://127.0.0.1") as c:
        yield c


def _upload(client: TestClient, frame, name: str = "posts.csv"):
    data = frame.to_csv(index=False).encode()
    return client.post("/api/compliance/acme/posts?model=false",
                       files={"file": (name, io.BytesIO(data), "text/csv")})


def test_ingest_queue_act_report(client: TestClient) -> None:
    r = _upload(client, posts([("p1", "6", "2025-01-01 10:00", BAD),
                               ("p2", "99", "2025-01-01 11:00", BAD),
                               ("p3", "5", "2025-01-02 10:00", GOOD)]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 2 and body["flagged"] == 1
    assert body["issue_counts"] == {"unknown_member": 1}
    assert body["issues"][0]["file"] == "posts.csv" and body["issues"][0]["line"] == 3

    queue = client.get("/api/compliance/acme/cases",
                       params={"state": "active", "now": "2025-01-04"}).json()
    (case,) = queue["cases"]
    assert case["state"] == "notified" and case["overdue"] and case["leg"] == "2"
    one = client.get(f"/api/compliance/acme/cases/{case['case_id']}").json()
    assert one["evidence"]["post"]["text"] == BAD
    assert [h["action"] for h in one["history"]] == ["open", "notify"]

    adv = client.post("/api/compliance/acme/advance", json={"now": "2025-01-04"}).json()
    assert adv["escalated"] == [case["case_id"]]
    url = f"/api/compliance/acme/cases/{case['case_id']}/actions"
    ok = client.post(url, json={"action": "resolve", "actor": "rita", "at": "2025-01-05"})
    assert ok.status_code == 201 and ok.json()["state"] == "resolved"
    twice = client.post(url, json={"action": "resolve", "actor": "rita"})
    assert twice.status_code == 422
    assert "already resolved" in twice.json()["detail"]
    assert client.post(url, json={"action": "burn", "actor": "x"}).status_code == 422

    (program,) = client.get("/api/compliance").json()
    assert program["genealogy"] == "acme" and program["posts"] == 2 and program["cases"] == 1
    rep = client.get("/api/compliance/acme/report", params={"min_posts": 1}).json()
    assert rep["violations"] == 1 and rep["by_leg"][0]["group"] == "2"
    trail = client.get("/api/compliance/acme/audit").json()
    assert trail["verified"]["ok"]
    assert [r["action"] for r in trail["rows"]][-2:] == ["escalate", "resolve"]


def test_library_endpoints(client: TestClient) -> None:
    bad = client.post("/api/compliance/acme/library", json={"text": BAD, "approved_by": "c"})
    assert bad.status_code == 422 and "not approved" in bad.json()["detail"]
    good = client.post("/api/compliance/acme/library", json={"text": GOOD, "approved_by": "c"})
    assert good.status_code == 201
    item = good.json()["item_id"]
    _upload(client, posts([("s1", "6", "2025-01-01", GOOD + " 🔥 #glow")]))
    lib = client.get("/api/compliance/acme/library").json()
    assert lib["items"][0]["item_id"] == item and lib["items"][0]["shares"] == 1
    assert lib["edits"][0]["diff"][-1] == {"op": "+", "text": "🔥 #glow"}


def test_bad_requests_are_4xx(client: TestClient) -> None:
    r = _upload(client, posts([("p1", "6", "when?", BAD)]))
    assert r.status_code == 400 and r.json()["line"] == 2 and r.json()["field"] == "posted_at"
    assert _upload(client, posts([("p1", "6", "2025-01-01", BAD)]),
                   name="posts.exe").status_code == 422
    assert client.get("/api/compliance/nope/cases").status_code == 404
    assert client.get("/api/compliance/acme/cases/7").status_code == 404
    assert client.post("/api/compliance/acme/cases/7/actions",
                       json={"action": "resolve", "actor": "x"}).status_code == 422
    assert client.get("/api/compliance/acme/cases", params={"state": "x"}).status_code == 422
    assert client.post("/api/compliance/acme/refit").status_code == 422


def test_no_route_rewrites_the_trail(client: TestClient) -> None:
    for route in client.app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/api/compliance"):
            assert not set(route.methods) & {"PUT", "PATCH", "DELETE"}, path
    for method in ("put", "patch", "delete"):
        r = getattr(client, method)("/api/compliance/acme/audit")
        assert r.status_code == 405

"""Authentication, CSRF protection, security headers and the bind rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from downline.api import check_bind, create_app, is_loopback
from downline.api.security import SESSION_COOKIE
from downline.errors import ParameterError

TOKEN = "correct horse battery staple"


@pytest.fixture
def secured(workspace: Path):
    with TestClient(create_app(workspace, token=TOKEN, users={"ana": "pw-ana"})) as c:
        yield c


def test_token_required(secured: TestClient) -> None:
    assert secured.get("/api/health").status_code == 200
    r = secured.get("/api/workspace")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert secured.get("/api/workspace",
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = secured.get("/api/workspace", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    r = secured.post("/api/pitch/screen", json={"text": "hi", "model": False})
    assert r.status_code == 401


def test_login_sets_strict_httponly_cookie(secured: TestClient) -> None:
    r = secured.post("/api/login", data={"token": "nope"}, follow_redirects=False)
    assert r.status_code == 401
    r = secured.post("/api/login", data={"token": TOKEN, "next": "//evil.example/"},
                     follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert TOKEN not in cookie
    assert secured.get("/api/workspace").status_code == 200
    secured.post("/api/logout", follow_redirects=False)
    secured.cookies.clear()
    assert secured.get("/api/workspace").status_code == 401


def test_user_list_login(secured: TestClient) -> None:
    r = secured.post("/api/login", data={"user": "ana", "token": "pw-ana"},
                     follow_redirects=False)
    assert r.status_code == 303 and SESSION_COOKIE in r.headers["set-cookie"]
    r = secured.post("/api/login", data={"user": "ana", "token": "pw-bob"},
                     follow_redirects=False)
    assert r.status_code == 401


def test_cross_site_posts_are_refused(client: TestClient) -> None:
    body = {"text": "hi", "model": False}
    r = client.post("/api/pitch/screen", json=body, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/pitch/screen", json=body, headers={"Origin": "null"})
    assert r.status_code == 403
    r = client.post("/api/pitch/screen", json=body,
                    headers={"Referer": "https://evil.example/page"})
    assert r.status_code == 403
    ok = client.post("/api/pitch/screen", json=body, headers={"Origin": "http://testserver"})
    assert ok.status_code == 200


def test_security_headers(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_content_length_over_limit(client: TestClient) -> None:
    r = client.post("/api/pitch/screen", content=b"x" * 2_000_001,
                    headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_bind_rule() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    check_bind("127.0.0.1", None)
    check_bind("0.0.0.0", "t")
    check_bind("0.0.0.0", None, {"ana": "pw"})
    with pytest.raises(ParameterError, match="token"):
        check_bind("0.0.0.0", None)

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
    with TestClient(create_app(workspace, token=TOKEN, users={"ana": "pw-ana"}),
                    base_url="http://127.0.0.1") as c:
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
    ok = client.post("/api/pitch/screen", json=body, headers={"Origin": "http://127.0.0.1"})
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


# -- host allow-list, origin scheme (DNS rebinding) -------------------------------------


def test_rebinding_with_a_foreign_host_is_refused(client: TestClient) -> None:
    # A page on rebind.evil.example whose name now resolves to 127.0.0.1: the browser
    # sends its own name as Host and as Origin, so the two agree with each other.
    evil = {"Host": "rebind.evil.example:8000", "Origin": "http://rebind.evil.example:8000"}
    r = client.delete("/api/genealogies/sample-company", headers=evil)
    assert r.status_code == 421 and "host name" in r.json()["detail"]
    assert client.get("/api/workspace", headers={"Host": "rebind.evil.example"}
                      ).status_code == 421
    assert client.get("/", headers={"Host": "rebind.evil.example"}).status_code == 421
    names = [g["name"] for g in client.get("/api/genealogies").json()]
    assert names == ["sample-company"]


def test_loopback_names_are_accepted(client: TestClient) -> None:
    for host in ("127.0.0.1:8000", "localhost", "LOCALHOST:1234", "[::1]:8000"):
        assert client.get("/api/health", headers={"Host": host}).status_code == 200, host


def test_allowed_hosts_are_configurable(workspace: Path) -> None:
    app = create_app(workspace, token=TOKEN, allowed_hosts=("dl.example.org",))
    with TestClient(app, base_url="http://dl.example.org") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"Host": "localhost"}).status_code == 421


def test_origin_scheme_and_port_must_match(client: TestClient) -> None:
    body = {"text": "hi", "model": False}
    for origin in ("https://127.0.0.1", "ftp://127.0.0.1", "http://127.0.0.1:9",
                   "http://user@127.0.0.1", "http://rebind.evil.example"):
        r = client.post("/api/pitch/screen", json=body, headers={"Origin": origin})
        assert r.status_code == 403, origin
    ok = client.post("/api/pitch/screen", json=body, headers={"Origin": "http://127.0.0.1"})
    assert ok.status_code == 200


# -- authentication before the body ------------------------------------------------------


def test_unauthenticated_bodies_are_not_parsed(secured: TestClient) -> None:
    r = secured.post("/api/adoption/fit", content=b"{not json",
                     headers={"content-type": "application/json"})
    assert r.status_code == 401
    r = secured.post("/api/networks", files={"file": ("a.txt", b"1 2\n")},
                     data={"name": "x"})
    assert r.status_code == 401


def test_unauthenticated_large_body_is_never_read(workspace: Path) -> None:
    import asyncio

    app = create_app(workspace, token=TOKEN)
    reads = []

    async def receive() -> dict:
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/adoption/fit",
             "raw_path": b"/api/adoption/fit", "query_string": b"", "scheme": "http",
             "http_version": "1.1", "server": ("127.0.0.1", 8000),
             "client": ("127.0.0.1", 5000), "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"),
                         (b"content-type", b"application/json"),
                         (b"content-length", str(150 * 2**20).encode())]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 401 and reads == []
    app.state.guard.close()


def test_json_bodies_are_capped_below_uploads(workspace: Path) -> None:
    app = create_app(workspace, max_upload_bytes=20 * 2**20, max_json_bytes=100_000)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.post("/api/pitch/screen", content=b'{"text": "' + b"a" * 200_000 + b'"}',
                   headers={"content-type": "application/json"})
        assert r.status_code == 413 and "100,000 bytes" in r.json()["detail"]
        # The same size as a file upload is within the upload limit.
        r = c.post("/api/networks", files={"file": ("big.txt", b"1 2\n" * 50_000)},
                   data={"name": "big"})
        assert r.status_code == 201
        r = c.post("/api/login", data={"token": "x" * 100_000})
        assert r.status_code == 413


# -- sessions: expiry and logout ---------------------------------------------------------


def _with_cookie(c: TestClient, method: str, path: str, sid: str, **kw: object) -> object:
    c.cookies.clear()
    c.cookies.set(SESSION_COOKIE, sid)
    try:
        return c.request(method, path, **kw)
    finally:
        c.cookies.clear()


def _login(c: TestClient) -> str:
    r = c.post("/api/login", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303
    return r.cookies[SESSION_COOKIE]


def test_session_cookie_expires(secured: TestClient) -> None:
    r = secured.post("/api/login", data={"token": TOKEN}, follow_redirects=False)
    assert "max-age=28800" in r.headers["set-cookie"].lower()
    sid = r.cookies[SESSION_COOKIE]
    assert _with_cookie(secured, "GET", "/api/workspace", sid).status_code == 200
    store = secured.app.state.sessions
    later = store._clock() + store.ttl + 1
    store._clock = lambda: later
    assert _with_cookie(secured, "GET", "/api/workspace", sid).status_code == 401
    assert _with_cookie(secured, "GET", "/", sid, follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(secured: TestClient) -> None:
    sid = _login(secured)
    assert _with_cookie(secured, "GET", "/api/workspace", sid).status_code == 200
    r = _with_cookie(secured, "POST", "/api/logout", sid, follow_redirects=False)
    assert r.status_code == 303
    # The copied cookie is worthless once its session ended.
    assert _with_cookie(secured, "GET", "/api/workspace", sid).status_code == 401
    assert sid not in secured.app.state.sessions._sessions


def test_session_cookie_is_random_not_derived_from_the_token(secured: TestClient) -> None:
    first, second = _login(secured), _login(secured)
    assert first != second and TOKEN not in first

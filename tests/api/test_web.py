"""The dashboard's pages render from the workspace, need a login when auth is on, and load
nothing from other sites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from downline.api import create_app
from downline.web import PAGES

STATIC = Path(__file__).resolve().parents[2] / "src" / "downline" / "web"


@pytest.mark.parametrize(("key", "path", "title"), PAGES)
def test_pages_render(client: TestClient, key: str, path: str, title: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert f"<title>{title} · downline</title>" in r.text
    assert f'data-page="{key}"' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_overview_shows_the_workspace(client: TestClient) -> None:
    page = client.get("/").text
    assert "email-Eu-core" in page and "1,005" in page and "24,929" in page
    assert "sample-company" in page and "2,000" in page


def test_pages_offer_the_workspace_entries(client: TestClient) -> None:
    assert '<option value="email-Eu-core">' in client.get("/influencers").text
    assert 'value="genealogy:sample-company"' in client.get("/whatif").text
    assert 'value="genealogy:sample-company"' in client.get("/adoption").text


def test_names_are_escaped(client: TestClient) -> None:
    r = client.post("/api/networks", data={"name": "x"},
                    files={"file": ("<img src=x onerror=alert(1)>.txt", b"a b\n", "text/plain")})
    assert r.status_code == 201
    assert "<img" not in client.get("/").text


def test_pages_need_login_when_auth_is_on(workspace: Path) -> None:
    with TestClient(create_app(workspace, token="t0k"), base_url="http://127.0.0.1") as c:
        r = c.get("/whatif", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/whatif"
        login = c.get("/login?next=/whatif")
        assert 'name="next" value="/whatif"' in login.text
        assert 'type="password"' in login.text
        assert 'value="//evil"' not in c.get("/login?next=//evil").text
        assert c.get("/static/style.css").status_code == 200
        c.post("/api/login", data={"token": "t0k"})
        assert c.get("/whatif").status_code == 200


def test_vendor_libraries_are_bundled(client: TestClient) -> None:
    for name in ("plotly.min.js", "cytoscape.min.js"):
        r = client.get(f"/static/vendor/{name}")
        assert r.status_code == 200 and len(r.content) > 100_000
    versions = (STATIC / "static" / "vendor" / "VERSIONS.txt").read_text()
    assert "plotly.js-dist-min" in versions and "cytoscape" in versions


def test_no_third_party_urls_in_pages() -> None:
    sources = list((STATIC / "templates").glob("*.html")) + list((STATIC / "static").glob(
        "js/*.js"))
    for path in sources:
        text = path.read_text()
        assert not re.search(r"(src|href)=\"https?://", text), path
        assert "cdn" not in text.lower(), path

"""Browser tests: the real server (uvicorn, loopback, free port) and Debian's headless Chromium.

Chromium comes from the system (``scripts/ensure-debian.sh`` installs Debian's
package); Playwright only drives it, it never downloads a browser. Screenshots go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

try:  # playwright is a test dependency: missing, it must fail clearly, not break collection
    import playwright.sync_api as _sync_api
except ImportError as exc:
    _sync_api = None
    PLAYWRIGHT_MISSING = (f"playwright is missing ({exc}); install the test extra: "
                          "pip install -e '.[test]'")
    # The browser tests import playwright at the top; test_requirements.py reports it.
    collect_ignore_glob = ["test_dashboard.py", "test_compliance_page.py"]
else:
    PLAYWRIGHT_MISSING = None
    # expect() waits 5 s by default; a loaded 2-core CI machine needs the pages' 60 s.
    _sync_api.expect.set_options(timeout=60_000)

CHROMIUM = os.environ.get("DOWNLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"

_SERVER = """
import sys, uvicorn
from downline.api import create_app
token = sys.argv[3] or None
uvicorn.run(create_app(sys.argv[1], token=token), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A ``downline`` server in a subprocess."""

    def __init__(self, workspace: Path, token: str = "") -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(workspace), str(self.port), token],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stdout.read()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("server did not start within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        message = (f"{CHROMIUM} is missing; run sh scripts/ensure-debian.sh chromium "
                   "(make test does it)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if _sync_api is None:
        pytest.fail(PLAYWRIGHT_MISSING)
    with _sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over an empty workspace, no token (loopback)."""
    srv = Server(tmp_path_factory.mktemp("e2e") / "ws.duckdb")
    yield srv
    srv.stop()


@contextmanager
def open_page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page whose console errors land in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def page(browser: Any, server: Server) -> Iterator[Any]:
    """One browser page for a module's steps; console errors are collected."""
    with open_page(browser) as p:
        yield p


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, name)`` saves a full-page PNG as a test artifact."""

    def save(page: Any, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="session")
def make_server() -> Callable[..., Server]:
    """Start another server: ``make_server(workspace, token="")`` (stop it yourself)."""
    return Server

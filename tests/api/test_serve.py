"""The ``downline serve`` command: refuses an exposed bind without a token, really serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from downline.api import server_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    code = "import sys; from downline.cli import main; main(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_exposed_bind_without_token_exits_nonzero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DOWNLINE_TOKEN"}
    done = _cli("serve", "--host", "0.0.0.0", "--workspace", str(tmp_path / "w.duckdb"),
                env=env)
    assert done.returncode != 0
    assert "token" in done.stderr and "DOWNLINE_TOKEN" in done.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_server_url() -> None:
    assert server_url("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server_url("::", 8000) == "http://[::1]:8000/"


@pytest.mark.slow
def test_serve_sample_with_token_from_env(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, DOWNLINE_TOKEN="tok-123")
    code = "import sys; from downline.cli import main; main(sys.argv[1:])"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port), "--sample",
         "--workspace", str(tmp_path / "w.duckdb")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert httpx.get(f"{url}/api/workspace").status_code == 401
        r = httpx.get(f"{url}/api/workspace", headers={"Authorization": "Bearer tok-123"})
        assert [n["name"] for n in r.json()["networks"]] == ["email-Eu-core"]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out
    assert "tok-123" not in out + err

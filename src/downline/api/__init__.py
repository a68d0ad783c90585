"""The `downline` web service: a FastAPI REST API and the dashboard, one process.

:func:`create_app` builds the application over a workspace (one router per area, jobs
with progress and cancellation, uploads streamed to disk with a size limit, token
authentication); :func:`serve` checks the bind address and runs it with uvicorn;
:func:`prepare_sample_workspace` loads the bundled sample data. The endpoints are thin
wrappers over the areas' public functions; nothing here computes anything new. The
dashboard's pages live in :mod:`downline.web`.

Examples
--------
>>> from fastapi.testclient import TestClient
>>> with TestClient(create_app(":memory:"), base_url="http://127.0.0.1") as client:
...     client.post("/api/pitch/screen", json={"text": "Cures anxiety!", "model": False}
...                 ).json()["rule_ids"]
['HLT-1']
"""

from downline.api._settings import (
    DEFAULT_MAX_UPLOAD_BYTES,
    Settings,
    allowed_hosts_for,
    check_bind,
    is_loopback,
)
from downline.api.app import create_app
from downline.api.sample import SAMPLE_GENEALOGY, SAMPLE_NETWORK, prepare_sample_workspace
from downline.api.server import serve, server_url, uvicorn_config

__all__ = [
    "DEFAULT_MAX_UPLOAD_BYTES",
    "SAMPLE_GENEALOGY",
    "SAMPLE_NETWORK",
    "Settings",
    "allowed_hosts_for",
    "check_bind",
    "create_app",
    "is_loopback",
    "prepare_sample_workspace",
    "serve",
    "server_url",
    "uvicorn_config",
]

"""Fixtures for the API tests: a sample workspace copied per test, and test clients."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")

from fastapi.testclient import TestClient  # noqa: E402

from downline.api import create_app, prepare_sample_workspace  # noqa: E402


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the bundled sample network and genealogy, built once."""
    path = tmp_path_factory.mktemp("template") / "sample.duckdb"
    prepare_sample_workspace(path)
    return path


@pytest.fixture
def workspace(sample_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample workspace."""
    path = tmp_path / "ws" / "sample.duckdb"
    path.parent.mkdir()
    shutil.copy(sample_template, path)
    return path


@pytest.fixture
def client(workspace: Path) -> Iterator[TestClient]:
    """A test client over a copy of the sample workspace, no authentication."""
    with TestClient(create_app(workspace, max_upload_bytes=2_000_000),
                    base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def wait(client: TestClient):
    """Wait for a job submitted through ``client`` and return its final JSON."""

    def run(job: dict, timeout: float = 120) -> dict:
        assert "id" in job, job
        client.app.state.jobs.wait(job["id"], timeout=timeout)
        return client.get(f"/api/jobs/{job['id']}").json()

    return run

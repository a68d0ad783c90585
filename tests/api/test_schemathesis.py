"""Property-based API fuzzing: schemathesis drives every operation of the OpenAPI schema
(in process, over ASGI) with generated valid and invalid input; no answer may be a 5xx."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from downline.api import create_app, prepare_sample_workspace  # noqa: E402

warnings.filterwarnings("ignore", message=".*httpx2.*")

_FOLDER = Path(tempfile.mkdtemp(prefix="downline-fuzz-"))
prepare_sample_workspace(_FOLDER / "fuzz.duckdb")
# schemathesis calls the app as http://testserver.
APP = create_app(_FOLDER / "fuzz.duckdb", max_upload_bytes=1_000_000, job_workers=1,
                 allowed_hosts=("127.0.0.1", "testserver"))
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _stop_jobs() -> Iterator[None]:
    yield
    jobs = APP.state.jobs
    for job in jobs.list():
        jobs.cancel(job.id)
    jobs.shutdown()
    APP.state.guard.close()


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    for job in APP.state.jobs.list():
        APP.state.jobs.cancel(job.id)

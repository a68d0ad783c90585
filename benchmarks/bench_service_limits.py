"""The three formerly explosive requests of issue 15, against the API in process.

Run one per process, under ``/usr/bin/time -f "max RSS %M KB"`` to read the peak::

    python benchmarks/bench_service_limits.py periods    # dates to 2999, freq D (was 19 GB)
    python benchmarks/bench_service_limits.py adopters   # [3e7, 3e7, 3e7] (was 7 GB)
    python benchmarks/bench_service_limits.py imm        # eps 0.05, 1,000,000-member chain
                                                          # (was 8.7 GB)

Prints the answer, the job's end and the seconds taken, with the machine's load.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from downline.api import create_app
from downline.api.jobs import resident_bytes
from downline.genealogy import read_genealogy
from downline.store import Workspace


def main(which: str) -> None:
    warnings.filterwarnings("ignore")
    print("load average", os.getloadavg())
    path = Path(tempfile.mkdtemp()) / "ws.duckdb"
    with Workspace(path) as ws:
        if which == "imm":
            ids = np.arange(1, 1_000_001)
            frame = pd.DataFrame({"member_id": ids,
                                  "sponsor_id": np.concatenate([[None], ids[:-1]]).astype(object),
                                  "joined_at": pd.Timestamp("2024-01-01")})
            ws.add_genealogy("chain", read_genealogy(frame).to_frame())
        else:
            frame = pd.DataFrame({"member_id": [1, 2, 3], "sponsor_id": [None, 1, 1],
                                  "joined_at": ["1000-01-01", "2024-01-01", "2999-12-31"]})
            ws.add_genealogy("far", read_genealogy(frame).to_frame())
    app = create_app(path)
    print("rss before", round(resident_bytes() / 2**20), "MiB")
    start = time.time()
    with TestClient(app, base_url="http://127.0.0.1") as client:
        if which == "periods":
            r = client.post("/api/adoption/fit", json={"genealogy": "far", "freq": "D"})
            print(r.status_code, r.json()["detail"])
        elif which == "adopters":
            r = client.post("/api/adoption/fit", json={"adopters": [3e7, 3e7, 3e7]})
            print(r.status_code, r.json()["detail"])
        else:
            r = client.post("/api/influence/jobs", json={
                "genealogy": "chain", "p": 0.5, "k": 10, "methods": ["imm"], "eps": 0.05,
                "runs": 100})
            job = app.state.jobs.wait(r.json()["id"], timeout=600)
            print(r.status_code, "job", job.state, "|", job.error)
            print("job ran", round(job.finished_at - job.started_at, 1), "s; watchdog peak",
                  round(app.state.jobs.peak_bytes / 2**20), "MiB")
    print("seconds", round(time.time() - start, 1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "periods")

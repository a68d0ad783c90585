"""Load test of the screening endpoint on loopback (issue 8: at least 200 requests/s, no errors).

Starts the real server (uvicorn, one process, 127.0.0.1, a free port, a throw-away
workspace) in a subprocess, then sends a bounded number of ``POST /api/pitch/screen``
requests over ``--connections`` keep-alive connections from as many threads, stopping at
``--requests`` or ``--seconds``, whichever comes first. The client runs on the same
machine, so the figure is what the server holds while sharing the CPU with its load.
Prints requests per second, error count and latency quantiles, for the rules-only
screening and (when the pitch model loads) for the default screening with the
statistical layer.

Run::

    .venv/bin/python benchmarks/bench_api.py                   # 4,000 requests, 8 connections
    .venv/bin/python benchmarks/bench_api.py --requests 1000 --connections 4
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

TARGET = 200.0
POSTS = [
    "I made $1,730 in my first 10 days! #quityourjob",
    "This oil cured my anxiety and my migraines, link in bio",
    "Happy Monday! Coffee with my team before our product training.",
    "Fire your boss and join my team, financial freedom is one click away #ad",
    "Walking in the cancer 5K today with my sister!",
    "Our new serum is here. Sponsored: I am a [Brand] distributor.",
    "Lost 31 lbs in 90 days with this shake, clinically proven!",
    "Stay-at-home income while the kids nap. DM me.",
]
_SERVER = """
import sys, uvicorn
from downline.api import create_app
uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    """The server in a subprocess, once it answers its health check."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, str(folder / "bench.duckdb"),
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start within 60 s")


def run_load(url: str, *, requests: int, connections: int, seconds: float,
             model: bool) -> dict[str, float]:
    """Fire the requests; return throughput, errors and latency quantiles (ms)."""
    counter = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        local: list[float] = []
        with httpx.Client(base_url=url, timeout=10) as client:
            while time.perf_counter() < stop_at:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                body = {"text": POSTS[i % len(POSTS)], "model": model}
                t0 = time.perf_counter()
                try:
                    r = client.post("/api/pitch/screen", json=body)
                    if r.status_code != 200 or "flags" not in r.json():
                        errors.append(f"HTTP {r.status_code}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    lat = np.asarray(latencies) * 1000
    return {
        "requests": float(lat.shape[0]), "seconds": elapsed,
        "rps": lat.shape[0] / elapsed if elapsed else 0.0, "errors": float(len(errors)),
        "p50": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "p95": float(np.percentile(lat, 95)) if lat.size else float("nan"),
        "p99": float(np.percentile(lat, 99)) if lat.size else float("nan"),
        "first_error": errors[0] if errors else "",
    }


def main() -> int:
    """Run the load test; exit 1 when the rules-only figure misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; server: uvicorn, 1 process, loopback; "
          f"client: {args.connections} keep-alive connections on the same machine")
    with tempfile.TemporaryDirectory(prefix="downline-bench-") as folder:
        proc, url = start_server(Path(folder))
        try:
            ok = True
            for model in (False, True):
                with httpx.Client(base_url=url, timeout=30) as warm:
                    probe = warm.post("/api/pitch/screen", json={"text": POSTS[0],
                                                                 "model": model})
                    if probe.status_code != 200:
                        print(f"model={model}: skipped, the server answered "
                              f"{probe.status_code} ({probe.text[:120]})")
                        if not model:
                            ok = False
                        continue
                    for i in range(50):
                        warm.post("/api/pitch/screen", json={"text": POSTS[i % len(POSTS)],
                                                             "model": model})
                res = run_load(url, requests=args.requests, connections=args.connections,
                               seconds=args.seconds, model=model)
                label = "rules + statistical layer" if model else "rules only"
                verdict = "ok" if res["rps"] >= TARGET and res["errors"] == 0 else "BELOW TARGET"
                first = f" (first: {res['first_error']})" if res["errors"] else ""
                print(f"screen ({label}): {res['requests']:,.0f} requests in "
                      f"{res['seconds']:.1f} s = {res['rps']:,.0f} req/s, "
                      f"{res['errors']:.0f} errors{first}; "
                      f"latency p50 {res['p50']:.1f} ms, p95 {res['p95']:.1f} ms, "
                      f"p99 {res['p99']:.1f} ms; target {TARGET:.0f} req/s: {verdict}")
                if not model:
                    ok &= verdict == "ok"
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""The Diffusion network page in a real browser: upload two tables, read the summary,
step adoption on the network back through the periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def _tables(tmp: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(4)
    n = 60
    toa = rng.integers(1, 7, n).astype(object)
    toa[rng.random(n) < 0.15] = ""
    nodes = tmp / "nodes.csv"
    nodes.write_text("id,toa,village\n" + "".join(
        f"{i},{t},{1 + i % 3}\n" for i, t in enumerate(toa)))
    src, dst = rng.integers(0, n, 180), rng.integers(0, n, 180)
    edges = tmp / "edges.csv"
    edges.write_text("source,target\n" + "".join(
        f"{a},{b}\n" for a, b in zip(src, dst, strict=True) if a != b))
    return nodes, edges


def test_diffusion_page_draws_adoption_over_time(page: Any, server: Any, tmp_path: Path,
                                                 screenshot: Any) -> None:
    nodes, edges = _tables(tmp_path)
    page.goto(server.url + "/diffusion")
    assert page.title().startswith("Diffusion network")
    page.set_input_files("#nodes-file", str(nodes))
    page.set_input_files("#edges-file", str(edges))
    page.fill("#group", "village")
    page.click("#diffusion-form button[type=submit]")
    page.wait_for_selector("#network-chart .main-svg")
    page.wait_for_selector("#curve-chart .main-svg")
    assert page.locator("#summary-table tbody tr").count() == 6
    assert page.locator("#class-table tbody tr").count() == 5
    last = page.inner_text("#network-chart")
    page.fill("#period", "0")
    page.dispatch_event("#period", "input")
    assert page.inner_text("#period-label") == "1"
    assert page.inner_text("#network-chart") != last
    screenshot(page, "diffusion")
    assert not page.errors, page.errors

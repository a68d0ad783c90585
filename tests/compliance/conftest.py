"""Fixtures of the compliance tests: a hand-made company and the generated sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from downline.store import Workspace

# A small company drawn by hand:
#   1 (Gold) -> 2 (Silver) -> 4 (Bronze) -> 6 (Distributor)
#            -> 3 (Distributor) -> 5 (Distributor)
MEMBERS = pd.DataFrame({
    "member_id": ["1", "2", "3", "4", "5", "6"],
    "sponsor_id": [None, "1", "1", "2", "3", "4"],
    "joined_at": ["2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01", "2024-03-01",
                  "2024-04-01"],
    "rank": ["Gold", "Silver", "Distributor", "Bronze", "Distributor", "Distributor"],
})

BAD = "I made $4,250 last month with this business! #quityourjob"
GOOD = "#ad Our new citrus body wash is here. Bright, fresh and gentle enough for every day."


def posts(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """A posts table from ``(post_id, member_id, posted_at, text)`` rows."""
    return pd.DataFrame({
        "post_id": [r[0] for r in rows], "member_id": [r[1] for r in rows],
        "platform": "instagram", "url": [f"https://social.example/{r[0]}" for r in rows],
        "posted_at": [r[2] for r in rows], "text": [r[3] for r in rows]})


@pytest.fixture()
def ws() -> Iterator[Workspace]:
    """A throw-away workspace holding the hand-made company as ``acme``."""
    with Workspace(":memory:") as workspace:
        workspace.add_genealogy("acme", MEMBERS)
        yield workspace


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's generated sample company, loaded once into a workspace file."""
    from downline.compliance import load_genealogy, load_sample

    path: Path = tmp_path_factory.mktemp("sample") / "ws.duckdb"
    with Workspace(path) as workspace:
        info = load_sample(workspace, "sample-company", seed=1)
        gen = load_genealogy(workspace, "sample-company")
    return {"path": path, "info": info, "gen": gen}

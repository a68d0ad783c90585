"""``downline demo --no-serve``: the README's main job on the bundled sample."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from downline.cli import app
from downline.store import Workspace


@pytest.mark.slow
def test_demo_runs_every_area_and_stores_results(tmp_path):
    ws = tmp_path / "demo" / "downline.duckdb"
    res = CliRunner().invoke(app, ["demo", "--no-serve", "-w", str(ws)])
    assert res.exit_code == 0, res.output
    for section in ("network email-Eu-core", "genealogy sample-company",
                    "who carries the downline", "jump to a new platform",
                    "screening the pitch", "the compliance program"):
        assert section in res.output
    assert "HLT-1" in res.output and "INC-" in res.output
    with Workspace(ws, read_only=True) as w:
        summary = w.summary()
    assert [n["name"] for n in summary["networks"]] == ["email-Eu-core"]
    assert sorted((g["name"], g["members"]) for g in summary["genealogies"]) == [
        ("compliance-sample", 2000), ("sample-company", 2000)]
    assert "planted" in res.output
    # One stored result per dashboard page that opens on one, in the API's shapes.
    assert sorted(r["kind"] for r in summary["results"]) == ["adoption", "influencers",
                                                             "migration"]
    with Workspace(ws, read_only=True) as w:
        results = {r["kind"]: w.result(int(r["id"]))["payload"] for r in summary["results"]}
    assert set(results["influencers"]["methods"]) == {"imm", "degree", "pagerank"}
    assert len(results["migration"]["band_low"]) == len(results["migration"]["curve"])
    assert results["adoption"]["identified"] and results["adoption"]["verdict"]

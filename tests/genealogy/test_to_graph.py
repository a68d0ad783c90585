"""Genealogy.to_graph: the sponsor tree as the graph the cascade models run on."""

from __future__ import annotations

import pandas as pd
import pytest

from downline.errors import ParameterError
from downline.genealogy import Genealogy


def _tree() -> Genealogy:
    return Genealogy.from_frame(pd.DataFrame({
        "member_id": ["m9", "m3", "m7", "m1"],
        "sponsor_id": ["", "m9", "m9", "m3"],
        "joined_at": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]}))


def test_edges_run_sponsor_to_recruit_with_the_member_ids() -> None:
    g = _tree().to_graph(p=0.25)
    assert sorted(g.labels.tolist()) == ["m1", "m3", "m7", "m9"]
    assert sorted(g.successors("m9")) == ["m3", "m7"]
    assert g.successors("m3") == ["m1"]
    assert g.successors("m1") == [] and g.number_of_edges() == 3
    assert set(g.probs.tolist()) == {0.25}
    assert g.meta["source"] == "genealogy"


@pytest.mark.parametrize("p", [-0.1, 1.5, "x"])
def test_bad_probability(p) -> None:
    with pytest.raises(ParameterError, match="p must"):
        _tree().to_graph(p=p)

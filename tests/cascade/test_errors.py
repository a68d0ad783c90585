"""Bad input: clear errors naming what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from downline.cascade import Migration, simulate, spread
from downline.errors import GraphError, ParameterError
from downline.graph import Graph

from .conftest import star


def test_unknown_seeds_are_named() -> None:
    with pytest.raises(GraphError, match=r"2 node id\(s\) not in graph.*ghost, 99"):
        simulate(star(3), "ic", [0, "ghost", 99], runs=10)


def test_empty_seeds() -> None:
    with pytest.raises(ParameterError, match="at least one seed"):
        simulate(star(3), "ic", [], runs=10)


@pytest.mark.parametrize("runs", [0, -5, 2.5, True, "10"])
def test_bad_runs(runs: object) -> None:
    with pytest.raises(ParameterError, match="runs"):
        simulate(star(3), "ic", [0], runs=runs)  # type: ignore[arg-type]


def test_bad_steps_and_seed() -> None:
    with pytest.raises(ParameterError, match="steps"):
        simulate(star(3), "ic", [0], runs=10, steps=-1)
    with pytest.raises(ParameterError, match="seed"):
        simulate(star(3), "ic", [0], runs=10, seed=-3)


def test_probabilities_outside_unit_interval() -> None:
    g = star(3)
    bad = Graph(g.indptr.copy(), g.indices.copy(), np.array([0.5, 1.5, 0.2], np.float32),
                g.labels.copy(), name="bad")
    with pytest.raises(GraphError, match=r"1\.5 of edge 0 -> 2 is outside \[0, 1\]"):
        simulate(bad, "ic", [0], runs=10)


def test_lt_in_weights_above_one_name_the_node() -> None:
    g = Graph.from_edges(["a", "b"], ["v", "v"], probs=[0.7, 0.6])
    with pytest.raises(GraphError, match=r"node 'v' has 1\.3"):
        simulate(g, "lt", ["a"], runs=10)


def test_unknown_model() -> None:
    with pytest.raises(ParameterError, match="unknown model"):
        simulate(star(3), "sir", [0], runs=10)
    with pytest.raises(ParameterError, match="Migration"):
        simulate(star(3), "migration", [0], runs=10)


@pytest.mark.parametrize(
    "kwargs",
    [{"attrition_old": 1.2}, {"attrition_new": -0.1}, {"backfill": 2.0}, {"p": -1},
     {"threshold": 1.5}, {"level_decay": float("nan")}, {"follow": "jump"}, {"steps": -1},
     {"steps": 2.5}],
)
def test_migration_parameters(kwargs: dict[str, object]) -> None:
    with pytest.raises(ParameterError, match=next(iter(kwargs)).split("_")[0]):
        Migration(**kwargs)  # type: ignore[arg-type]


def test_bad_seed_indices() -> None:
    with pytest.raises(GraphError, match="seed indices"):
        spread(star(3), "ic", [7], runs=10)


def test_memory_bound_too_small_for_one_run() -> None:
    with pytest.raises(ParameterError, match="max_batch_bytes"):
        simulate(star(3), "ic", [0], runs=10, max_batch_bytes=16)

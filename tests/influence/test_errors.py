"""Bad input to the influence functions raises clear `downline.errors` exceptions."""

from __future__ import annotations

import pytest

from downline.errors import GraphError, InputError, ParameterError
from downline.graph import Graph
from downline.influence import (
    celf,
    degree_discount,
    degree_ranking,
    hist,
    imm,
    kcore_ranking,
    opim_c,
    pagerank_ranking,
    reach,
)

SELECTORS = [imm, opim_c, hist, degree_ranking, degree_discount, pagerank_ranking, kcore_ranking]


@pytest.fixture(scope="module")
def small() -> Graph:
    return Graph.from_edges([0, 0, 1, 2, 3], [1, 2, 3, 3, 4]).with_weights("wc")


@pytest.fixture(scope="module")
def edgeless() -> Graph:
    return Graph.from_edges([], [], nodes=[1, 2, 3])


@pytest.mark.parametrize("select", SELECTORS)
def test_k_larger_than_graph(select, small: Graph) -> None:
    with pytest.raises(ParameterError, match="larger than the graph"):
        select(small, 6)


@pytest.mark.parametrize("select", SELECTORS)
@pytest.mark.parametrize("k", [0, -3])
def test_k_not_positive(select, small: Graph, k: int) -> None:
    with pytest.raises(ParameterError, match="at least 1"):
        select(small, k)


@pytest.mark.parametrize("select", SELECTORS)
def test_k_not_an_integer(select, small: Graph) -> None:
    with pytest.raises(ParameterError, match="integer"):
        select(small, 2.5)


@pytest.mark.parametrize("select", [imm, opim_c, hist])
@pytest.mark.parametrize("eps", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_eps_outside_unit_interval(select, small: Graph, eps: float) -> None:
    with pytest.raises(ParameterError, match="eps"):
        select(small, 2, eps=eps)


@pytest.mark.parametrize("select", [imm, opim_c, hist])
def test_l_not_positive(select, small: Graph) -> None:
    with pytest.raises(ParameterError, match="l must be positive"):
        select(small, 2, l=0)


@pytest.mark.parametrize("select", [*SELECTORS, celf])
def test_graph_without_edges(select, edgeless: Graph) -> None:
    with pytest.raises(GraphError, match="no edges"):
        select(edgeless, 1)


def test_reach_graph_without_edges(edgeless: Graph) -> None:
    with pytest.raises(GraphError, match="no edges"):
        reach(edgeless)


@pytest.mark.parametrize("select", [imm, opim_c, hist])
def test_unknown_model(select, small: Graph) -> None:
    with pytest.raises(ParameterError, match="'ic' or 'lt'"):
        select(small, 1, model="sir")


@pytest.mark.parametrize("select", [imm, opim_c, hist, reach])
def test_lt_in_weights_above_one_name_the_node(select) -> None:
    g = Graph.from_edges(["a", "b", "c", "a"], ["x", "x", "x", "b"], probs=0.5)
    with pytest.raises(GraphError, match=r"node 'x' has 1\.5") as err:
        select(g, 1, model="lt") if select is not reach else select(g, model="lt")
    assert err.value.field == "weights"


def test_lt_with_wc_weights_is_fine() -> None:
    g = Graph.from_edges(["a", "b", "c"], ["x", "x", "x"]).with_weights("wc")
    assert imm(g, 1, model="lt", eps=0.5, seed=0).k == 1


@pytest.mark.parametrize("select", [imm, hist])
def test_bad_seed(select, small: Graph) -> None:
    with pytest.raises(ParameterError, match="seed"):
        select(small, 1, seed="abc")


def test_degree_discount_bad_p(small: Graph) -> None:
    with pytest.raises(ParameterError, match="p must lie"):
        degree_discount(small, 1, p=2.0)


def test_reach_bad_rr_sets(small: Graph) -> None:
    with pytest.raises(ParameterError, match="rr_sets"):
        reach(small, rr_sets=0)


def test_errors_are_input_errors(small: Graph) -> None:
    with pytest.raises(InputError):
        imm(small, 99)


def test_one_lt_tolerance_for_selection_and_simulation() -> None:
    # In-weights summing to 1.00005: IMM allowed them (tolerance 1e-4) and then the
    # simulation inside influencer_report refused them (1e-6). One rule now: all refuse.
    from downline.cascade import LT_TOLERANCE, simulate
    from downline.influence import influencer_report

    g = Graph.from_edges(["a", "b", "a"], ["x", "x", "b"], probs=[0.5, 0.50005, 0.5])
    assert LT_TOLERANCE < 5e-5
    for run in (lambda: imm(g, 1, model="lt", eps=0.5, seed=0),
                lambda: opim_c(g, 1, model="lt", eps=0.5, seed=0),
                lambda: reach(g, model="lt", seed=0),
                lambda: influencer_report(g, 1, model="lt", seed=0),
                lambda: simulate(g, "lt", ["a"], runs=10, seed=0)):
        with pytest.raises(GraphError, match=r"node 'x' has 1\.00005") as err:
            run()
        assert err.value.field == "weights"

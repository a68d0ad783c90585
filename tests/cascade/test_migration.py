"""The downline-migration model: closed forms on tiny graphs and property tests."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from downline.cascade import (
    Migration,
    MigrationResult,
    make_task,
    run_chunk,
    simulate,
)
from downline.genealogy import generate_genealogy
from downline.graph import Graph

from .conftest import star


def test_star_with_certain_follow_moves_everyone() -> None:
    res = simulate(star(20), Migration(p=1.0, steps=3), [0], runs=50, seed=1)
    assert isinstance(res, MigrationResult)
    assert res.mean == 21 and res.std == 0
    table = res.steps_table
    assert table["moved"].tolist() == [1, 20, 0, 0]
    assert table["old_platform"].tolist() == [20, 0, 0, 0]
    assert table["new_platform"].tolist() == [1, 21, 21, 21]
    fm = res.first_movers.iloc[0]
    assert fm["downline"] == 20 and fm["share_followed"] == 1.0
    assert fm["downline_after_refill"] == 20


def test_attrition_alone_shrinks_geometrically() -> None:
    n, a_old, a_new, steps = 200, 0.1, 0.25, 6
    res = simulate(star(n), Migration(p=0.0, attrition_old=a_old, attrition_new=a_new,
                                      steps=steps), [0], runs=4000, seed=5)
    t = np.arange(steps + 1)
    old = res.steps_table["old_platform"].to_numpy()
    new = res.steps_table["new_platform"].to_numpy()
    # Binomial standard errors of the means over 4000 runs.
    exp_old = n * (1 - a_old) ** t
    se_old = np.sqrt(n * (1 - a_old) ** t * (1 - (1 - a_old) ** t) / 4000) + 1e-12
    assert np.all(np.abs(old - exp_old) <= 4 * se_old + 1e-9)
    exp_new = (1 - a_new) ** t
    se_new = np.sqrt(exp_new * (1 - exp_new) / 4000) + 1e-12
    assert np.all(np.abs(new - exp_new) <= 4 * se_new + 1e-9)
    assert res.steps_table["moved"].iloc[1:].sum() == 0


def _reachable(g: Graph, seeds: list[int]) -> int:
    mat = csr_matrix((np.ones(g.m), g.indices, g.indptr), shape=(g.n, g.n))
    seen: set[int] = set()
    for s in seeds:
        seen.update(breadth_first_order(mat, s, directed=True, return_predecessors=False))
    return len(seen)


def test_threshold_zero_moves_the_reachable_set(random_graph: Graph) -> None:
    seeds = [0, 1]
    g = random_graph.with_weights("uniform:0.01")
    res = simulate(g, Migration(follow="threshold", threshold=0.0, steps=g.n), seeds,
                   runs=20, seed=3)
    assert res.std == 0 and res.mean == _reachable(g, seeds)


def test_threshold_one_needs_every_followee() -> None:
    # v follows a and b; with threshold 1 it moves only when both moved.
    g = Graph.from_edges(["a", "b"], ["v", "v"])
    one = simulate(g, Migration(follow="threshold", threshold=1.0, steps=3), ["a"], runs=5)
    both = simulate(g, Migration(follow="threshold", threshold=1.0, steps=3), ["a", "b"],
                    runs=5)
    assert one.mean == 1 and both.mean == 3


def test_level_decay_on_a_sponsor_line() -> None:
    # 0 -> 1 -> 2 -> 3 with p = 1: level d follows with prod(decay^(i-1)) = decay^(d(d-1)/2).
    g = Graph.from_edges([0, 1, 2], [1, 2, 3])
    decay = 0.5
    res = simulate(g, Migration(p=1.0, level_decay=decay, steps=5), [0], runs=20000, seed=8)
    expected = 1 + 1 + decay + decay**3
    assert abs(res.mean - expected) < 4 * res.stderr


def test_sponsor_tree_leader_takes_part_of_downline() -> None:
    gen = generate_genealogy(2000, seed=4)
    tree = gen.to_graph(p=0.7)
    leader = max(gen.ids[gen.root_index].tolist(), key=lambda r: len(gen.downline(r)))
    flat = simulate(tree, Migration(steps=50), [leader], runs=300, seed=1)
    decayed = simulate(tree, Migration(level_decay=0.6, steps=50), [leader], runs=300, seed=1)
    fm = decayed.first_movers.iloc[0]
    assert fm["downline"] == len(gen.downline(leader))
    assert 0 < fm["share_followed"] < flat.first_movers.iloc[0]["share_followed"] < 1


def test_backfill_refills_downline() -> None:
    res = simulate(star(50), Migration(p=0.5, attrition_new=0.2, backfill=0.3, steps=8), [0],
                   runs=500, seed=2)
    fm = res.first_movers.iloc[0]
    assert res.steps_table["recruited"].sum() > 0
    assert fm["downline_after_refill"] > 0
    assert res.to_dict()["steps"][0]["moved"] == 1


def _check_run_invariants(g: Graph, model: Migration, seeds: np.ndarray, key: int) -> None:
    task = make_task(g, model, seeds)
    out = run_chunk(task, 40, key)
    ev, final = out.extra["events"], out.extra["final"]
    n, k = g.n, seeds.shape[0]
    assert (ev >= 0).all()
    # Every member of the graph is in exactly one state at the end.
    assert (final.sum(axis=1) == n).all()
    moved = ev[:, :, 0].sum(axis=1)
    assert (moved >= k).all() and (moved <= n).all()
    old = n - moved - ev[:, :, 1].sum(axis=1)
    assert np.array_equal(old, final[:, 0])
    new = moved + ev[:, :, 3].sum(axis=1) - ev[:, :, 2].sum(axis=1)
    assert np.array_equal(new, final[:, 1] + out.extra["newcomers"])
    # Dropped out: those who left the old platform plus movers no longer on the new one.
    assert np.array_equal(final[:, 2], ev[:, :, 1].sum(axis=1) + moved - final[:, 1])
    territory = np.bincount(task.owner[task.owner >= 0], minlength=k) - 1
    assert (out.extra["followed"] <= territory).all()
    assert (out.extra["followed"].sum(axis=1) == moved - k).all()
    refilled = out.extra["refilled"].sum(axis=1)
    assert (refilled <= final[:, 1] + out.extra["newcomers"]).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(2, 40),
    density=st.floats(0.0, 0.3),
    follow=st.sampled_from(["cascade", "threshold"]),
    p=st.one_of(st.none(), st.floats(0, 1)),
    threshold=st.one_of(st.just("uniform"), st.floats(0, 1)),
    rates=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)),
    decay=st.floats(0, 1),
    steps=st.integers(0, 12),
    k=st.integers(1, 3),
    graph_seed=st.integers(0, 2**16),
)
def test_counts_always_add_up(
    n: int, density: float, follow: str, p: float | None, threshold: float | str,
    rates: tuple[float, float, float], decay: float, steps: int, k: int, graph_seed: int,
) -> None:
    rng = np.random.default_rng(graph_seed)
    mask = rng.random((n, n)) < density
    src, dst = np.nonzero(mask)
    g = Graph.from_edges(src, dst, probs=rng.random(src.size), nodes=np.arange(n))
    model = Migration(
        follow=follow, p=p, threshold=threshold, attrition_old=rates[0],  # type: ignore[arg-type]
        attrition_new=rates[1], backfill=rates[2], level_decay=decay, steps=steps,
    )
    seeds = rng.choice(n, size=min(k, n), replace=False).astype(np.int32)
    _check_run_invariants(g, model, seeds, int(rng.integers(2**63)))


def test_same_seed_same_migration(random_graph: Graph) -> None:
    model = Migration(follow="threshold", attrition_old=0.05, attrition_new=0.1, backfill=0.1,
                      steps=8)
    a = simulate(random_graph, model, [0, 1], runs=300, seed=4)
    b = simulate(random_graph, model, [0, 1], runs=300, seed=4)
    assert np.array_equal(a.sizes, b.sizes)
    assert a.steps_table.equals(b.steps_table) and a.first_movers.equals(b.first_movers)


def test_steps_argument_overrides_model_steps() -> None:
    res = simulate(star(3), Migration(p=1.0, steps=10), [0], runs=3, seed=1, steps=2)
    assert len(res.steps_table) == 3 and res.params["steps"] == 2


@pytest.mark.parametrize("follow", ["cascade", "threshold"])
def test_to_frame(follow: str) -> None:
    res = simulate(star(5), Migration(follow=follow, steps=2), [0], runs=10, seed=1)  # type: ignore[arg-type]
    assert list(res.to_frame().columns)[:4] == ["step", "old_platform", "new_platform", "moved"]

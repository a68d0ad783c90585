"""IC and LT: exact small cases, determinism, chunking, steps, the low-level spread()."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
from scipy import stats

from downline.cascade import (
    ChunkTask,
    SpreadEstimate,
    chunk_keys,
    make_task,
    memory_plan,
    run_chunk,
    simulate,
    spread,
)
from downline.cascade.montecarlo import _run
from downline.graph import Graph

from .conftest import star


def path_graph(n: int, p: float) -> Graph:
    return Graph.from_edges(list(range(n - 1)), list(range(1, n)), probs=p)


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_certain_edges_reach_everything(model: str) -> None:
    g = Graph.from_edges(["a", "a", "b", "c"], ["b", "c", "d", "e"], probs=1.0)
    if model == "lt":
        g = g.with_weights("wc")
    est = simulate(g, model, ["a"], runs=50, seed=1)
    assert est.mean == 5 and est.std == 0 and est.sizes.tolist() == [5] * 50
    assert est.curve.tolist() == [1.0, 3.0, 5.0]


def test_ic_path_geometric_mean() -> None:
    # On a path with p, the spread from the head is 1 + p + p^2 + ... (exact).
    p, n = 0.5, 30
    g = path_graph(n, p)
    est = simulate(g, "ic", [0], runs=20000, seed=3)
    expected = sum(p**i for i in range(n))
    assert abs(est.mean - expected) < 4 * est.stderr + 1e-9


def test_ic_nonuniform_matches_uniform_skipping() -> None:
    # The geometric-skipping path (uniform p) and the per-edge path agree in distribution.
    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, 300, 2000), rng.integers(0, 300, 2000)
    g = Graph.from_edges(src, dst, probs=0.2, nodes=np.arange(300))
    probs = np.full(g.m, 0.2, dtype=np.float32)
    probs[0] = np.nextafter(np.float32(0.2), np.float32(1))  # breaks uniformity only
    g2 = g.with_probs(probs, "almost-uniform")
    a = simulate(g, "ic", [0, 1, 2], runs=3000, seed=11)
    b = simulate(g2, "ic", [0, 1, 2], runs=3000, seed=12)
    assert stats.ks_2samp(a.sizes, b.sizes).pvalue > 0.001


def test_lt_exact_two_parents() -> None:
    # v has in-weights 0.3 (from a) and 0.5 (from b); seeds {a} -> P(v) = 0.3.
    g = Graph.from_edges(["a", "b"], ["v", "v"], probs=[0.3, 0.5])
    est = simulate(g, "lt", ["a"], runs=20000, seed=4)
    assert abs((est.mean - 1) - 0.3) < 4 * est.stderr
    both = simulate(g, "lt", ["a", "b"], runs=20000, seed=4)
    assert abs((both.mean - 2) - 0.8) < 4 * both.stderr


def test_same_seed_same_result(random_graph: Graph) -> None:
    for model in ("ic", "lt"):
        g = random_graph.with_weights("wc") if model == "lt" else random_graph
        a = simulate(g, model, [0, 5, 9], runs=600, seed=42)
        b = simulate(g, model, [0, 5, 9], runs=600, seed=42)
        c = simulate(g, model, [0, 5, 9], runs=600, seed=43)
        assert np.array_equal(a.sizes, b.sizes) and np.array_equal(a.curve, b.curve)
        assert not np.array_equal(a.sizes, c.sizes)


@pytest.mark.parametrize("model", ["ic", "lt", "migration"])
def test_result_independent_of_threads(random_graph: Graph, model: str) -> None:
    import numba

    from downline.cascade import Migration

    chosen: object = model
    g = random_graph
    if model == "lt":
        g = random_graph.with_weights("wc")
    elif model == "migration":
        chosen = Migration(follow="threshold", attrition_old=0.1, attrition_new=0.1,
                           backfill=0.2, steps=6)
    task = make_task(g, chosen, np.array([0, 1], dtype=np.int32))  # type: ignore[arg-type]
    before = numba.get_num_threads()
    try:
        full = run_chunk(task, 301, key=99)
        numba.set_num_threads(1)
        single = run_chunk(task, 301, key=99)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(full.sizes, single.sizes)
    for name, values in full.extra.items():
        assert np.array_equal(values, single.extra[name])


def test_chunking_gives_same_distribution(random_graph: Graph) -> None:
    seeds = np.array([3, 4], dtype=np.int32)
    one = _run(random_graph, "ic", seeds, runs=4000, seed=7, steps=None, progress=None,
               max_batch_bytes=None)
    many = _run(random_graph, "ic", seeds, runs=4000, seed=7, steps=None, progress=None,
                max_batch_bytes=None, chunk_runs=37)
    assert one.params["chunks"] < many.params["chunks"]
    assert not np.array_equal(one.sizes, many.sizes)
    assert stats.ks_2samp(one.sizes, many.sizes).pvalue > 0.001
    assert abs(one.mean - many.mean) < 4 * np.hypot(one.stderr, many.stderr)


def test_chunk_keys_are_spawned_children() -> None:
    keys = chunk_keys(123, 4)
    assert len(set(keys)) == 4
    child = np.random.SeedSequence(123).spawn(4)[2]
    assert keys[2] == int(child.generate_state(1, dtype=np.uint64)[0])


def test_memory_bound_chunks_instead_of_failing(random_graph: Graph) -> None:
    task = make_task(random_graph, "ic", np.array([0], dtype=np.int32))
    chunk, work, per_run = memory_plan(task, 1000, max_batch_bytes=None)
    assert chunk == 256
    small = 2 * work + 10 * per_run
    chunk, _, _ = memory_plan(task, 1000, max_batch_bytes=small)
    assert chunk == 10
    est = simulate(random_graph, "ic", [0], runs=95, seed=1, max_batch_bytes=small)
    assert est.runs == 95 and est.params["chunks"] == 10


def test_progress_called_per_chunk(random_graph: Graph) -> None:
    calls: list[tuple[float, float | None]] = []
    simulate(random_graph, "ic", [0], runs=600, seed=1, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(256, 600), (512, 600), (600, 600)]


def test_steps_limit() -> None:
    g = path_graph(10, 1.0)
    est = simulate(g, "ic", [0], runs=5, seed=1, steps=3)
    assert est.mean == 4 and est.curve.tolist() == [1, 2, 3, 4]
    lt = simulate(g, "lt", [0], runs=5, seed=1, steps=0)
    assert lt.mean == 1


def test_spread_low_level(random_graph: Graph) -> None:
    a = spread(random_graph, "ic", np.array([1, 2], dtype=np.int32), runs=200, seed=5)
    b = simulate(random_graph, "ic", random_graph.label_of([1, 2]), runs=200, seed=5)
    assert isinstance(a, SpreadEstimate)
    assert np.array_equal(a.sizes, b.sizes)
    assert spread(random_graph, "ic", [], runs=3, seed=1).mean == 0


def test_repeated_seeds_count_once() -> None:
    est = simulate(star(3, 0.0), "ic", [0, 0, 1], runs=10, seed=1)
    assert est.mean == 2


def test_seed_none_is_recorded_and_replays(random_graph: Graph) -> None:
    a = simulate(random_graph, "ic", [0], runs=100)
    b = simulate(random_graph, "ic", [0], runs=100, seed=a.seed)
    assert np.array_equal(a.sizes, b.sizes)
    c = simulate(random_graph, "ic", [0], runs=100, seed=np.random.default_rng(3))
    assert c.runs == 100


def test_to_dict_and_frame(random_graph: Graph) -> None:
    est = simulate(random_graph, "ic", [0], runs=50, seed=1)
    d = est.to_dict()
    assert d["mean"] == est.mean and d["ci_level"] == 0.95 and d["model"] == "ic"
    assert "sizes" not in d and len(est.to_dict(include_sizes=True)["sizes"]) == 50
    frame = est.to_frame()
    assert list(frame.columns) == ["step", "adopters", "new_adopters"]
    assert frame["new_adopters"].sum() == pytest.approx(est.mean)


def test_chunk_task_is_plain_data(random_graph: Graph) -> None:
    import pickle

    task = make_task(random_graph, "ic", np.array([0], dtype=np.int32))
    again = pickle.loads(pickle.dumps(task))
    assert isinstance(again, ChunkTask)
    assert np.array_equal(run_chunk(task, 20, 5).sizes, run_chunk(again, 20, 5).sizes)


@pytest.mark.parametrize(
    "name",
    ["downline.cascade", "downline.cascade.models", "downline.cascade.montecarlo",
     "downline.cascade.results"],
)
def test_doc_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

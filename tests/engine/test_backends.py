"""Execution backends: same answers in-process and on a local Dask cluster."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from downline.engine import DaskBackend, LocalBackend, get_backend
from downline.engine.backends import EngineError
from downline.errors import ParameterError


def _chunk_sum(shared, task):
    """A chunk: a seeded draw over the shared array (a stand-in for a Monte Carlo chunk)."""
    rng = np.random.default_rng(task["seed"])
    idx = rng.integers(0, shared["values"].shape[0], task["size"])
    return float(shared["values"][idx].sum())


def _slow_chunk(shared, task):
    time.sleep(task["sleep"])
    return _chunk_sum(shared, task)


def _failing_chunk(shared, task):
    if task["seed"] == 3:
        raise ValueError("bad chunk")
    return task["seed"]


def _tasks(n=8, size=1000):
    seqs = np.random.SeedSequence(42).spawn(n)
    return [{"seed": int(s.generate_state(1)[0]), "size": size, "sleep": 0.3} for s in seqs]


@pytest.fixture(scope="module")
def dask2():
    with DaskBackend(workers=2) as backend:
        yield backend


def test_local_backend_in_order_with_progress():
    seen = []
    out = LocalBackend().map(lambda s, t: t * s["k"], {"k": 3}, [1, 2, 3],
                             progress=lambda d, t: seen.append((d, t)))
    assert out == [3, 6, 9]
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_get_backend_choices(monkeypatch):
    monkeypatch.delenv("DOWNLINE_SCHEDULER", raising=False)
    assert get_backend().name == "local"
    assert get_backend("local").name == "local"
    local = LocalBackend()
    assert get_backend(local) is local
    with pytest.raises(ParameterError):
        get_backend("spark")


def test_dask_gives_the_same_results_as_local(dask2):
    shared = {"values": np.arange(10_000, dtype=np.float64)}
    tasks = _tasks()
    assert dask2.n_workers() == 2
    assert dask2.map(_chunk_sum, shared, tasks) == LocalBackend().map(_chunk_sum, shared, tasks)


def test_shared_arrays_are_scattered_once(dask2):
    shared = {"values": np.ones(1000)}
    dask2.map(_chunk_sum, shared, _tasks(4))
    key = dask2._shared[1].key
    # broadcast: every worker holds a copy of the shared data, and keeps it after the
    # run (Dask's active memory manager, which would drop replicas every 2 s, is off)
    time.sleep(2.5)
    assert len(dask2.client.who_has()[key]) == 2
    dask2.map(_chunk_sum, shared, _tasks(4))
    # the second map reuses the broadcast data instead of shipping it again
    assert dask2._shared[1].key == key


def test_failing_chunk_is_a_clear_error(dask2):
    tasks = [{"seed": s} for s in range(6)]
    with pytest.raises(EngineError, match=r"chunk 3 of 6 failed.*ValueError: bad chunk"):
        dask2.map(_failing_chunk, {"x": 1}, tasks)


def test_worker_killed_mid_run_recomputes_the_chunk():
    shared = {"values": np.arange(5000, dtype=np.float64)}
    tasks = _tasks(8)
    expected = LocalBackend().map(_chunk_sum, shared, tasks)
    with DaskBackend(workers=2, retries=3) as backend:
        killed = []

        def kill_one(done, total):
            if not killed:
                worker = sorted(backend.client.scheduler_info()["workers"])[0]
                pid = backend.client.run(os.getpid, workers=[worker])[worker]
                os.kill(pid, signal.SIGKILL)
                killed.append(worker)

        out = backend.map(_slow_chunk, shared, tasks, progress=kill_one)
    assert killed
    assert out == expected


def test_a_new_shared_mapping_is_shipped_anew(dask2):
    # Mappings made and dropped one after the other may reuse the same id(); each must
    # still be shipped, never answered from the previous one's data.
    for k in range(5):
        out = dask2.map(lambda shared, t: shared["k"] + t, {"k": k}, [0, 1])
        assert out == [k, k + 1]


def _kernel_threads(shared, task):
    import numba

    return numba.get_num_threads(), numba.config.NUMBA_NUM_THREADS


def test_kernel_threads_on_an_existing_cluster(monkeypatch):
    from distributed import LocalCluster

    from downline.engine import KERNEL_THREADS_ENV

    monkeypatch.delenv(KERNEL_THREADS_ENV, raising=False)
    # A cluster started elsewhere, reached by its address as Slurm or Kubernetes give it.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0", host="127.0.0.1") as cluster:
        address = cluster.scheduler_address
        with DaskBackend(address) as backend:
            assert backend.kernel_threads is None  # the workers' own setting
            (used, allowed), = backend.map(_kernel_threads, {}, [0])
            assert used == allowed
        with DaskBackend(address, kernel_threads=1) as backend:
            assert backend.map(_kernel_threads, {}, [0, 1]) == [(1, allowed)] * 2
        monkeypatch.setenv(KERNEL_THREADS_ENV, "2")
        with DaskBackend(address) as backend:
            assert backend.kernel_threads == 2
            assert backend.map(_kernel_threads, {}, [0]) == [(min(2, allowed), allowed)]
        monkeypatch.setenv(KERNEL_THREADS_ENV, "many")
        with pytest.raises(ParameterError, match=KERNEL_THREADS_ENV):
            DaskBackend(address)
    with pytest.raises(ParameterError, match="kernel_threads"):
        DaskBackend(workers=1, kernel_threads=0)


def test_local_backend_on_threads_keeps_task_order():
    slow_first = [0.2, 0.0, 0.1, 0.0]

    def fn(shared, delay):
        time.sleep(delay)
        return delay * shared["k"]

    assert LocalBackend(threads=3).map(fn, {"k": 10}, slow_first) == [2.0, 0.0, 1.0, 0.0]
    assert list(LocalBackend(threads=2).imap(fn, {"k": 1}, slow_first)) == slow_first
    with pytest.raises(ParameterError, match="threads"):
        LocalBackend(threads=0)


def _mapped_name(shared, task):
    a = shared["a"]
    return getattr(a, "filename", None), float(a[task])


def test_memory_mapped_arrays_travel_as_file_names(dask2, tmp_path):
    from downline.engine.backends import _by_reference, _MappedFile, _resolved

    np.save(tmp_path / "a.npy", np.arange(10, dtype=np.float64))
    mapped = np.load(tmp_path / "a.npy", mmap_mode="r")
    shipped = _by_reference({"a": mapped, "b": np.ones(3), "c": mapped[2:]})
    assert isinstance(shipped["a"], _MappedFile)
    assert not isinstance(shipped["b"], _MappedFile)
    assert not isinstance(shipped["c"], _MappedFile)  # a view: its offset would be stale
    assert np.array_equal(_resolved(shipped)["a"], mapped)
    out = dask2.map(_mapped_name, {"a": mapped}, [3, 7])
    assert out == [(str(tmp_path / "a.npy"), 3.0), (str(tmp_path / "a.npy"), 7.0)]

"""Out-of-core CSR building: same graph as the in-memory reader, from streamed batches."""

from __future__ import annotations

import numpy as np
import pytest

from downline.cascade import simulate
from downline.engine import DaskBackend
from downline.errors import FormatError, GraphError
from downline.graph import edgelist_to_csr, open_csr, read_graph


def _same(a, b):
    return (np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
            and np.array_equal(a.probs, b.probs) and np.array_equal(a.labels, b.labels))


@pytest.mark.parametrize("name", [
    "facebook/facebook_OPIM_bidirected_4039n_176468arcs.txt",
    "nethept/NetHEPT_snowgy_15233n_32235arcs_wc.txt",
    "email-eu-core/email-Eu-core.txt",
])
def test_matches_in_memory_reader(shared_data, tmp_path, name):
    g = open_csr(edgelist_to_csr(shared_data / name, tmp_path / "csr"))
    assert isinstance(g.indices, np.memmap)
    assert _same(g, read_graph(shared_data / name))


def test_small_batches_duplicates_and_self_loops(tmp_path, monkeypatch):
    from downline.graph import outofcore

    rng = np.random.default_rng(2)
    src, dst = rng.integers(0, 300, 20_000), rng.integers(0, 300, 20_000)
    p = rng.random(20_000).round(3)
    path = tmp_path / "g.tsv"
    path.write_text("".join(f"{a}\t{b}\t{w}\n" for a, b, w in zip(src, dst, p, strict=True)))
    monkeypatch.setattr(outofcore, "_BATCH_BYTES", 4096)  # many batches
    for dup in ("drop", "keep"):
        g = open_csr(edgelist_to_csr(path, tmp_path / f"csr_{dup}", duplicates=dup))
        assert _same(g, read_graph(path, duplicates=dup))
        assert g.meta["self_loops_dropped"] == int(np.sum(src == dst))


def test_bad_inputs(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        edgelist_to_csr(tmp_path / "none.txt", tmp_path / "out")
    strings = tmp_path / "s.txt"
    strings.write_text("alice\tbob\nbob\tcarol\n")
    with pytest.raises(FormatError, match="integer node ids"):
        edgelist_to_csr(strings, tmp_path / "out")
    probs = tmp_path / "p.txt"
    probs.write_text("1\t2\t0.5\n2\t3\t1.5\n")
    with pytest.raises(GraphError, match=r"1\.5 in data row 2 is outside"):
        edgelist_to_csr(probs, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_dask_workers_open_the_mapped_files(shared_data, tmp_path):
    folder = edgelist_to_csr(
        shared_data / "facebook" / "facebook_OPIM_bidirected_4039n_176468arcs.txt",
        tmp_path / "fb")
    g = open_csr(folder).with_weights("wc")
    seeds = [107, 1684, 3437]
    local = simulate(g, "ic", seeds, runs=600, seed=4)
    with DaskBackend(workers=2) as backend:
        remote = simulate(g, "ic", seeds, runs=600, seed=4, backend=backend)
    assert np.array_equal(local.sizes, remote.sizes)


def test_reads_through_the_shared_table_reader(tmp_path, monkeypatch):
    # Comments and blank lines inside the data, CRLF, runs of blanks, a names header,
    # gzip: what pyarrow's streaming CSV reader could not take.
    import gzip

    from downline.graph import outofcore

    rng = np.random.default_rng(8)
    lines = ["# exported", "source  target  p"]
    for i in range(5000):
        lines.append(f"{rng.integers(0, 700)}   {rng.integers(0, 700)}  {rng.random():.3f}  ")
        if i % 300 == 0:
            lines += ["", "% a note"]
    path = tmp_path / "messy.txt.gz"
    path.write_bytes(gzip.compress(("\r\n".join(lines) + "\r\n").encode()))
    monkeypatch.setattr(outofcore, "_BATCH_BYTES", 2048)
    assert _same(open_csr(edgelist_to_csr(path, tmp_path / "csr")), read_graph(path))
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2\n# fine\n3 x\n")
    with pytest.raises(FormatError, match="integer node ids") as info:
        edgelist_to_csr(bad, tmp_path / "out")
    assert info.value.line == 3
    assert not (tmp_path / "out.partial").exists()

"""Fuzzing every reader: random bytes, truncations, wrong types, extreme numbers and dates.

The contract: a reader returns a result or raises a ``downline.errors`` exception (never
a traceback of pyarrow, pandas, numpy or the standard library), and memory stays within
20x the input plus 300 MB (Python allocations measured with tracemalloc; Arrow's pool
separately, by its high-water mark). Each example is small, so the suite runs in seconds.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from downline.adoption import read_adoptions
from downline.common.tables import read_table
from downline.errors import DownlineError
from downline.genealogy import read_genealogy
from downline.graph import read_graph, read_temporal_graph
from downline.migration import read_migration
from downline.pitch import screen_many

BUDGET_BASE = 300 << 20
BUDGET_RATIO = 20

_FOLLOWS = "follower,followee\n@a,@b\n"


def _migration(path: Path) -> Any:
    follows = path.with_name("follows.csv")
    follows.write_text(_FOLLOWS)
    return read_migration(path, follows)


READERS: dict[str, Callable[[Path], Any]] = {
    "table": read_table,
    "graph": read_graph,
    "graph_none": lambda p: read_graph(p, header="none"),
    "temporal": read_temporal_graph,
    "genealogy": read_genealogy,
    "adoption": read_adoptions,
    "migration": _migration,
    "posts": lambda p: screen_many(p, model=False),
}
SUFFIX = {"posts": ".csv"}


def _contract(reader: str, path: Path) -> None:
    size = max(path.stat().st_size, 1)
    tracemalloc.start()
    try:
        READERS[reader](path)
    except DownlineError:
        pass
    except Exception as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{reader} let {type(exc).__name__} escape on {path.read_bytes()[:200]!r}"
                    f": {exc}")
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak <= BUDGET_RATIO * size + BUDGET_BASE, (reader, peak, size)


def _run(reader: str, data: bytes, name: str | None = None) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / (name or f"input{SUFFIX.get(reader, '.csv')}")
        path.write_bytes(data)
        _contract(reader, path)


_SETTINGS = settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])

# Text that looks like the files people have, with the mistakes they make.
_cells = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "#", '"', '""', "a,b", "2024-01-01", "2999-12-31", "0001-01-01",
                     "9999-99-99", "1e308", "-0", "007", "NaN", "inf", "2024-02-30",
                     "03/04/2022", "\ufeff", "\x00", "é", "member_id", "sponsor_id",
                     "joined_at", "period", "adopters", "time", "old_handle", "new_joined",
                     "text", "source", "target", "n", "m"]),
    st.text(max_size=8),
)
_lines = st.lists(st.lists(_cells, min_size=0, max_size=6), min_size=0, max_size=12)
_seps = st.sampled_from([",", "\t", ";", " ", "  ", "|"])
_ends = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def text_files(draw: st.DrawFn) -> bytes:
    sep, end = draw(_seps), draw(_ends)
    header = draw(st.sampled_from([
        [], ["member_id", "sponsor_id", "joined_at"], ["period", "adopters"], ["time"],
        ["old_handle", "new_handle", "new_joined"], ["id", "text"], ["src", "dst", "time"],
        ["n", "m"]]))
    rows = ([header] if header else []) + draw(_lines)
    text = end.join(sep.join(r) for r in rows) + draw(st.sampled_from(["", end]))
    data = text.encode("utf-8", "surrogatepass")
    wrap = draw(st.sampled_from(["plain", "plain", "gzip", "bz2", "xz", "truncated-gzip"]))
    if wrap == "gzip":
        data = gzip.compress(data)
    elif wrap == "bz2":
        data = bz2.compress(data)
    elif wrap == "xz":
        data = lzma.compress(data)
    elif wrap == "truncated-gzip":
        whole = gzip.compress(data)
        data = whole[: draw(st.integers(0, max(len(whole) - 1, 0)))]
    return data


@pytest.mark.parametrize("reader", sorted(READERS))
@_SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes(reader: str, data: bytes) -> None:
    _run(reader, data)


@pytest.mark.parametrize("reader", sorted(READERS))
@_SETTINGS
@given(data=text_files())
def test_messy_text(reader: str, data: bytes) -> None:
    _run(reader, data)


_arrow_values = st.sampled_from([
    pa.array([1, 2**63 - 1], pa.int64()), pa.array([2**64 - 1, 0], pa.uint64()),
    pa.array([1.5, float("nan")]), pa.array([True, False]), pa.array([[1], [2, 3]]),
    pa.array(["a", None]), pa.array([None, None], pa.null()),
    pa.array([0, 10**15], pa.timestamp("s")), pa.array([b"\xff", b""], pa.binary()),
    pa.array(["2024-01-01", "2999-01-01"]),
])
_names = st.sampled_from(["source", "target", "p", "time", "member_id", "sponsor_id",
                          "joined_at", "volume", "old_handle", "new_joined", "x"])


@pytest.mark.parametrize("reader", ["graph", "temporal", "genealogy", "migration"])
@_SETTINGS
@given(cols=st.dictionaries(_names, _arrow_values, min_size=1, max_size=4))
def test_parquet_of_wrong_types(reader: str, cols: dict[str, pa.Array]) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.parquet"
        pq.write_table(pa.table(cols), path)
        _contract(reader, path)


@pytest.mark.parametrize("reader", ["graph", "genealogy"])
@_SETTINGS
@given(data=st.binary(min_size=1, max_size=300), cut=st.integers(0, 2000))
def test_truncated_parquet(reader: str, data: bytes, cut: int) -> None:
    with TemporaryDirectory() as tmp:
        good = Path(tmp) / "good.parquet"
        pq.write_table(pa.table({"source": [1, 2, 3], "target": [2, 3, 1],
                                 "member_id": [1, 2, 3], "sponsor_id": [None, 1, 1],
                                 "joined_at": ["2024-01-01"] * 3}), good)
        whole = good.read_bytes()
        path = Path(tmp) / "input.parquet"
        path.write_bytes(whole[: cut % len(whole)] + data[: cut % 7])
        _contract(reader, path)


@pytest.mark.parametrize("reader", ["graph", "graphml", "gexf"])
@_SETTINGS
@given(data=st.binary(max_size=300))
def test_xml_graphs(reader: str, data: bytes) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / ("input.graphml" if reader != "gexf" else "input.gexf")
        path.write_bytes(b"<?xml version='1.0'?><graphml><graph>" + data)
        _contract("graph", path)


# -- the hostile files of the issue, measured ---------------------------------------------


def test_one_line_of_300000_fields_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_text(" ".join(str(i) for i in range(300_000)) + "\n")  # about 2 MB
    for reader in ("graph", "table", "genealogy", "adoption"):
        _contract(reader, path)


def test_gzip_bomb_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        chunk = b"1\t2\n" * (1 << 20)
        for _ in range(64):  # 256 MiB of text in about 250 KB
            fh.write(chunk)
    assert path.stat().st_size < 2 << 20
    for reader in ("graph", "genealogy", "table"):
        _contract(reader, path)

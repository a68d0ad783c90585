"""The chunked route of the table reader: the same rows, lines and errors as read_table."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from downline.common import tables
from downline.common.limits import Limits
from downline.errors import ChunkedReadUnsupported, FormatError, LimitError


def _w(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def _rows(path: Path, **kw) -> tuple[list[list[str]], list[int]]:
    fields, lines = [], []
    for chunk in tables.iter_chunks(path, **kw):
        cols = [chunk.text(c).to_pylist() for c in range(chunk.starts.shape[1])]
        fields += [list(r) for r in zip(*cols, strict=True)]
        lines += chunk.lines.tolist()
    return fields, lines


@pytest.mark.parametrize("block", [16, 64, 1 << 20])
@pytest.mark.parametrize("sep", ["\t", ",", " ", "  "])
def test_chunks_match_read_table_across_block_sizes(tmp_path, sep, block):
    rng = np.random.default_rng(3)
    text = ["# a comment", "source" + sep + "target" + sep + "w"]
    for i in range(300):
        text.append(sep.join([f"u{rng.integers(0, 50)}", str(rng.integers(0, 50)),
                              f"{rng.random():.3f}"]) + ("  " if i % 7 == 0 else ""))
        if i % 11 == 0:
            text.append("")
        if i % 29 == 0:
            text.append("% konect")
    p = _w(tmp_path, "e.txt", "\ufeff" + "\r\n".join(text) + "\r\n")
    whole = tables.read_table(p, comment=("#", "%"), strip_lines=True, types="string")
    fields, lines = _rows(p, comment=("#", "%"), block_bytes=block)
    assert fields == [list(r) for r in zip(*[c.to_pylist() for c in whole.columns],
                                             strict=True)]
    assert lines == whole.line_numbers().tolist()


def test_integers_are_numbers_as_written(tmp_path):
    p = _w(tmp_path, "i.txt", "0 -4\n17 007\n+5 9223372036854775808\n")
    (chunk,) = tables.iter_chunks(p, header="none")
    values, bad = chunk.integers(0)
    assert bad == 2 and values[:2].tolist() == [0, 17]
    values, bad = chunk.integers(1)
    assert bad == 1 and values[0] == -4


def test_errors_name_the_line_in_any_block(tmp_path):
    body = "".join(f"{i}\t{i + 1}\n" for i in range(2000))
    p = _w(tmp_path, "r.txt", body + "1\t2\t3\n")
    with pytest.raises(FormatError, match="expected 2 fields") as info:
        list(tables.iter_chunks(p, header="none", delimiter="\t", block_bytes=256))
    assert info.value.line == 2001
    long = _w(tmp_path, "l.txt", body + "9" * 5000 + "\t1\n")
    with pytest.raises(LimitError, match="DOWNLINE_MAX_LINE_BYTES") as info:
        list(tables.iter_chunks(long, header="none", block_bytes=256,
                                limits=Limits(max_line_bytes=1000)))
    assert info.value.line == 2001
    # Past the sniffed head, in a block that starts lines before it.
    far = "".join(f"{i}\t{i + 1}\n" for i in range(12_000))
    long = _w(tmp_path, "l2.txt", far + "9" * 5000 + "\t1\n" + far)
    with pytest.raises(LimitError, match="DOWNLINE_MAX_LINE_BYTES") as info:
        list(tables.iter_chunks(long, header="none", block_bytes=8192,
                                limits=Limits(max_line_bytes=1000)))
    assert info.value.line == 12_001
    bad = _w(tmp_path, "u.txt", body.encode() + b"\xff\t1\n")
    with pytest.raises(FormatError, match="not UTF-8") as info:
        list(tables.iter_chunks(bad, header="none", block_bytes=256))
    assert info.value.line == 2001


def test_compressed_and_empty_files(tmp_path):
    p = _w(tmp_path, "g.txt.gz", gzip.compress(b"# x\n1 2\n\n3 4\n"))
    fields, lines = _rows(p, header="none")
    assert fields == [["1", "2"], ["3", "4"]] and lines == [2, 4]
    with pytest.raises(FormatError, match="header line but no data"):
        list(tables.iter_chunks(_w(tmp_path, "h.txt", "a b\n# only\n")))


def test_files_the_chunked_route_leaves_to_read_table(tmp_path):
    with pytest.raises(ChunkedReadUnsupported):
        list(tables.iter_chunks(_w(tmp_path, "q.csv", 'a,b\n"x, y",2\n')))
    # Tabs in the lines the separator is guessed from, runs of spaces further down.
    mixed = _w(tmp_path, "m.txt", "1\t2\n" * 60 + "5  6\n")
    with pytest.raises(ChunkedReadUnsupported) as info:
        list(tables.iter_chunks(mixed, header="none"))
    assert info.value.retry is not None
    fields, _ = _rows(mixed, header="none", sniffed=info.value.retry)
    assert fields == [["1", "2"]] * 60 + [["5", "6"]]

"""The shared text-table reader: dialects, line numbers, compression and bounds."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pyarrow as pa
import pytest

from downline.common.limits import Limits
from downline.common.tables import read_table, sniff
from downline.errors import FormatError, LimitError


def _w(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


def test_bom_crlf_comments_blank_lines_and_line_numbers(tmp_path):
    p = _w(tmp_path, "t.csv", b"\xef\xbb\xbf# c\r\nid,name\r\n1, ann \r\n\r\n# x\r\n2,bob\r\n")
    t = read_table(p)
    assert t.names == ["id", "name"]
    assert t.column("name").to_pylist() == ["ann", "bob"]
    assert [t.line_of(i) for i in range(t.num_rows)] == [3, 6]


@pytest.mark.parametrize("sep", [",", "\t", ";", "|"])
def test_separators_are_guessed(tmp_path, sep):
    p = _w(tmp_path, "t.txt", f"a{sep}b\n1{sep}2\n3{sep}4\n")
    t = read_table(p)
    assert t.dialect.delimiter == sep
    assert t.as_strings().column("b").to_pylist() == ["2", "4"]


def test_runs_of_blanks(tmp_path):
    p = _w(tmp_path, "t.txt", "1   2 \n 3\t 4\n")
    t = read_table(p, header="none")
    assert t.dialect.delimiter == " "
    assert t.column(0).to_pylist() == ["1", "3"]
    assert t.column(1).to_pylist() == ["2", "4"]


def test_tab_file_with_a_line_in_spaces_splits_on_blanks(tmp_path):
    # Wiki-Vote as mirrors carry it: first line "30  1412", the rest tab-separated.
    p = _w(tmp_path, "w.txt", "30  1412\n30\t3352\n30\t5254\n3\t28\n")
    t = read_table(p, header="none")
    assert t.num_rows == 4
    assert t.as_strings().column(0).to_pylist() == ["30", "30", "30", "3"]


def test_quoted_fields(tmp_path):
    p = _w(tmp_path, "q.csv", 'id,text\n1,"hello, world"\n# c\n2,"say ""hi"""\n')
    t = read_table(p)
    assert t.column("text").to_pylist() == ["hello, world", 'say "hi"']
    assert t.line_of(1) == 4


def test_ragged_line_is_named(tmp_path):
    p = _w(tmp_path, "r.csv", "a,b\n1,2\n# c\n3,4,5\n")
    with pytest.raises(FormatError, match=r"r.csv:4.*expected 2 fields.*found 3"):
        read_table(p)


def test_unterminated_quote_is_named(tmp_path):
    p = _w(tmp_path, "u.csv", 'a,b\n1,"2\n3,4\n')
    with pytest.raises(FormatError, match=r"u.csv:2"):
        read_table(p)


def test_not_utf8_names_line(tmp_path):
    p = _w(tmp_path, "b.csv", b"a,b\n1,2\n3,\xff\n")
    with pytest.raises(FormatError, match=r"b.csv:3.*not UTF-8"):
        read_table(p)


def test_empty_and_comment_only_files(tmp_path):
    with pytest.raises(FormatError, match="empty"):
        read_table(_w(tmp_path, "e.csv", "  \n"))
    with pytest.raises(FormatError, match="no data lines"):
        read_table(_w(tmp_path, "c.csv", "# only\n# comments\n"))
    with pytest.raises(FormatError, match="not found"):
        read_table(tmp_path / "missing.csv")


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compression_by_content(tmp_path, compress):
    p = _w(tmp_path, "t.dat", compress(b"a,b\n1,2\n"))
    assert read_table(p).as_strings().column("a").to_pylist() == ["1"]


def test_zstd(tmp_path):
    if not pa.Codec.is_available("zstd"):
        pytest.skip("pyarrow without zstd")
    data = pa.compress(b"a,b\n1,2\n", codec="zstd", asbytes=True)
    # pa.compress gives a raw frame; write it as a file with its magic number.
    p = _w(tmp_path, "t.zst", data)
    assert read_table(p).as_strings().column("b").to_pylist() == ["2"]


def test_truncated_gzip_is_a_format_error(tmp_path):
    whole = gzip.compress(b"a,b\n" + b"1,2\n" * 10_000)
    p = _w(tmp_path, "t.csv.gz", whole[: len(whole) // 2])
    with pytest.raises(FormatError, match="truncated"):
        read_table(p)


def test_corrupt_gzip_is_a_format_error(tmp_path):
    whole = bytearray(gzip.compress(b"a,b\n" + b"1,2\n" * 1000))
    whole[20:40] = b"\x00" * 20
    with pytest.raises(FormatError):
        read_table(_w(tmp_path, "t.csv.gz", bytes(whole)))


def test_gzip_bomb_is_refused(tmp_path):
    p = _w(tmp_path, "bomb.gz", gzip.compress(b"1 2\n" * (20 << 20)))  # 80 MiB of text
    with pytest.raises(LimitError, match="decompresses to more than"):
        read_table(p, limits=Limits(min_decompressed=1 << 20, max_ratio=20))


def test_too_many_fields_on_one_line(tmp_path):
    p = _w(tmp_path, "wide.txt", " ".join(["1"] * 300_000) + "\n")
    with pytest.raises(LimitError, match=r"wide.txt:1.*fields|wide.txt:1.*bytes"):
        read_table(p)
    with pytest.raises(LimitError, match=r"wide.txt:1.*300,000 fields"):
        read_table(p, limits=Limits(max_line_bytes=10 << 20))


def test_too_long_line_later_in_the_file(tmp_path):
    p = _w(tmp_path, "long.txt", "1 2\n" * 10 + "1 " + "x" * 5000 + "\n")
    with pytest.raises(LimitError, match=r"long.txt:11"):
        read_table(p, header="none", limits=Limits(max_line_bytes=1000))


def test_limits_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DOWNLINE_MAX_FIELDS", "3")
    p = _w(tmp_path, "t.csv", "a,b,c,d\n1,2,3,4\n")
    with pytest.raises(LimitError, match="DOWNLINE_MAX_FIELDS"):
        read_table(p)


def test_header_skip_keeps_the_first_line(tmp_path):
    p = _w(tmp_path, "g.txt", "3 2\n0 1\n1 2\n")
    t = read_table(p, header="skip")
    assert t.header == ["3", "2"]
    assert t.num_rows == 2 and t.line_of(0) == 2


def test_sniff(tmp_path):
    p = _w(tmp_path, "g.txt", "# x\n% y\n1\t2\n")
    s = sniff(p, comment=("#", "%"))
    assert s.leading == 2 and s.first == [["1", "2"]] and s.first_line == 3


def test_fast_and_robust_routes_agree(tmp_path):
    clean = _w(tmp_path, "a.tsv", "".join(f"{i}\t{i + 1}\n" for i in range(1000)))
    messy = _w(tmp_path, "b.tsv", "# c\n" + "".join(f"{i}\t{i + 1}\n\n" for i in range(1000)))
    a = read_table(clean, header="none").as_strings()
    b = read_table(messy, header="none").as_strings()
    assert a.column(0).to_pylist() == b.column(0).to_pylist()
    assert b.line_of(999) == 2 + 2 * 999


def test_quoted_line_breaks(tmp_path):
    p = _w(tmp_path, "posts.csv", 'id,text\n1,"first line\n# not a comment\n\nlast"\n2,plain\n'
                                  '3,"a ""quote"""\n')
    t = read_table(p)
    assert t.column("text").to_pylist() == ["first line\n# not a comment\n\nlast", "plain",
                                            'a "quote"']
    assert [t.line_of(i) for i in range(3)] == [2, 6, 7]

"""Invalid trees and unreadable files raise clear `downline.errors` exceptions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from downline.errors import FormatError, GenealogyError, ParameterError
from downline.genealogy import Genealogy, read_genealogy, write_genealogy

HEADER = "member_id,sponsor_id,joined_at\n"


def members(rows: list[tuple], columns: str = "member_id,sponsor_id,joined_at") -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split(","))


def write(tmp_path: Path, text: str | bytes, name: str = "tree.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return path


# -- invalid trees -----------------------------------------------------------------------


def test_unknown_sponsors_are_all_named(tmp_path: Path) -> None:
    rows = "a,,2024-01-01\nb,zz,2024-01-02\nc,a,2024-01-03\nd,yy,2024-01-04\n"
    path = write(tmp_path, HEADER + rows)
    with pytest.raises(GenealogyError) as info:
        read_genealogy(path)
    message = str(info.value)
    assert "unknown sponsors" in message
    assert "'zz'" in message and "'yy'" in message
    assert "line 3" in message and "line 5" in message
    assert info.value.line == 3


def test_many_unknown_sponsors_are_capped() -> None:
    rows = [("root", None, "2024-01-01")] + [
        (f"m{i}", f"ghost{i}", "2024-01-02") for i in range(15)
    ]
    with pytest.raises(GenealogyError, match="and 5 more"):
        Genealogy.from_frame(members(rows))


def test_duplicate_ids_and_unknown_sponsor_reported_together(tmp_path: Path) -> None:
    rows = "a,,2024-01-01\nb,a,2024-01-02\nb,a,2024-01-03\nc,q,2024-01-03\n"
    path = write(tmp_path, HEADER + rows)
    with pytest.raises(GenealogyError) as info:
        read_genealogy(path)
    message = str(info.value)
    assert "duplicate member ids: 'b' (line 3, line 4)" in message
    assert "unknown sponsors" in message and "'q'" in message


def test_self_sponsor() -> None:
    rows = [("a", None, "2024-01-01"), ("b", "b", "2024-01-02")]
    with pytest.raises(GenealogyError, match="'b' is their own sponsor"):
        Genealogy.from_frame(members(rows))


def test_three_cycle_is_named(tmp_path: Path) -> None:
    text = HEADER + "r,,2024-01-01\np,r,2024-01-01\n"
    text += "x,z,2024-01-02\ny,x,2024-01-02\nz,y,2024-01-02\nw,x,2024-01-05\n"
    with pytest.raises(GenealogyError) as info:
        read_genealogy(write(tmp_path, text))
    message = str(info.value)
    assert "sponsor cycle" in message
    for name in ("'x'", "'y'", "'z'"):
        assert name in message
    assert "'r'" not in message and "'p'" not in message
    # Upline order, closed: x is sponsored by z, z by y, y by x.
    assert "'x' -> 'z' -> 'y' -> 'x'" in message
    assert "1 more members hang below them" in message
    assert info.value.line == 4


def test_two_cycles_and_no_root() -> None:
    rows = [(1, 2, "2024-01-01"), (2, 1, "2024-01-01"), (3, 3, "2024-01-01")]
    with pytest.raises(GenealogyError, match="sponsor cycles") as info:
        Genealogy.from_frame(members(rows))
    assert "1 -> 2 -> 1" in str(info.value) or "2 -> 1 -> 2" in str(info.value)
    assert "3 is their own sponsor" in str(info.value)


def test_several_roots_are_allowed_and_reported() -> None:
    rows = [("a", "", "2024-01-01"), ("b", None, "2024-01-01"), ("c", "a", "2024-01-02"),
            ("d", float("nan"), "2024-01-03")]
    gen = Genealogy.from_frame(members(rows))
    assert list(gen.roots) == ["a", "b", "d"]
    assert gen.root_index.tolist() == [0, 1, 3]


def test_left_before_joining() -> None:
    rows = [("a", None, "2024-03-01", "2024-02-01")]
    with pytest.raises(GenealogyError, match="left before joining"):
        Genealogy.from_frame(members(rows, "member_id,sponsor_id,joined_at,left_at"))


def test_frame_errors_name_the_row() -> None:
    rows = [("a", None, "2024-01-01"), ("b", "a", "2024-02-30")]
    df = members(rows).set_axis(["r1", "r2"])
    with pytest.raises(FormatError, match="row 'r2'") as info:
        Genealogy.from_frame(df)
    assert info.value.field == "joined_at"
    with pytest.raises(FormatError, match="member_id is empty"):
        Genealogy.from_frame(members([(None, None, "2024-01-01")]))
    with pytest.raises(FormatError, match="missing column"):
        Genealogy.from_frame(pd.DataFrame({"member_id": [1], "joined_at": ["2024-01-01"]}))
    with pytest.raises(FormatError, match="no rows"):
        Genealogy.from_frame(members([]))


# -- frames ---------------------------------------------------------------------------


def test_frame_with_int_ids_and_nan_sponsors() -> None:
    df = pd.DataFrame(
        {
            "Member_ID ": [10, 20, 30],
            "sponsor_id": [np.nan, 10, 20],
            "joined_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "volume": [1.0, None, 2.5],
            "extra": ["x", "y", "z"],
        }
    )
    gen = read_genealogy(df)
    assert gen.ids.dtype == np.int64
    assert gen.parent.tolist() == [-1, 0, 1]
    assert gen.volume.tolist() == [1.0, 0.0, 2.5]
    assert gen.index_of("20") == 1
    assert gen.rank is None


def test_text_ids_found_by_int() -> None:
    gen = Genealogy.from_frame(members([("7", None, "2024-01-01"), ("8", "7", "2024-01-01")]))
    assert gen.ids.dtype == object
    assert gen.index_of(8) == 1


def test_bad_source_type() -> None:
    with pytest.raises(ParameterError):
        read_genealogy(42)  # type: ignore[arg-type]


# -- files ------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="file not found") as info:
        read_genealogy(tmp_path / "nope.csv")
    assert info.value.path.endswith("nope.csv")


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(FormatError, match=r"empty|no data lines"):
        read_genealogy(write(tmp_path, text))


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="header line but no data lines"):
        read_genealogy(write(tmp_path, HEADER))


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    data = (HEADER + "a,,2024-01-01\n").encode() + "b,a,2024-01-02,Jos\xe9\n".encode("latin-1")
    with pytest.raises(FormatError, match="not UTF-8") as info:
        read_genealogy(write(tmp_path, data))
    assert info.value.line == 3


def test_bad_date_names_line_and_value(tmp_path: Path) -> None:
    text = HEADER + "a,,2024-01-01\nb,a,2024-01-02\nc,a,15/03/2024\n"
    with pytest.raises(FormatError) as info:
        read_genealogy(write(tmp_path, text))
    assert info.value.line == 4
    assert info.value.field == "joined_at"
    assert "'15/03/2024'" in str(info.value) and "YYYY-MM-DD" in str(info.value)
    assert str(info.value).startswith(str(tmp_path / "tree.csv") + ":4")


def test_missing_required_value(tmp_path: Path) -> None:
    text = HEADER + "a,,2024-01-01\nb,a\n"
    with pytest.raises(FormatError, match=r"tree.csv:3: expected 3 fields"):
        read_genealogy(write(tmp_path, text))


def test_too_many_fields(tmp_path: Path) -> None:
    text = HEADER + "a,,2024-01-01\nb,a,2024-01-02,oops\n"
    with pytest.raises(FormatError, match="expected 3 fields") as info:
        read_genealogy(write(tmp_path, text))
    assert info.value.line == 3


def test_bad_volume(tmp_path: Path) -> None:
    text = "member_id,sponsor_id,joined_at,volume\na,,2024-01-01,12.5\nb,a,2024-01-02,lots\n"
    with pytest.raises(FormatError, match="volume is not a number on line 3"):
        read_genealogy(write(tmp_path, text))


def test_missing_column_names_header(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"missing column.*sponsor_id") as info:
        read_genealogy(write(tmp_path, "member_id,joined_at\na,2024-01-01\n"))
    assert info.value.line == 1


def test_messy_csv_loads_and_keeps_line_numbers(tmp_path: Path) -> None:
    text = (
        "\ufeff# exported 2024-05-01\r\n"
        "Member_ID ; Sponsor_ID ; Joined_At\r\n"
        "\r\n"
        " a ; ; 2024-01-01 \r\n"
        "b;a;2024-01-02\r\n"
    )
    gen = read_genealogy(write(tmp_path, text))
    assert list(gen.ids) == ["a", "b"]
    assert gen.parent.tolist() == [-1, 0]
    bad = text + "# note\r\nc;a;not-a-date\r\n"
    with pytest.raises(FormatError) as info:
        read_genealogy(write(tmp_path, bad))
    assert info.value.line == 7


def test_tab_separated_and_int_ids(tmp_path: Path) -> None:
    text = "member_id\tsponsor_id\tjoined_at\n1\t\t2024-01-01\n2\t1\t2024-01-02\n"
    gen = read_genealogy(write(tmp_path, text, "tree.tsv"))
    assert gen.ids.tolist() == [1, 2]
    assert gen.ids.dtype == np.int64


def test_leading_zero_ids_stay_text(tmp_path: Path) -> None:
    text = HEADER + "007,,2024-01-01\n8,007,2024-01-02\n"
    gen = read_genealogy(write(tmp_path, text))
    assert gen.ids.tolist() == ["007", "8"]


def test_parquet_and_csv_round_trip(small: Genealogy, tmp_path: Path) -> None:
    for name in ("copy.parquet", "copy.csv"):
        back = read_genealogy(write_genealogy(small, tmp_path / name))
        assert back.ids.tolist() == small.ids.tolist()
        assert back.parent.tolist() == small.parent.tolist()
        assert np.array_equal(back.left_at, small.left_at, equal_nan=True)
        assert back.volume.tolist() == small.volume.tolist()
        assert back.rank.tolist() == small.rank.tolist()


def test_bad_parquet(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="Parquet"):
        read_genealogy(write(tmp_path, b"not parquet at all", "tree.parquet"))


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="directory"):
        read_genealogy(tmp_path)


def test_gzip_and_whitespace_separated(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "tree.csv.gz"
    path.write_bytes(gzip.compress(b"member_id sponsor_id joined_at\n1 0 2024-01-01\n0 - x\n"))
    with pytest.raises(FormatError, match="line 3"):
        read_genealogy(path)
    path.write_bytes(gzip.compress((HEADER + "a,,2024-01-01\nb,a,2024-01-02\n").encode()))
    assert read_genealogy(path).parent.tolist() == [-1, 0]
    spaced = write(tmp_path, "member_id  sponsor_id\tjoined_at\n1  \t\n")
    with pytest.raises(FormatError):
        read_genealogy(spaced)
    # Runs of blanks separate fields too (then no field can be empty).
    text = "member_id sponsor_id joined_at\nr 0 2024-01-01\n0   r 2024-01-02\n"
    with pytest.raises(GenealogyError, match="'r' -> '0' -> 'r'"):
        read_genealogy(write(tmp_path, text))

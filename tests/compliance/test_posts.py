"""Reading posts tables: the three formats agree, and faults name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from downline.compliance import read_posts
from downline.errors import FormatError

ROWS = pd.DataFrame({
    "post_id": ["a1", "a2", "a3"], "member_id": ["7", "8", "007"],
    "platform": ["instagram", "tiktok", ""], "url": ["https://x/1", "", ""],
    "posted_at": ["2025-03-01 10:00", "2025-03-02T09:30:00Z", "2025-03-03"],
    "text": ["Loving my serum #ad", "Line one\nline two", "Hola"],
})


def _write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    elif path.suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_formats_agree(tmp_path: Path, suffix: str) -> None:
    table = read_posts(_write(ROWS, tmp_path / f"posts{suffix}"))
    frame = table.frame
    assert frame["post_id"].tolist() == ["a1", "a2", "a3"]
    assert frame["member_id"].tolist() == ["7", "8", "007"]
    assert frame["text"].tolist() == ROWS["text"].tolist()
    assert [str(t) for t in frame["posted_at"]] == [
        "2025-03-01 10:00:00", "2025-03-02 09:30:00", "2025-03-03 00:00:00"]
    assert table.base_dir == tmp_path


def test_csv_lines_count_quoted_line_breaks(tmp_path: Path) -> None:
    frame = ROWS.copy()
    frame.loc[2, "posted_at"] = "someday"
    path = _write(frame, tmp_path / "posts.csv")
    with pytest.raises(FormatError) as err:
        read_posts(path)
    # header line 1, a1 line 2, a2 lines 3-4, a3 line 5
    assert err.value.line == 5 and err.value.field == "posted_at"
    assert "someday" in str(err.value) and "posts.csv:5" in str(err.value)


def test_missing_column(tmp_path: Path) -> None:
    path = _write(ROWS.drop(columns=["url"]), tmp_path / "posts.csv")
    with pytest.raises(FormatError) as err:
        read_posts(path)
    assert err.value.field == "url" and err.value.line == 1


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    frame = ROWS.copy()
    frame.loc[2, "post_id"] = "a1"
    path = _write(frame, tmp_path / "posts.jsonl")
    with pytest.raises(FormatError, match=r"'a1' appears more than once \(lines 1, 3\)") as err:
        read_posts(path)
    assert err.value.field == "post_id" and err.value.line == 3


def test_empty_member(tmp_path: Path) -> None:
    frame = ROWS.copy()
    frame.loc[1, "member_id"] = " "
    with pytest.raises(FormatError) as err:
        read_posts(_write(frame, tmp_path / "posts.parquet"))
    assert err.value.field == "member_id" and err.value.line == 2


def test_bad_json_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text('{"post_id": "1"}\n{not json\n')
    with pytest.raises(FormatError) as err:
        read_posts(path)
    assert err.value.line == 2


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "posts.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(FormatError, match=r"must be \.csv"):
        read_posts(path)

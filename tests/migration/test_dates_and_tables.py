"""Migration tables: dates are ISO 8601 unless a format is given; beyond 2262 is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from downline.errors import FormatError
from downline.migration import read_migration


def _w(p: Path, text: str) -> Path:
    p.write_text(text)
    return p


@pytest.mark.parametrize("value", ["03/04/2022", "Nov 3 2022", "2022-11-03 and later"])
def test_non_iso_dates_are_refused_not_guessed(tmp_path, value):
    m = _w(tmp_path / "m.csv", f"old_handle,new_handle,new_joined\n@a,a@n,2022-11-01\n"
                               f"@b,b@n,{value}\n")
    f = _w(tmp_path / "f.csv", "follower,followee\n@b,@a\n")
    with pytest.raises(FormatError, match=r"m.csv:3, field 'new_joined'.*ISO 8601.*date-format"):
        read_migration(m, f)


def test_mixed_formats_with_a_date_format(tmp_path):
    m = _w(tmp_path / "m.csv", "old_handle,new_handle,new_joined\n@a,a@n,01/11/2022\n"
                               "@b,b@n,2022-11-03\n")
    f = _w(tmp_path / "f.csv", "follower,followee\n@b,@a\n")
    with pytest.raises(FormatError, match=r"m.csv:3.*does not match the date format"):
        read_migration(m, f, date_format="%d/%m/%Y")
    good = _w(tmp_path / "g.csv", "old_handle,new_handle,new_joined\n@a,a@n,01/11/2022\n"
                                  "@b,b@n,03/11/2022\n")
    data = read_migration(good, f, date_format="%d/%m/%Y")
    assert str(data.people["new_joined"].max())[:10] == "2022-11-03"


def test_dates_beyond_2262(tmp_path):
    m = _w(tmp_path / "m.csv", "old_handle,new_handle,new_joined\n@a,a@n,2022-11-01\n"
                               "@b,b@n,2999-01-01\n")
    f = _w(tmp_path / "f.csv", "follower,followee\n@b,@a\n")
    with pytest.raises(FormatError, match=r"m.csv:3.*outside the dates"):
        read_migration(m, f)


def test_tab_separated_gzip_members(tmp_path):
    import gzip

    m = tmp_path / "m.tsv.gz"
    m.write_bytes(gzip.compress(b"# export\nold_handle\tnew_handle\tnew_joined\n"
                                b"@a\ta@n\t2022-11-01\n\n@b\t\t\n"))
    f = _w(tmp_path / "f.csv", "follower,followee\n@b,@a\n")
    data = read_migration(m, f)
    assert len(data.people) == 2

"""Reading and validating migration tables: schema, identities, issues reported not dropped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from downline.errors import FormatError, InputError
from downline.migration import generate_migration, read_migration, write_migration


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    members = _write(tmp_path / "members.csv", "\ufeff# exported 2022-12-01\r\n"
                     "person_id,old_handle,new_handle,old_joined,old_last_seen,new_joined,"
                     "new_last_seen\r\n"
                     "ann,@ann,ann@new,2020-01-01,2022-11-01,2022-11-01,\r\n"
                     "bob,@bob,bob@new,2020-01-01,,2022-11-03,2022-11-20\r\n"
                     "cy,@cy,,2021-05-05,2022-11-10,,\r\n"
                     "dee,@dee,dee@new,2021-05-05,2021-01-01,2022-11-04,\r\n"
                     "eve,,eve@new,,,2022-11-05,2022-12-01\r\n")
    follows = _write(tmp_path / "follows.csv", "follower,followee\n@bob,@ann\n@cy,@ann\n"
                     "@zed,@ann\n@dee,@ann\n@bob,@ann\n@cy,@cy\n")
    return {"members": members, "follows": follows}


def test_reads_schema_and_roles(files: dict[str, Path]) -> None:
    data = read_migration(files["members"], files["follows"])
    assert data.people.loc["ann", "role"] == "mover"
    assert data.people.loc["cy", "role"] == "stayer"
    assert data.people.loc["eve", "role"] == "newcomer"
    assert data.observed_until == pd.Timestamp("2022-12-01")
    # followee -> follower
    assert data.graph.successors("ann") == ["bob", "cy"]
    assert list(data.movers.index) == ["ann", "bob"]


def test_issues_are_counted_with_lines(files: dict[str, Path]) -> None:
    data = read_migration(files["members"], files["follows"])
    counts = data.report.counts()
    assert counts == {"dates_out_of_order": 1, "unknown_handle": 1, "follow_of_excluded": 1,
                      "self_follow": 1, "duplicate_follow": 1}
    bad = data.report.examples("dates_out_of_order").iloc[0]
    assert (bad["line"], bad["field"]) == (6, "old_last_seen")
    unknown = data.report.examples("unknown_handle").iloc[0]
    assert (unknown["table"], unknown["line"], unknown["value"]) == ("follows", 4, "@zed")
    assert "dee" not in data.people.index
    assert data.report.excluded_people == 1
    assert data.report.to_dict()["counts"]["unknown_handle"] == 1


def test_strict_raises_with_file_and_line(files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"members.csv:6, field 'old_last_seen'"):
        read_migration(files["members"], files["follows"], strict=True)


def test_bad_date_is_a_format_error(tmp_path: Path) -> None:
    members = _write(tmp_path / "m.csv", "old_handle,new_handle,new_joined\n@a,a@n,yesterday\n")
    follows = _write(tmp_path / "f.csv", "follower,followee\n")
    with pytest.raises(FormatError, match=r"m.csv:2, field 'new_joined'.*not a date"):
        read_migration(members, follows)


def test_missing_columns(tmp_path: Path) -> None:
    members = _write(tmp_path / "m.csv", "old_handle,new_joined\n@a,2022-01-01\n")
    follows = _write(tmp_path / "f.csv", "who,whom\n@a,@a\n")
    with pytest.raises(FormatError, match="follower,followee"):
        read_migration(members, follows)


def test_identity_table_links_accounts_and_reports_conflicts() -> None:
    members = pd.DataFrame({
        "person_id": ["a", "b", "c", "A", "B", "X"],
        "old_handle": ["@a", "@b", "@c", None, None, None],
        "new_handle": [None, None, None, "a@n", "b@n", "x@n"],
        "new_joined": [None, None, None, "2022-11-01", "2022-11-02", "2022-11-03"],
    })
    identities = pd.DataFrame({"old_handle": ["@a", "@b", "@c", "@q"],
                               "new_handle": ["a@n", "b@n", "b@n", "a@n"]})
    follows = pd.DataFrame({"follower": ["@b", "@c"], "followee": ["@a", "@a"]})
    data = read_migration(members, follows, identities=identities)
    counts = data.report.counts()
    assert counts["identity_conflict"] == 2  # b@n claimed by @b and @c
    assert counts["unknown_handle"] == 1  # @q
    assert data.people.loc["a", "role"] == "mover"
    assert data.people.loc["a", "new_handle"] == "a@n"
    assert "b" not in data.people.index and "c" not in data.people.index
    assert data.people.loc["X", "role"] == "newcomer"
    assert counts["follow_of_excluded"] == 2


def test_handle_held_by_two_people() -> None:
    members = pd.DataFrame({"person_id": ["p", "q"], "old_handle": ["@same", "@same"]})
    data = read_migration(members, pd.DataFrame({"follower": [], "followee": []}),
                          observed_until="2022-12-01")
    assert data.report.counts() == {"identity_conflict": 2}
    assert data.people.empty


def test_round_trip_csv_and_parquet(tmp_path: Path) -> None:
    data = generate_migration(300, p_follow=0.3, attrition_new=0.05, backfill=0.05,
                              steps=8, seed=3)
    paths = write_migration(data, tmp_path)
    back = read_migration(paths["members"], paths["follows"], new_follows=paths["new_follows"])
    assert back.report.ok
    pd.testing.assert_frame_equal(back.people.sort_index(), data.people.sort_index(),
                                  check_dtype=False)
    assert back.graph.m == data.graph.m and back.new_graph.m == data.new_graph.m
    pq = tmp_path / "members.parquet"
    pd.read_csv(paths["members"]).to_parquet(pq)
    again = read_migration(pq, paths["follows"])
    assert len(again.people) == len(data.people)


def test_observed_until_caps_later_dates(files: dict[str, Path]) -> None:
    data = read_migration(files["members"], files["follows"], observed_until="2022-11-15")
    assert data.report.counts()["after_observed_until"] == 2
    assert data.people["new_last_seen"].max() == pd.Timestamp("2022-11-15")

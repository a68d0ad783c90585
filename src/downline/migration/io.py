"""Reading migration data: members, identities and follow tables, with validation.

Input schema
------------
``members`` (required), one row per person, or one row per account when an
``identities`` table links the accounts:

=================  =========================================================================
column             meaning
=================  =========================================================================
``person_id``      the person's id (text); optional, defaults to the old handle, else the
                   new handle
``old_handle``     handle on the old platform (blank: not on it)
``new_handle``     handle on the new platform (blank: not on it)
``old_joined``     date the person joined the old platform (optional, blank allowed)
``old_last_seen``  last activity on the old platform (blank: still active)
``new_joined``     date the person joined the new platform; required with a new handle
``new_last_seen``  last activity on the new platform (blank: still active)
=================  =========================================================================

``identities`` (optional): ``old_handle,new_handle`` pairs saying that two accounts of the
members table belong to one person (handles differ between platforms). A row holding only
an old handle and a row holding only a new handle are merged into one person.

``follows``: ``follower,followee`` old-platform handles, one row per follow.
``new_follows`` (optional): the same for the new platform (new handles).

Influence runs against the follow: a row ``follower=v, followee=u`` becomes the graph edge
``u -> v`` (``u`` influences ``v``), that is the follow list is read with ``reverse=True``
semantics. Graph nodes are person ids.

A person with both handles is a *mover* (moved at ``new_joined``), one with only an old
handle a *stayer*, one with only a new handle a *newcomer*. Anyone whose last-seen date is
on or after ``observed_until`` is still active (censored).

Validation never drops a row silently: identities that map to two people, dates out of
order, missing joining dates and follows naming unknown handles are kept out of the
analysis and listed in :class:`ValidationReport` (or raised with ``strict=True``).
Measuring lives in the other modules of :mod:`downline.migration`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from downline.common import tables
from downline.errors import FormatError, InputError, ParameterError
from downline.graph import Graph

__all__ = [
    "DATE_COLUMNS",
    "ISSUE_KINDS",
    "MEMBER_COLUMNS",
    "MigrationData",
    "ValidationReport",
    "read_migration",
    "write_migration",
]

MEMBER_COLUMNS = ("person_id", "old_handle", "new_handle", "old_joined", "old_last_seen",
                  "new_joined", "new_last_seen")
DATE_COLUMNS = ("old_joined", "old_last_seen", "new_joined", "new_last_seen")

ISSUE_KINDS = {
    "identity_conflict": "a handle or identity pair that maps to two people",
    "dates_out_of_order": "last seen before joined on a platform",
    "missing_date": "a new-platform handle without a joining date",
    "unknown_handle": "a follow or identity naming a handle not in the members table",
    "follow_of_excluded": "a follow touching a person excluded for another issue",
    "self_follow": "a person following themselves",
    "duplicate_follow": "the same follow listed again",
    "after_observed_until": "a date after observed_until (treated as observed_until)",
}
"""Every kind of issue :class:`ValidationReport` counts, with its meaning."""

_EXAMPLES = 10
Source = str | PathLike[str] | pd.DataFrame


@dataclass(frozen=True)
class ValidationReport:
    """What validation found, counted by kind, with examples.

    Attributes
    ----------
    issues : DataFrame
        One row per issue: ``kind`` (see :data:`ISSUE_KINDS`), ``table``, ``line``
        (1-based file line, or row number for a DataFrame), ``field``, ``value`` and
        ``detail``.
    rows : dict
        Rows read per table.
    excluded_people : int
        People kept out of the analysis.

    Examples
    --------
    >>> rep = ValidationReport(pd.DataFrame(columns=["kind"]), {"members": 3}, 0)
    >>> rep.ok, rep.counts()
    (True, {})
    """

    issues: pd.DataFrame
    rows: dict[str, int] = field(default_factory=dict)
    excluded_people: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return self.issues.shape[0] == 0

    def counts(self) -> dict[str, int]:
        """Number of issues per kind (kinds with none are left out)."""
        if self.issues.empty:
            return {}
        return {str(k): int(v) for k, v in self.issues["kind"].value_counts(sort=False).items()}

    def examples(self, kind: str, k: int = _EXAMPLES) -> pd.DataFrame:
        """The first ``k`` issues of a kind."""
        if self.issues.empty:
            return self.issues
        return self.issues[self.issues["kind"] == kind].head(k)

    def to_dict(self) -> dict[str, Any]:
        """Counts, rows read and up to 10 examples per kind, as plain values."""
        examples = {}
        for kind in self.counts():
            recs = self.examples(kind).drop(columns="kind").to_dict(orient="records")
            examples[kind] = [{k: _plain(v) for k, v in r.items()} for r in recs]
        return {"ok": self.ok, "rows": dict(self.rows), "excluded_people": self.excluded_people,
                "counts": self.counts(), "examples": examples}

    def to_frame(self) -> pd.DataFrame:
        """All issues (see ``issues``)."""
        return self.issues.copy()


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


@dataclass(frozen=True, eq=False)
class MigrationData:
    """Members of two platforms, the old follow graph and what validation found.

    Build it with :func:`read_migration` (or :func:`downline.migration.generate_migration`).

    Attributes
    ----------
    people : DataFrame
        Indexed by ``person_id`` (text); columns ``old_handle, new_handle`` and the four
        dates (``datetime64``; NaT when blank; last-seen dates are capped at
        ``observed_until``) plus ``role`` (``"mover"``, ``"stayer"`` or ``"newcomer"``).
        Excluded people are not in it.
    graph : Graph
        The old-platform follow graph over everyone with an old handle, edges
        followee -> follower (influence direction); node ids are person ids.
    new_graph : Graph or None
        The same for the new platform (people with a new handle), when given.
    observed_until : Timestamp
        End of observation: activity on or after it means still active.
    report : ValidationReport
    params : dict
        How the data was made, for generated data (the true parameters); else empty.
    """

    people: pd.DataFrame
    graph: Graph
    new_graph: Graph | None
    observed_until: pd.Timestamp
    report: ValidationReport
    params: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        counts = self.people["role"].value_counts()
        return (f"MigrationData(people={len(self.people)}, movers={counts.get('mover', 0)}, "
                f"newcomers={counts.get('newcomer', 0)}, follows={self.graph.m}, "
                f"observed_until={self.observed_until.date()}, issues={len(self.report.issues)})")

    @cached_property
    def movers(self) -> pd.Series:
        """Moving date of every mover, indexed by person id, sorted by date."""
        m = self.people[self.people["role"] == "mover"]["new_joined"]
        return m.sort_values(kind="stable").rename("moved_at")

    @cached_property
    def moved_at(self) -> np.ndarray:
        """Moving date per graph node (``datetime64[ns]``, NaT for stayers)."""
        out = self.people["new_joined"].where(self.people["role"] == "mover")
        return out.reindex(self.graph.labels).to_numpy(dtype="datetime64[ns]")

    @property
    def origin(self) -> pd.Timestamp:
        """The first moving date (start of step 0)."""
        if self.movers.empty:
            raise InputError("nobody moved: no person has both an old and a new handle")
        return pd.Timestamp(self.movers.iloc[0])

    def with_observed_until(self, until: Any) -> MigrationData:
        """The data as it looked at ``until``: later events are unknown (censored).

        Joins after ``until`` disappear (movers become stayers, newcomers go), last-seen
        dates at or after it become ``until``; follows on the new platform are kept for
        people still in it.

        Examples
        --------
        >>> from downline.migration import generate_migration
        >>> data = generate_migration(200, p_follow=0.3, steps=10, seed=1)
        >>> early = data.with_observed_until(data.origin + pd.Timedelta(days=4))
        >>> len(early.movers) <= len(data.movers)
        True
        """
        until = pd.Timestamp(until)
        p = self.people.copy()
        late_new = p["new_joined"] >= until
        p.loc[late_new & (p["role"] == "mover"), ["new_handle", "new_joined", "new_last_seen"]] = (
            None, pd.NaT, pd.NaT)
        p.loc[late_new & (p["role"] == "mover"), "role"] = "stayer"
        p = p[~(late_new & (p["role"] == "newcomer"))]
        p = p[~(p["old_joined"] >= until)]
        for c in ("old_last_seen", "new_last_seen"):
            p[c] = p[c].where(p[c].isna() | (p[c] < until), until)
        graph = _subgraph(self.graph, p.index[p["old_handle"].notna()])
        new_graph = None
        if self.new_graph is not None:
            new_graph = _subgraph(self.new_graph, p.index[p["new_handle"].notna()])
        return MigrationData(normalise_people(p), graph, new_graph, until, self.report,
                             dict(self.params))


def normalise_people(people: pd.DataFrame) -> pd.DataFrame:
    """Handles as object columns with None when missing, dates as ``datetime64[ns]``."""
    out = people.copy()
    for c in ("old_handle", "new_handle", "role"):
        if c in out.columns:
            out[c] = pd.Series(out[c].to_numpy(dtype=object), index=out.index, dtype=object)
            out[c] = out[c].where(out[c].notna(), None)
    for c in DATE_COLUMNS:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    out.index = pd.Index(out.index.to_numpy(dtype=object), name="person_id", dtype=object)
    return out


def _subgraph(graph: Graph, keep: pd.Index) -> Graph:
    mask = pd.Index(graph.labels).isin(pd.Index(keep))
    new_id = np.full(graph.n, -1, dtype=np.int64)
    new_id[mask] = np.arange(int(mask.sum()))
    src = np.repeat(np.arange(graph.n), np.diff(graph.indptr))
    dst = graph.indices.astype(np.int64)
    ok = mask[src] & mask[dst]
    return Graph.from_indices(new_id[src[ok]], new_id[dst[ok]], graph.probs[ok],
                              graph.labels[mask], name=graph.name, meta=dict(graph.meta))


# -- reading tables ----------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    frame: pd.DataFrame  # all str/object, index = line (file) or row number (frame)
    path: str | None

    def where(self, line: Any) -> int | None:
        return None if line is None else int(line)


def _read_table(source: Source, name: str) -> _Table:
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        frame.index = pd.RangeIndex(1, frame.shape[0] + 1, name="row")
        return _Table(name, frame, None)
    path = Path(source)
    if not path.is_file():
        raise FormatError("file not found", path=path)
    if path.suffix.lower() in (".parquet", ".pq"):
        frame = tables.read_parquet_frame(path)
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        frame.index = pd.RangeIndex(1, frame.shape[0] + 1, name="row")
        return _Table(name, frame, str(path))
    table = tables.read_table(path, comment="#", header="names", types="string")
    frame = pd.DataFrame({name.strip().lower(): pd.Series(col.to_pylist(), dtype=object)
                          for name, col in zip(table.names, table.columns, strict=True)})
    frame.index = pd.Index(table.line_numbers(), name="line")
    return _Table(name, frame, str(path))


def _text(values: pd.Series) -> pd.Series:
    """Values as stripped text, None when blank or missing."""
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    return text.astype(object).where(text.notna(), None)


_ISO_DATE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$"


def _dates(table: _Table, column: str, date_format: str | None = None) -> pd.Series:
    """A date column: ISO 8601 unless ``date_format`` is given; never a guess."""
    if column not in table.frame.columns:
        return pd.Series(pd.NaT, index=table.frame.index, dtype="datetime64[ns]")
    raw = table.frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        out = pd.to_datetime(raw)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_convert("UTC").dt.tz_localize(None)
        outside = out.notna() & ((out < pd.Timestamp.min) | (out > pd.Timestamp.max))
        if outside.any():
            row = outside.index[np.flatnonzero(outside.to_numpy())[0]]
            raise FormatError(f"{out.loc[row]} is outside the dates this analysis handles "
                              f"({pd.Timestamp.min.date()} .. {pd.Timestamp.max.date()})",
                              path=table.path, line=int(row), field=column)
        return out.astype("datetime64[ns]")
    text = _text(raw)
    given = text.notna()
    if date_format is None:
        iso = text.str.match(_ISO_DATE).fillna(False).astype(bool) if given.any() else given
        bad = given & ~iso
        if bad.any():
            line = bad.index[np.flatnonzero(bad.to_numpy())[0]]
            raise FormatError(
                f"{text.loc[line]!r} is not a date in ISO 8601 form (YYYY-MM-DD[THH:MM[:SS]]); "
                "pass date_format= (CLI --date-format, e.g. %d/%m/%Y) for other forms",
                path=table.path, line=int(line), field=column)
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
    else:
        parsed = pd.to_datetime(text, errors="coerce", format=date_format, utc=True)
    bad = given & parsed.isna()
    if bad.any():
        line = bad.index[np.flatnonzero(bad.to_numpy())[0]]
        value = text.loc[line]
        year = str(value)[:4]
        if date_format is None and year.isdigit() and not 1678 <= int(year) <= 2261:
            raise FormatError(f"{value!r} is outside the dates this analysis handles "
                              "(1678-01-01 .. 2261-12-31)", path=table.path, line=int(line),
                              field=column)
        what = "is not a date" if date_format is None else \
            f"does not match the date format {date_format!r}"
        raise FormatError(f"{value!r} {what}", path=table.path, line=int(line), field=column)
    naive = parsed.dt.tz_localize(None)
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    outside = naive.notna() & ((naive < lo) | (naive > hi))
    if outside.any():
        line = outside.index[np.flatnonzero(outside.to_numpy())[0]]
        raise FormatError(f"{text.loc[line]!r} is outside the dates this analysis handles "
                          f"({lo.date()} .. {hi.date()})", path=table.path, line=int(line),
                          field=column)
    return naive.astype("datetime64[ns]")


class _Issues:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.rows: list[dict[str, Any]] = []

    def add(self, kind: str, table: _Table, lines: Any, field: str, values: Any,
            detail: str) -> None:
        lines = list(lines)
        values = list(values)
        if not lines:
            return
        if self.strict and kind not in ("self_follow", "duplicate_follow"):
            raise InputError(f"{ISSUE_KINDS[kind]}: {values[0]!r} ({detail})",
                             path=table.path or f"<{table.name}>", line=int(lines[0]),
                             field=field)
        for line, value in zip(lines, values, strict=True):
            self.rows.append({"kind": kind, "table": table.name, "line": int(line),
                              "field": field, "value": value, "detail": detail})

    def frame(self) -> pd.DataFrame:
        cols = ["kind", "table", "line", "field", "value", "detail"]
        return pd.DataFrame(self.rows, columns=cols)


def read_migration(
    members: Source,
    follows: Source,
    *,
    identities: Source | None = None,
    new_follows: Source | None = None,
    observed_until: Any = None,
    strict: bool = False,
    date_format: str | None = None,
) -> MigrationData:
    """Read and validate a migration: members, follows and optional identities.

    Parameters
    ----------
    members : path or DataFrame
        The members table (schema in the module docstring). CSV (comma, tab, semicolon
        or spaces; ``#`` comments, BOM, CRLF fine) or Parquet.
    follows : path or DataFrame
        ``follower,followee`` old-platform handles.
    identities : path or DataFrame, optional
        ``old_handle,new_handle`` pairs linking accounts of the members table.
    new_follows : path or DataFrame, optional
        ``follower,followee`` new-platform handles.
    observed_until : date-like, optional
        End of observation; default the latest date in the members table.
    strict : bool, default False
        Raise on the first issue instead of reporting it (self-follows and duplicate
        follows are only ever counted).
    date_format : str, optional
        ``strptime`` format of the dates when they are not ISO 8601 (``"%d/%m/%Y"``).
        Without it, dates must be ISO 8601: another form is an error naming the line,
        never a guess (``03/04/2022`` could be March or April).

    Returns
    -------
    MigrationData

    Raises
    ------
    FormatError
        Unreadable file, missing columns, a value that is not a date (naming file, line
        and field).
    InputError
        With ``strict=True``, the first issue found (file, line, field).

    Examples
    --------
    >>> members = pd.DataFrame({
    ...     "old_handle": ["@ann", "@bob", "@cy"], "new_handle": ["ann@new", "bob@new", None],
    ...     "new_joined": ["2022-11-01", "2022-11-03", None]})
    >>> follows = pd.DataFrame({"follower": ["@bob", "@cy", "@zed"],
    ...                         "followee": ["@ann", "@ann", "@ann"]})
    >>> data = read_migration(members, follows)
    >>> data.graph.successors("@ann"), data.report.counts()
    (['@bob', '@cy'], {'unknown_handle': 1})
    """
    issues = _Issues(strict)
    mt = _read_table(members, "members")
    people, rows = _people(mt, issues, date_format)
    if identities is not None:
        it = _read_table(identities, "identities")
        people = _link(people, it, issues)
        rows["identities"] = it.frame.shape[0]
    people = _check_people(people, mt, issues)
    if observed_until is None:
        stamps = people[list(DATE_COLUMNS)].stack()
        if stamps.empty:
            raise InputError("the members table has no dates", path=mt.path, field="new_joined")
        until = pd.Timestamp(stamps.max())
    else:
        until = pd.Timestamp(observed_until)
    for c in DATE_COLUMNS:
        late = people[c] > until
        if late.any():
            issues.add("after_observed_until", mt, people.loc[late, "_line"], c,
                       people.loc[late, c].astype(str), f"after {until.date()}")
            people.loc[late, c] = until
    excluded = people["_exclude"]
    kept = people[~excluded]
    roles = np.where(kept["old_handle"].notna(),
                     np.where(kept["new_handle"].notna(), "mover", "stayer"), "newcomer")
    table = kept.assign(role=roles).set_index("person_id")
    ft = _read_table(follows, "follows")
    graph = _follow_graph(ft, "old_handle", people, table, issues, "old")
    rows["follows"] = ft.frame.shape[0]
    new_graph = None
    if new_follows is not None:
        nt = _read_table(new_follows, "new_follows")
        new_graph = _follow_graph(nt, "new_handle", people, table, issues, "new")
        rows["new_follows"] = nt.frame.shape[0]
    table = normalise_people(table.drop(columns=["_line", "_exclude"]))
    report = ValidationReport(issues.frame(), rows, int(excluded.sum()))
    return MigrationData(table, graph, new_graph, until, report)


def _people(mt: _Table, issues: _Issues, date_format: str | None = None
            ) -> tuple[pd.DataFrame, dict[str, int]]:
    cols = set(mt.frame.columns)
    if not cols & {"old_handle", "new_handle"}:
        raise FormatError("the members table needs an old_handle or new_handle column "
                          f"(columns: {', '.join(mt.frame.columns)})", path=mt.path)
    f = mt.frame
    out = pd.DataFrame(index=f.index)
    for c in ("old_handle", "new_handle"):
        out[c] = _text(f[c]) if c in cols else None
    if "person_id" in cols:
        pid = _text(f["person_id"])
    else:
        pid = pd.Series(None, index=f.index, dtype=object)
    pid = pid.fillna(out["old_handle"]).fillna(out["new_handle"])
    nobody = pid.isna()
    if nobody.any():
        line = int(nobody.index[np.flatnonzero(nobody.to_numpy())[0]])
        raise FormatError("a member row needs a person_id or a handle", path=mt.path,
                          line=line, field="person_id")
    out.insert(0, "person_id", pid)
    for c in DATE_COLUMNS:
        out[c] = _dates(mt, c, date_format)
    out["_line"] = out.index.to_numpy()
    out["_exclude"] = False
    out = out.reset_index(drop=True)
    # One person, one row: a repeated id, or a handle held by two ids, is a conflict.
    for c in ("person_id", "old_handle", "new_handle"):
        held = out[c].notna()
        dup = held & out[c].duplicated(keep=False)
        if c != "person_id":
            dup &= out.groupby(c)["person_id"].transform("nunique").gt(1).fillna(False)
        if dup.any():
            issues.add("identity_conflict", mt, out.loc[dup, "_line"], c, out.loc[dup, c],
                       f"{c} held by more than one member row")
            out.loc[dup, "_exclude"] = True
    return out, {"members": mt.frame.shape[0]}


def _link(people: pd.DataFrame, it: _Table, issues: _Issues) -> pd.DataFrame:
    for c in ("old_handle", "new_handle"):
        if c not in it.frame.columns:
            raise FormatError(f"the identities table needs columns old_handle,new_handle "
                              f"(missing {c})", path=it.path)
    pairs = pd.DataFrame({"old": _text(it.frame["old_handle"]),
                          "new": _text(it.frame["new_handle"]), "line": it.frame.index})
    pairs = pairs.dropna(subset=["old", "new"]).drop_duplicates(["old", "new"])
    # A handle in two different pairs maps to two people.
    by_old = {h: i for i, h in people["old_handle"].items() if pd.notna(h)}
    by_new = {h: i for i, h in people["new_handle"].items() if pd.notna(h)}
    for col, lookup in (("old", by_old), ("new", by_new)):
        unknown = ~pairs[col].isin(list(lookup))
        if unknown.any():
            issues.add("unknown_handle", it, pairs.loc[unknown, "line"], f"{col}_handle",
                       pairs.loc[unknown, col], "not in the members table")
            pairs = pairs[~unknown]
    # A handle in two different pairs maps to two people.
    bad = pairs["old"].duplicated(keep=False) | pairs["new"].duplicated(keep=False)
    if bad.any():
        issues.add("identity_conflict", it, pairs.loc[bad, "line"], "old_handle",
                   pairs.loc[bad, "old"] + " -> " + pairs.loc[bad, "new"],
                   "a handle in two identity pairs")
        for col, lookup in (("old", by_old), ("new", by_new)):
            rows = [lookup[h] for h in pairs.loc[bad, col] if h in lookup]
            people.loc[rows, "_exclude"] = True
        pairs = pairs[~bad]
    drop = []
    for old, new, line in pairs.itertuples(index=False):
        i, j = by_old[old], by_new[new]
        if i == j:
            continue
        if pd.notna(people.at[i, "new_handle"]) or pd.notna(people.at[j, "old_handle"]):
            issues.add("identity_conflict", it, [line], "old_handle", [f"{old} -> {new}"],
                       "both accounts already belong to other people")
            people.loc[[i, j], "_exclude"] = True
            continue
        for c in ("new_handle", "new_joined", "new_last_seen"):
            people.at[i, c] = people.at[j, c]
        people.at[i, "_exclude"] = people.at[i, "_exclude"] or people.at[j, "_exclude"]
        drop.append(j)
    return people.drop(index=drop)


def _check_people(people: pd.DataFrame, mt: _Table, issues: _Issues) -> pd.DataFrame:
    for plat in ("old", "new"):
        joined, seen = people[f"{plat}_joined"], people[f"{plat}_last_seen"]
        bad = joined.notna() & seen.notna() & (seen < joined)
        if bad.any():
            issues.add("dates_out_of_order", mt, people.loc[bad, "_line"], f"{plat}_last_seen",
                       seen[bad].astype(str), f"before {plat}_joined")
            people.loc[bad, "_exclude"] = True
    missing = people["new_handle"].notna() & people["new_joined"].isna()
    if missing.any():
        issues.add("missing_date", mt, people.loc[missing, "_line"], "new_joined",
                   people.loc[missing, "new_handle"], "a new handle needs new_joined")
        people.loc[missing, "_exclude"] = True
    return people


def _follow_graph(ft: _Table, handle: str, people: pd.DataFrame, table: pd.DataFrame,
                  issues: _Issues, which: str) -> Graph:
    for c in ("follower", "followee"):
        if c not in ft.frame.columns:
            raise FormatError(f"the {ft.name} table needs columns follower,followee "
                              f"(missing {c})", path=ft.path)
    follower, followee = _text(ft.frame["follower"]), _text(ft.frame["followee"])
    kept_ids = table.index[table[handle].notna()]
    owner = dict(zip(table.loc[kept_ids, handle], kept_ids, strict=True))
    excluded = set(people.loc[people["_exclude"], handle].dropna())
    ok = pd.Series(True, index=ft.frame.index)
    for col, values in (("follower", follower), ("followee", followee)):
        known = values.isin(list(owner))
        gone = values.isin(list(excluded)) & ~known
        unknown = ~known & ~gone & ok
        issues.add("unknown_handle", ft, values.index[unknown], col, values[unknown],
                   f"not a {which}-platform handle in the members table")
        issues.add("follow_of_excluded", ft, values.index[gone & ok], col, values[gone & ok],
                   "person excluded for another issue")
        ok &= known
    src = followee[ok].map(owner).to_numpy(dtype=object)
    dst = follower[ok].map(owner).to_numpy(dtype=object)
    lines = ft.frame.index[ok]
    self_loop = src == dst
    issues.add("self_follow", ft, lines[self_loop], "follower", dst[self_loop], "dropped")
    dup = pd.DataFrame({"s": src, "d": dst}).duplicated().to_numpy() & ~self_loop
    issues.add("duplicate_follow", ft, lines[dup], "follower", dst[dup], "counted once")
    return Graph.from_edges(src, dst, nodes=np.asarray(kept_ids, dtype=object),
                            name=f"{which}-follows",
                            meta={"direction": "followee -> follower"})


# -- writing -------------------------------------------------------------------------------


def write_migration(data: MigrationData, outdir: str | PathLike[str]) -> dict[str, Path]:
    """Write ``members.csv``, ``follows.csv`` (and ``new_follows.csv``) in the input schema.

    Parameters
    ----------
    data : MigrationData
    outdir : path
        Created if needed.

    Returns
    -------
    dict
        Table name -> path written.

    Examples
    --------
    >>> import tempfile
    >>> from downline.migration import generate_migration
    >>> data = generate_migration(100, p_follow=0.3, steps=5, seed=0)
    >>> sorted(write_migration(data, tempfile.mkdtemp()))
    ['follows', 'members', 'new_follows']
    """
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"cannot create {out}: {exc}", field="outdir") from None
    people = data.people.reset_index()
    members = people[list(MEMBER_COLUMNS)].copy()
    for c in DATE_COLUMNS:
        members[c] = members[c].dt.strftime("%Y-%m-%d")
    paths = {"members": out / "members.csv"}
    members.to_csv(paths["members"], index=False)
    for name, graph, handle in (("follows", data.graph, "old_handle"),
                                ("new_follows", data.new_graph, "new_handle")):
        if graph is None:
            continue
        e = graph.edges()
        h = data.people[handle]
        frame = pd.DataFrame({"follower": h.reindex(e["target"]).to_numpy(),
                              "followee": h.reindex(e["source"]).to_numpy()})
        paths[name] = out / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths

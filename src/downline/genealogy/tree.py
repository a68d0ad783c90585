"""The `Genealogy`: an immutable sponsor tree (a forest) over flat arrays.

This module builds and validates the tree from a table of members. Reading files lives
in :mod:`downline.genealogy.io`, the reports in :mod:`downline.genealogy.reports` and the
synthetic generator in :mod:`downline.genealogy.generate`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from downline.errors import FormatError, GenealogyError, ParameterError
from downline.genealogy import _kernels
from downline.graph import Graph

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "Genealogy"]

REQUIRED_COLUMNS = ("member_id", "sponsor_id", "joined_at")
"""Columns every member table must have."""

COLUMNS = (*REQUIRED_COLUMNS, "left_at", "rank", "volume")
"""Every column a member table may have; others are ignored."""

# How many offending values an error message names before it only counts the rest.
_NAMED = 10
_INT_TEXT = r"-?(?:0|[1-9][0-9]{0,17})"
# The column helpers take a pyarrow route for pyarrow-backed string columns (what read_csv
# gives with pandas 3), but only for values it reads exactly as the generic route does;
# anything else goes the generic route. Tests turn the arrow route off to compare.
_ARROW_ROUTE = True
_INT_TEXT_FULL = f"^(?:{_INT_TEXT})$"
# Volumes the arrow route parses: at most 15 digits (the length bound), so that pandas'
# digit-by-digit parse is exact and agrees bit for bit with pyarrow's.
_PLAIN_DECIMAL = r"^-?[0-9]+(?:\.[0-9]+)?$"
_PLAIN_DECIMAL_LENGTH = 15
# Years the arrow route reads as dates: inside the datetime64[ns] range, so that every
# supported pandas version agrees.
_DATE_YEARS = (1678, 2261)


class Genealogy:
    """A sponsor tree: who recruited whom, when they joined and left, rank and volume.

    Build it with :func:`downline.genealogy.read_genealogy` or
    :meth:`Genealogy.from_frame`; it cannot be changed afterwards. Members are numbered
    densely ``0 .. n-1`` in input order; every array below is indexed that way, and
    :meth:`index_of` turns a user's member id into that number.

    Attributes
    ----------
    ids : numpy.ndarray
        The member ids as given (int64, or object array of str).
    parent : numpy.ndarray
        int32 index of each member's sponsor, -1 for a root.
    child_offsets, children : numpy.ndarray
        The recruits in CSR form: the recruits of member ``i`` are
        ``children[child_offsets[i]:child_offsets[i + 1]]`` (int64 offsets, int32 values),
        in input order.
    depth : numpy.ndarray
        int32 level of each member below their root (0 for a root).
    order : numpy.ndarray
        int32 members in pre-order (an Euler tour's entry order): the downline of member
        ``i`` is ``order[tin[i] + 1 : tin[i] + subtree_size[i]]``.
    tin : numpy.ndarray
        int32 position of each member in ``order``.
    subtree_size : numpy.ndarray
        int32 number of members in each member's subtree, the member included.
    height : numpy.ndarray
        int32 number of levels below each member (0 when they recruited nobody).
    joined_at, left_at : numpy.ndarray
        ``datetime64[D]`` dates; ``left_at`` is NaT for members who never left.
    rank : numpy.ndarray or None
        Object array of rank names (None when blank), or None without a rank column.
    volume : numpy.ndarray
        float64 personal volume (0 when absent).
    root_index : numpy.ndarray
        int32 indices of the roots, in input order.
    source : str or None
        The file the tree was read from, when it was read from one.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"member_id": ["a", "b", "c"], "sponsor_id": [None, "a", "a"],
    ...                       "joined_at": ["2024-01-01", "2024-02-01", "2024-02-03"]})
    >>> gen = Genealogy.from_frame(frame)
    >>> len(gen), list(gen.roots), list(gen.frontline("a"))
    (3, ['a'], ['b', 'c'])
    """

    __slots__ = (
        "_index",
        "_levels",
        "child_offsets",
        "children",
        "depth",
        "height",
        "ids",
        "joined_at",
        "left_at",
        "order",
        "parent",
        "rank",
        "root_index",
        "source",
        "subtree_size",
        "tin",
        "volume",
    )

    ids: np.ndarray
    parent: np.ndarray
    child_offsets: np.ndarray
    children: np.ndarray
    depth: np.ndarray
    order: np.ndarray
    tin: np.ndarray
    subtree_size: np.ndarray
    height: np.ndarray
    joined_at: np.ndarray
    left_at: np.ndarray
    rank: np.ndarray | None
    volume: np.ndarray
    root_index: np.ndarray
    source: str | None
    _index: pd.Index | None
    _levels: tuple[np.ndarray, np.ndarray] | None

    def __init__(self) -> None:
        raise TypeError("build a Genealogy with read_genealogy() or Genealogy.from_frame()")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Genealogy cannot be changed")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Genealogy cannot be changed")

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Genealogy:
        """Build and validate a genealogy from a DataFrame of members.

        Parameters
        ----------
        frame : pandas.DataFrame
            Columns ``member_id``, ``sponsor_id``, ``joined_at`` and optionally
            ``left_at``, ``rank``, ``volume`` (names are matched ignoring case and
            surrounding blanks; other columns are ignored). An empty or missing
            ``sponsor_id`` makes the member a root.

        Returns
        -------
        Genealogy

        Raises
        ------
        FormatError
            A missing column, an empty member id, a date or volume that cannot be read.
        GenealogyError
            Duplicate member ids, unknown sponsors, a member who left before joining, or
            a sponsor cycle (its members are named).

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({
        ...     "member_id": [1, 2, 3], "sponsor_id": [None, 1, 2],
        ...     "joined_at": ["2024-01-01", "2024-01-05", "2024-02-01"]}))
        >>> gen.depth.tolist()
        [0, 1, 2]
        """
        return _from_frame(frame)

    @classmethod
    def _from_arrays(
        cls,
        ids: np.ndarray,
        parent: np.ndarray,
        joined_at: np.ndarray,
        left_at: np.ndarray,
        rank: np.ndarray | None,
        volume: np.ndarray,
        source: str | None = None,
        where: Any = None,
    ) -> Genealogy:
        """Build from a validated parent array; raises on cycles."""
        n = int(parent.shape[0])
        parent = np.ascontiguousarray(parent, dtype=np.int32)
        is_root = parent < 0
        root_index = np.flatnonzero(is_root).astype(np.int32)
        has_parent = ~is_root
        counts = np.bincount(parent[has_parent], minlength=n)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        # A stable sort on the sponsor keeps each member's recruits in input order.
        members = np.flatnonzero(has_parent)
        children = members[np.argsort(parent[has_parent], kind="stable")].astype(np.int32)
        order, tin, depth, reached = _kernels.euler_tour(root_index, offsets, children, n)
        if reached < n:
            _raise_cycles(ids, parent, tin < 0, source, where)
        size, height = _kernels.subtree_aggregates(order, parent, depth)

        self = object.__new__(cls)
        values = {
            "ids": ids,
            "parent": parent,
            "child_offsets": offsets,
            "children": children,
            "depth": depth,
            "order": order,
            "tin": tin,
            "subtree_size": size,
            "height": height,
            "joined_at": joined_at.astype("datetime64[D]"),
            "left_at": left_at.astype("datetime64[D]"),
            "rank": rank,
            "volume": np.asarray(volume, dtype=np.float64),
            "root_index": root_index,
        }
        for name, value in values.items():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(self, name, value)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "_index", None)
        object.__setattr__(self, "_levels", None)
        return self

    def _replace(self, **values: Any) -> Genealogy:
        """A copy with some attributes swapped (the tree itself must stay the same)."""
        other = object.__new__(type(self))
        for name in self.__slots__:
            value = values.get(name, getattr(self, name))
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(other, name, value)
        return other

    # -- lookups ----------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.parent.shape[0])

    def __repr__(self) -> str:
        where = f", source={self.source!r}" if self.source else ""
        return (
            f"Genealogy(members={len(self)}, roots={self.root_index.shape[0]}, "
            f"levels={int(self.depth.max()) + 1 if len(self) else 0}{where})"
        )

    @property
    def n(self) -> int:
        """Number of members."""
        return len(self)

    @property
    def roots(self) -> np.ndarray:
        """The ids of the members without a sponsor (several roots are allowed)."""
        return self.ids[self.root_index]

    def index_of(self, member: Hashable) -> int:
        """The dense index of ``member``.

        An int is also looked up as text and a numeric string as an int, so that ids read
        from a command line match either kind.

        Raises
        ------
        GenealogyError
            When no member has that id.

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({
        ...     "member_id": [7, 9], "sponsor_id": [None, 7],
        ...     "joined_at": ["2024-01-01", "2024-01-02"]}))
        >>> gen.index_of(9), gen.index_of("9")
        (1, 1)
        """
        index = self._lookup()
        for key in _key_variants(member, self.ids.dtype.kind == "i"):
            pos = index.get_indexer([key])[0]
            if pos >= 0:
                return int(pos)
        raise GenealogyError(f"no member with id {member!r}", path=self.source, field="member")

    def _lookup(self) -> pd.Index:
        if self._index is None:
            object.__setattr__(self, "_index", pd.Index(self.ids))
        assert self._index is not None
        return self._index

    def downline(self, member: Hashable) -> np.ndarray:
        """Ids of everyone below ``member``, in pre-order (the member excluded)."""
        i = self.index_of(member)
        return self.ids[self._downline_slice(i)]

    def upline(self, member: Hashable) -> np.ndarray:
        """Ids of ``member``'s sponsor, their sponsor, ... up to the root."""
        i = self.index_of(member)
        distance = np.arange(1, int(self.depth[i]) + 1)
        return self.ids[self.upline_at(np.full(distance.size, i), distance)]

    def frontline(self, member: Hashable) -> np.ndarray:
        """Ids of the members ``member`` recruited directly."""
        i = self.index_of(member)
        return self.ids[self.children[self.child_offsets[i] : self.child_offsets[i + 1]]]

    def sponsor(self, member: Hashable) -> Any:
        """The id of ``member``'s sponsor, or None for a root."""
        p = int(self.parent[self.index_of(member)])
        return None if p < 0 else _plain(self.ids[p])

    # -- uplines of many members at once (dense indices) -------------------------------

    def _level_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Members sorted by (level, pre-order position), and those keys.

        The upline of ``x`` on level ``d`` is the member of level ``d`` that comes last
        in pre-order at or before ``x``: every later member of that level before ``x``
        would sit inside that upline's downline, where levels are deeper. So one binary
        search in this table answers a level-ancestor query.
        """
        if self._levels is None:
            members = self.order[np.argsort(self.depth[self.order], kind="stable")]
            keys = self.depth[members].astype(np.int64) * max(self.n, 1) + self.tin[members]
            members.flags.writeable = False
            keys.flags.writeable = False
            object.__setattr__(self, "_levels", (keys, members))
        assert self._levels is not None
        return self._levels

    def _indices(self, idx: Any) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= self.n):
            raise ParameterError(f"member indices must lie in 0 .. {self.n - 1}",
                                 field="idx")
        return idx

    def upline_on_level(self, idx: Any, level: Any) -> np.ndarray:
        """Each member's upline on ``level`` of the tree, by dense index.

        Parameters
        ----------
        idx : array_like of int
            Dense member indices (see :meth:`index_of`).
        level : int or array_like of int
            0 is the member's root, 1 the root's frontline (the member's leg), ...;
            one level for all, or one per member.

        Returns
        -------
        numpy.ndarray
            int64 index of the upline on that level (the member itself when it is on
            that level), -1 where the member is above the level (or the level is
            negative).

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3, 4],
        ...     "sponsor_id": [None, 1, 2, 1], "joined_at": ["2024-01-01"] * 4}))
        >>> gen.upline_on_level([0, 1, 2, 3], 1).tolist()
        [-1, 1, 1, 3]
        """
        idx = self._indices(idx)
        level = np.broadcast_to(np.asarray(level, dtype=np.int64), idx.shape)
        keys, members = self._level_table()
        ok = (level >= 0) & (level <= self.depth[idx])
        query = np.where(ok, level, 0) * max(self.n, 1) + self.tin[idx]
        pos = np.searchsorted(keys, query, side="right") - 1
        return np.where(ok, members[np.maximum(pos, 0)], -1).astype(np.int64)

    def upline_at(self, idx: Any, distance: Any = 1) -> np.ndarray:
        """Each member's upline ``distance`` levels above them, by dense index.

        Parameters
        ----------
        idx : array_like of int
            Dense member indices.
        distance : int or array_like of int
            1 is the sponsor, 2 the sponsor's sponsor, ... (0 the member itself); one
            distance for all, or one per member.

        Returns
        -------
        numpy.ndarray
            int64 index of that upline, -1 where the member has fewer uplines.

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
        ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3}))
        >>> gen.upline_at([2, 2, 2, 0], [1, 2, 3, 1]).tolist()
        [1, 0, -1, -1]
        """
        idx = self._indices(idx)
        distance = np.broadcast_to(np.asarray(distance, dtype=np.int64), idx.shape)
        if distance.size and int(distance.min()) < 0:
            raise ParameterError("distance must be 0 or more", field="distance")
        return self.upline_on_level(idx, self.depth[idx].astype(np.int64) - distance)

    def upline_pairs(self, idx: Any, max_distance: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (item, upline, distance) triple for the members ``idx``.

        For item ``k`` (member ``idx[k]``), one triple per upline of that member, with
        how many levels above the member it is (1 = the sponsor), up to
        ``max_distance`` levels when given. Items come in order, each item's uplines
        from the sponsor up.

        Returns
        -------
        tuple of numpy.ndarray
            ``item`` (int64 position in ``idx``), ``upline`` (int64 dense index) and
            ``distance`` (int32).

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
        ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3}))
        >>> [a.tolist() for a in gen.upline_pairs([2, 1])]
        [[0, 0, 1], [1, 0, 0], [1, 2, 1]]
        """
        idx = self._indices(idx)
        counts = self.depth[idx].astype(np.int64)
        if max_distance is not None:
            counts = np.minimum(counts, max(int(max_distance), 0))
        items = np.repeat(np.arange(idx.size, dtype=np.int64), counts)
        starts = np.cumsum(counts) - counts
        distance = np.arange(items.size, dtype=np.int64) - np.repeat(starts, counts) + 1
        ups = self.upline_at(idx[items], distance)
        return items, ups, distance.astype(np.int32)

    def nearest_upline(self, idx: Any, where: Any) -> np.ndarray:
        """Each member's nearest upline (the sponsor first) for whom ``where`` holds.

        Parameters
        ----------
        idx : array_like of int
            Dense member indices.
        where : array_like of bool
            One flag per member of the tree (length :attr:`n`).

        Returns
        -------
        numpy.ndarray
            int64 index of that upline, -1 where no upline is flagged.

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
        ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3}))
        >>> gen.nearest_upline([2, 1, 0], [True, False, False]).tolist()
        [0, 0, -1]
        """
        idx = self._indices(idx)
        where = np.asarray(where, dtype=bool)
        if where.shape != (self.n,):
            raise ParameterError(f"where needs one flag per member ({self.n})",
                                 field="where")
        out = np.full(idx.size, -1, dtype=np.int64)
        # One vectorised step per level, over the members still looking.
        rows = np.arange(idx.size, dtype=np.int64)
        cur = self.parent[idx].astype(np.int64)
        while rows.size:
            alive = cur >= 0
            rows, cur = rows[alive], cur[alive]
            hit = where[cur]
            out[rows[hit]] = cur[hit]
            rows, cur = rows[~hit], self.parent[cur[~hit]].astype(np.int64)
        return out

    def downline_total(self, values: Any) -> np.ndarray:
        """For every member, the sum of ``values`` over their whole downline (own excluded).

        Parameters
        ----------
        values : array_like of float
            One value per member (length :attr:`n`): a count of posts, a volume, ...

        Returns
        -------
        numpy.ndarray
            float64 downline totals, in member order.

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({"member_id": [1, 2, 3],
        ...     "sponsor_id": [None, 1, 2], "joined_at": ["2024-01-01"] * 3}))
        >>> gen.downline_total([1.0, 2.0, 4.0]).tolist()
        [6.0, 4.0, 0.0]
        """
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (self.n,):
            raise ParameterError(f"values needs one value per member ({self.n})",
                                 field="values")
        return _kernels.subtree_sum(self.order, self.parent, values) - values

    def _downline_slice(self, i: int) -> np.ndarray:
        start = int(self.tin[i])
        return self.order[start + 1 : start + int(self.subtree_size[i])]

    def to_frame(self) -> pd.DataFrame:
        """The member table back, one row per member in input order.

        Examples
        --------
        >>> import pandas as pd
        >>> gen = Genealogy.from_frame(pd.DataFrame({
        ...     "member_id": ["a", "b"], "sponsor_id": ["", "a"],
        ...     "joined_at": ["2024-01-01", "2024-01-02"]}))
        >>> gen.to_frame()["sponsor_id"].isna().tolist()
        [True, False]
        """
        sponsor = np.empty(len(self), dtype=object)
        has = self.parent >= 0
        sponsor[has] = self.ids[self.parent[has]]
        sponsor[~has] = None
        if self.ids.dtype.kind == "i":
            sponsor_col: Any = pd.array(sponsor, dtype="Int64")
        else:
            sponsor_col = sponsor
        data: dict[str, Any] = {
            "member_id": self.ids,
            "sponsor_id": sponsor_col,
            "joined_at": self.joined_at,
            "left_at": self.left_at,
        }
        if self.rank is not None:
            data["rank"] = self.rank
        data["volume"] = self.volume
        return pd.DataFrame(data)

    def to_graph(self, p: float = 1.0, *, name: str = "sponsor-tree") -> Graph:
        """The sponsor tree as a graph: an edge sponsor -> recruit of probability ``p``.

        The cascade models and influence ranking run on it (influence flows from a
        sponsor to their recruits).

        Parameters
        ----------
        p : float, default 1.0
            Probability on every edge (the chance a recruit follows their sponsor).
        name : str
            Name of the graph.

        Returns
        -------
        downline.graph.Graph
            Node labels are the member ids, one edge per member with a sponsor.

        Examples
        --------
        >>> from downline.genealogy import generate_genealogy
        >>> g = generate_genealogy(100, seed=1).to_graph(p=0.5)
        >>> g.number_of_nodes(), g.number_of_edges()
        (100, 99)
        """
        try:
            prob = float(p)
        except (TypeError, ValueError):
            raise ParameterError(f"p must be a number in [0, 1], not {p!r}", field="p") from None
        if not 0.0 <= prob <= 1.0:
            raise ParameterError(f"p must be in [0, 1], not {p!r}", field="p")
        parent = np.asarray(self.parent, dtype=np.int64)
        members = np.flatnonzero(parent >= 0)
        return Graph.from_indices(
            parent[members], members, np.full(members.shape[0], prob), np.asarray(self.ids),
            name=name, meta={"source": "genealogy"},
        )


# -- building from a frame ---------------------------------------------------------------


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _key_variants(member: Hashable, int_ids: bool) -> list[Hashable]:
    keys: list[Hashable] = [member]
    if int_ids and isinstance(member, str):
        text = member.strip()
        if text.lstrip("-").isdigit():
            keys.append(int(text))
    elif not int_ids and isinstance(member, int | np.integer):
        keys.append(str(member))
    return keys


class _Where:
    """Names rows in messages: file lines when read from a file, else frame rows."""

    def __init__(self, path: str | None, lines: np.ndarray | None, index: pd.Index) -> None:
        self.path = path
        self.lines = lines
        self.index = index

    def line(self, row: int) -> int | None:
        return None if self.lines is None else int(self.lines[row])

    def label(self, row: int) -> str:
        if self.lines is not None:
            return f"line {int(self.lines[row])}"
        return f"row {self.index[row]!r}"

    def first_line(self, rows: np.ndarray) -> int | None:
        return None if self.lines is None or rows.size == 0 else int(self.lines[rows[0]])


def _more(count: int) -> str:
    return f" and {count - _NAMED} more" if count > _NAMED else ""


def _match_columns(frame: pd.DataFrame, where: _Where) -> dict[str, Hashable]:
    found: dict[str, Hashable] = {}
    for col in frame.columns:
        key = str(col).strip().lower()
        if key in COLUMNS and key not in found:
            found[key] = col
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        have = ", ".join(str(c) for c in frame.columns) or "none"
        raise FormatError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(REQUIRED_COLUMNS)} "
            f"(optional {', '.join(COLUMNS[3:])}), found {have}",
            path=where.path,
            line=1 if where.lines is not None else None,
            field=missing[0],
        )
    return found


class _Cells:
    """The stripped text of one column: its blank cells and, on demand, an object array.

    For a pyarrow-backed string column the text stays in ``arrow`` (a pyarrow array,
    ``""`` where missing) until :attr:`text` is asked for; ``arrow`` is None otherwise.
    """

    def __init__(self, series: pd.Series) -> None:
        self.series = series
        self.arrow: pa.ChunkedArray | None = None
        self._text: np.ndarray | None = None
        dtype = series.dtype
        if (
            _ARROW_ROUTE
            and isinstance(dtype, pd.StringDtype)
            and str(dtype.storage).startswith("pyarrow")
        ):
            # pandas strips arrow-backed strings with this same kernel.
            strings = pa.array(series.array)
            if isinstance(strings, pa.Array):
                strings = pa.chunked_array([strings])
            stripped = pc.utf8_trim_whitespace(strings)
            self.arrow = pc.fill_null(stripped, "")
            blank = pc.equal(pc.binary_length(self.arrow), 0)
            self.blank = _numpy(blank)
        else:
            self._text, self.blank = _generic_text(series)

    @property
    def text(self) -> np.ndarray:
        """Object array of the stripped text, ``""`` in blank cells."""
        if self._text is None:
            assert self.arrow is not None
            self._text = np.asarray(self.arrow.to_numpy(zero_copy_only=False), dtype=object)
        return self._text


def _text(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Stripped text of a column (object array) and the mask of blank or missing cells."""
    cells = _Cells(series)
    return cells.text, cells.blank


def _generic_text(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    missing = series.isna().to_numpy()
    if series.dtype.kind == "f":
        # Integer ids in a column with blanks arrive as floats: write 3.0 back as "3".
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.isfinite(values)
        integral = finite & (np.floor(values) == values)
        text = np.full(values.shape[0], "", dtype=object)
        text[integral] = values[integral].astype(np.int64).astype(str)
        text[finite & ~integral] = values[finite & ~integral].astype(str)
        missing = missing | ~finite
    else:
        text = np.array(series.astype(str).str.strip(), dtype=object)
    blank = missing | (text == "")
    text[blank] = ""
    return text, blank


def _numpy(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A writable NumPy copy of a pyarrow array without nulls."""
    return np.array(values.to_numpy(zero_copy_only=False))


def _cast_where(
    arrow: pa.ChunkedArray, mask: np.ndarray, to: pa.DataType, dtype: type
) -> np.ndarray:
    """The cells under ``mask`` cast to ``to`` (all of them at once when all are), 0 elsewhere."""
    if mask.all():
        return _numpy(pc.cast(arrow, to))
    values = np.zeros(mask.shape[0], dtype=dtype)
    if mask.any():
        values[mask] = _numpy(pc.cast(arrow.filter(pa.array(mask)), to))
    return values


def _member_ids(series: pd.Series, where: _Where, numeric_text: bool) -> np.ndarray:
    kind = series.dtype.kind
    if kind in "iu" and not series.isna().any():
        return series.to_numpy(dtype=np.int64)
    cells = _Cells(series)
    blank = cells.blank
    if blank.any():
        rows = np.flatnonzero(blank)
        named = ", ".join(where.label(r) for r in rows[:_NAMED])
        raise FormatError(
            f"member_id is empty on {named}{_more(rows.size)}; every member needs an id",
            path=where.path,
            line=where.first_line(rows),
            field="member_id",
        )
    if kind == "f" or numeric_text:
        ok, values = _int_text(cells)
        if ok.all():
            return values
    return cells.text


def _int_text(cells: _Cells) -> tuple[np.ndarray, np.ndarray]:
    """Mask of the cells written as plain integers, and their values (0 elsewhere)."""
    if cells.arrow is not None:
        found = pc.match_substring_regex(cells.arrow, _INT_TEXT_FULL)
        ok = _numpy(found)
        return ok, _cast_where(cells.arrow, ok, pa.int64(), np.int64)
    series = cells.series
    if series.dtype.kind == "f":
        stripped = pd.Series(cells.text, dtype="str")
    else:
        stripped = series.astype("str").str.strip()
    ok = np.array(stripped.str.fullmatch(_INT_TEXT).fillna(False), dtype=bool)
    values = np.zeros(ok.shape[0], dtype=np.int64)
    if ok.any():
        values[ok] = stripped[ok].astype("int64").to_numpy()
    return ok, values


def _sponsor_keys(series: pd.Series, int_ids: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sponsor keys comparable with the member ids, the root mask and a 'not an id' mask."""
    cells = _Cells(series)
    blank = cells.blank
    if not int_ids:
        return cells.text, blank, np.zeros(blank.shape[0], dtype=bool)
    ok, keys = _int_text(cells)
    ok = ok & ~blank
    return keys, blank, ~ok & ~blank


def _dates(series: pd.Series, name: str, where: _Where, required: bool) -> np.ndarray:
    if series.dtype.kind == "M":
        values = series.to_numpy().astype("datetime64[D]")
        blank = np.isnat(values)
    else:
        cells = _Cells(series)
        blank = cells.blank
        plain = _plain_dates(cells)
        if plain is not None:
            values = plain
        else:
            text = cells.text
            parsed = pd.to_datetime(
                pd.Series(text, dtype=object), format="ISO8601", errors="coerce"
            )
            values = parsed.to_numpy().astype("datetime64[D]")
            bad = np.isnat(values) & ~blank
            if bad.any():
                rows = np.flatnonzero(bad)
                named = ", ".join(f"{where.label(r)} ({text[r]!r})" for r in rows[:_NAMED])
                raise FormatError(
                    f"{name} is not a date on {named}{_more(rows.size)}; expected YYYY-MM-DD",
                    path=where.path,
                    line=where.first_line(rows),
                    field=name,
                )
    if required and blank.any():
        rows = np.flatnonzero(blank)
        named = ", ".join(where.label(r) for r in rows[:_NAMED])
        raise FormatError(
            f"{name} is empty on {named}{_more(rows.size)}; expected YYYY-MM-DD",
            path=where.path,
            line=where.first_line(rows),
            field=name,
        )
    return values


def _plain_dates(cells: _Cells) -> np.ndarray | None:
    """The dates of an arrow column whose every non-blank cell is a valid ``YYYY-MM-DD``.

    None when some cell is anything else (left to pandas, which also names the culprit).
    """
    if cells.arrow is None:
        return None
    present = ~cells.blank
    lengths = _numpy(pc.binary_length(cells.arrow))
    if not (lengths[present] == 10).all():
        return None
    values = np.full(present.shape[0], np.datetime64("NaT"), dtype="datetime64[D]")
    if not present.any():
        return values
    filled = cells.arrow.filter(pa.array(present)).combine_chunks()
    offsets_type = np.int64 if pa.types.is_large_string(filled.type) else np.int32
    offsets = np.frombuffer(filled.buffers()[1], dtype=offsets_type)
    start, stop = offsets[filled.offset], offsets[filled.offset + len(filled)]
    chars = np.frombuffer(filled.buffers()[2], dtype=np.uint8)[start:stop].reshape(-1, 10)
    digits = chars[:, [0, 1, 2, 3, 5, 6, 8, 9]].astype(np.int64) - ord("0")
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    ok = (
        (chars[:, 4] == ord("-"))
        & (chars[:, 7] == ord("-"))
        & ((digits >= 0) & (digits <= 9)).all(axis=1)
        & (year >= _DATE_YEARS[0])
        & (year <= _DATE_YEARS[1])
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= 31)
    )
    if not ok.all():
        return None
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day - 1)
    if not (dates.astype("datetime64[M]") == months).all():
        return None  # a day past the end of its month, such as 2023-02-29
    values[present] = dates
    return values


def _volume(series: pd.Series, where: _Where) -> np.ndarray:
    if series.dtype.kind in "iuf":
        return np.nan_to_num(series.to_numpy(dtype=np.float64, na_value=np.nan), nan=0.0)
    cells = _Cells(series)
    blank = cells.blank
    plain = _plain_decimals(cells)
    if plain is not None:
        return plain
    text = cells.text
    values = np.array(
        pd.to_numeric(pd.Series(text, dtype=object), errors="coerce"), dtype=np.float64
    )
    bad = np.isnan(values) & ~blank
    if bad.any():
        rows = np.flatnonzero(bad)
        named = ", ".join(f"{where.label(r)} ({text[r]!r})" for r in rows[:_NAMED])
        raise FormatError(
            f"volume is not a number on {named}{_more(rows.size)}",
            path=where.path,
            line=where.first_line(rows),
            field="volume",
        )
    values[blank] = 0.0
    return values


def _plain_decimals(cells: _Cells) -> np.ndarray | None:
    """The numbers of an arrow column of short plain decimals such as ``-12.50`` (0 if blank).

    None when some cell is anything else, or when a cell reads as -0.0: pandas gives 0.0 or
    -0.0 for ``-0`` depending on the other cells, so that is left to pandas.
    """
    if cells.arrow is None:
        return None
    present = ~cells.blank
    plain = _numpy(pc.match_substring_regex(cells.arrow, _PLAIN_DECIMAL))
    short = _numpy(pc.binary_length(cells.arrow)) <= _PLAIN_DECIMAL_LENGTH
    if not (plain & short | ~present).all():
        return None
    values = _cast_where(cells.arrow, present, pa.float64(), np.float64)
    if (np.signbit(values) & (values == 0)).any():
        return None
    return values


def _labels(series: pd.Series) -> np.ndarray:
    """Object array of a column's stripped text, None in blank cells (for ranks)."""
    cells = _Cells(series)
    if cells.arrow is not None:
        # Few distinct names: convert each once rather than once per member.
        encoded = pc.dictionary_encode(cells.arrow.combine_chunks())
        names = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
        labels = names[_numpy(encoded.indices)]
    else:
        labels = cells.text.astype(object)
    labels[cells.blank] = None
    return labels


def _show(value: Any) -> str:
    return repr(_plain(value))


def _from_frame(
    frame: pd.DataFrame,
    *,
    path: str | None = None,
    lines: np.ndarray | None = None,
    numeric_text: bool = False,
) -> Genealogy:
    """Validate ``frame`` and build the tree; ``lines`` maps rows to file lines."""
    if not isinstance(frame, pd.DataFrame):
        raise FormatError(f"expected a pandas DataFrame of members, got {type(frame).__name__}")
    where = _Where(path, lines, frame.index)
    cols = _match_columns(frame, where)
    if len(frame) == 0:
        raise FormatError("no members: the table has no rows", path=path)

    ids = _member_ids(frame[cols["member_id"]], where, numeric_text)
    int_ids = ids.dtype.kind == "i"
    sponsor, is_root, not_id = _sponsor_keys(frame[cols["sponsor_id"]], int_ids)
    joined = _dates(frame[cols["joined_at"]], "joined_at", where, required=True)
    n = ids.shape[0]
    left = (
        _dates(frame[cols["left_at"]], "left_at", where, required=False)
        if "left_at" in cols
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    )
    volume = _volume(frame[cols["volume"]], where) if "volume" in cols else np.zeros(n)
    rank = _labels(frame[cols["rank"]]) if "rank" in cols else None

    problems: list[str] = []
    index = pd.Index(ids)
    duplicated = index.duplicated(keep=False)
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        groups = pd.Series(rows).groupby(ids[rows], sort=False)
        named = [
            f"{_show(key)} ({', '.join(where.label(r) for r in grp.to_numpy())})"
            for key, grp in list(groups)[:_NAMED]
        ]
        count = groups.ngroups
        problems.append(f"duplicate member ids: {', '.join(named)}{_more(count)}")
        index = index[~index.duplicated(keep="first")]
        first_rows = np.flatnonzero(~pd.Index(ids).duplicated(keep="first"))
    else:
        first_rows = None

    parent = np.full(n, -1, dtype=np.int64)
    has = ~is_root & ~not_id
    found = index.get_indexer(sponsor[has]) if has.any() else np.empty(0, dtype=np.int64)
    if first_rows is not None:
        found = np.where(found >= 0, first_rows[np.maximum(found, 0)], -1)
    parent[has] = found
    unknown = ~is_root & (parent < 0)
    if unknown.any():
        rows = np.flatnonzero(unknown)
        sponsor_text, _ = _text(frame[cols["sponsor_id"]])
        named = ", ".join(
            f"{_show(ids[r])} ({where.label(r)}) names {sponsor_text[r]!r}" for r in rows[:_NAMED]
        )
        problems.append(f"unknown sponsors: {named}{_more(rows.size)}")
    early = ~np.isnat(left) & (left < joined)
    if early.any():
        rows = np.flatnonzero(early)
        named = ", ".join(
            f"{_show(ids[r])} ({where.label(r)}: joined {joined[r]}, left {left[r]})"
            for r in rows[:_NAMED]
        )
        problems.append(f"members who left before joining: {named}{_more(rows.size)}")
    if problems:
        bad_rows = np.flatnonzero(duplicated | unknown | early)
        raise GenealogyError(
            "; ".join(problems), path=path, line=where.first_line(bad_rows)
        )
    return Genealogy._from_arrays(ids, parent, joined, left, rank, volume, path, where)


def _raise_cycles(
    ids: np.ndarray, parent: np.ndarray, unreached: np.ndarray, path: str | None, where: Any
) -> None:
    members, offsets = _kernels.find_cycles(parent, unreached)
    described = []
    first_rows: list[int] = []
    for k in range(min(offsets.shape[0] - 1, _NAMED)):
        cycle = members[offsets[k] : offsets[k + 1]]
        first_rows.append(int(cycle.min()))
        if cycle.size == 1:
            described.append(f"{_show(ids[cycle[0]])} is their own sponsor")
            continue
        names = [_show(ids[m]) for m in cycle[:_NAMED]]
        if cycle.size > _NAMED:
            names.append(f"... ({cycle.size} members)")
        names.append(_show(ids[cycle[0]]))
        described.append(" -> ".join(names))
    count = offsets.shape[0] - 1
    line = None
    if isinstance(where, _Where) and first_rows:
        line = where.line(first_rows[0])
    stranded = int(unreached.sum()) - int(members.shape[0])
    below = f"; {stranded} more members hang below them" if stranded else ""
    raise GenealogyError(
        f"sponsor cycle{'s' if count > 1 else ''} (each member is sponsored by the next): "
        f"{'; '.join(described)}{_more(count)}{below}",
        path=path,
        line=line,
    )

"""Diffusion networks: who is tied to whom, in which period each person adopted, covariates.

:class:`DiffusionNetwork` holds a graph (one for every period, or one per period), each
node's time of adoption (NaN for never: right-censored) and a covariate table. Build one
from node and edge tables (:func:`read_diffusion_network`, :meth:`DiffusionNetwork.from_tables`),
from a survey with wide nomination columns (:meth:`DiffusionNetwork.from_survey`), or from
a time-stamped edge list (:meth:`DiffusionNetwork.from_timed_edges`).

Ties are stored as given: an edge ``i -> j`` is a row ``i``, column ``j`` of the
adjacency, as netdiffuseR stores them (for nomination data ``i`` named ``j``). Which
direction carries exposure is chosen in :mod:`downline.adoption.netstats`
(``outgoing=True``: the people ``i`` named, netdiffuseR's default).

netdiffuseR codes never-adopters as adopting one period after the last adoption;
:meth:`DiffusionNetwork.netdiffuser_coded` gives that coding so figures can be compared,
while the type itself keeps them censored. The statistics live in
:mod:`downline.adoption.netstats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from downline.common.tables import read_table
from downline.errors import FormatError, InputError, ParameterError

__all__ = ["DiffusionNetwork", "read_diffusion_network"]

#: Largest number of periods a network may span (one adjacency per period is kept for
#: time-stamped edges; a wrong time column would otherwise ask for millions).
MAX_PERIODS = 10_000


@dataclass(frozen=True)
class DiffusionNetwork:
    """A network with one time of adoption per node.

    Attributes
    ----------
    ids : ndarray
        The user's node ids, in the order of every array here.
    toa : ndarray of float64
        Period of adoption per node; NaN for people who never adopted (right-censored).
    t0, t1 : int
        First and last period covered (``t1 - t0 + 1`` periods).
    graphs : tuple of scipy.sparse.csr_matrix
        One ``n x n`` adjacency (ties as given, values = tie weights) for every period,
        or a single one when the network is static.
    covariates : DataFrame
        One row per node (indexed by id), the node table's other columns.
    name : str
    meta : dict
        How it was built (files, dropped rows, coding of never-adopters).

    Examples
    --------
    >>> net = DiffusionNetwork.from_tables(
    ...     pd.DataFrame({"id": [1, 2, 3], "toa": [1, 2, None]}),
    ...     pd.DataFrame({"source": [1, 2], "target": [2, 3]}))
    >>> net.n, net.n_periods, int(np.isnan(net.toa).sum())
    (3, 2, 1)
    """

    ids: np.ndarray
    toa: np.ndarray
    t0: int
    t1: int
    graphs: tuple[sparse.csr_matrix, ...]
    covariates: pd.DataFrame
    name: str = "diffusion network"
    meta: dict[str, Any] = field(default_factory=dict)

    # -- shape -----------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of nodes."""
        return int(self.ids.shape[0])

    @property
    def n_periods(self) -> int:
        """Number of periods ``t1 - t0 + 1``."""
        return int(self.t1 - self.t0 + 1)

    @property
    def periods(self) -> np.ndarray:
        """The period labels ``t0 .. t1``."""
        return np.arange(self.t0, self.t1 + 1, dtype=np.int64)

    @property
    def static(self) -> bool:
        """Whether one graph serves every period."""
        return len(self.graphs) == 1

    def graph_at(self, k: int) -> sparse.csr_matrix:
        """The adjacency of period index ``k`` (0-based)."""
        return self.graphs[0] if self.static else self.graphs[k]

    @property
    def adopters(self) -> int:
        """Number of nodes with a time of adoption."""
        return int(np.isfinite(self.toa).sum())

    def index_of(self, ids: Sequence[Any]) -> np.ndarray:
        """Dense positions of the given ids (an :class:`InputError` names an unknown one)."""
        pos = {v: i for i, v in enumerate(self.ids.tolist())}
        out = np.empty(len(ids), dtype=np.int64)
        for k, v in enumerate(ids):
            if v not in pos:
                raise InputError(f"unknown id {v!r}", field="id")
            out[k] = pos[v]
        return out

    # -- codings ---------------------------------------------------------------------
    def netdiffuser_coded(self) -> DiffusionNetwork:
        """netdiffuseR's coding: never-adopters adopt one period after the last adoption.

        The periods are extended to cover that period when needed. Use it only to
        compare figures with netdiffuseR: it turns censored cases into adopters.

        Examples
        --------
        >>> net = DiffusionNetwork.from_tables(
        ...     pd.DataFrame({"id": [1, 2], "toa": [1, None]}),
        ...     pd.DataFrame({"source": [1], "target": [2]}))
        >>> net.netdiffuser_coded().toa.tolist()
        [1.0, 2.0]
        """
        toa = self.toa.copy()
        last = float(np.nanmax(toa))
        toa[np.isnan(toa)] = last + 1
        t1 = max(self.t1, int(last) + 1)
        graphs = self.graphs
        if not self.static and t1 > self.t1:
            graphs = graphs + tuple(graphs[-1] for _ in range(t1 - self.t1))
        meta = dict(self.meta, never_adopters="coded as adopting at last adoption + 1")
        return replace(self, toa=toa, t1=t1, graphs=graphs, meta=meta)

    def subset(self, mask: np.ndarray) -> DiffusionNetwork:
        """The network induced on the nodes where ``mask`` is true (same periods).

        Examples
        --------
        >>> net = DiffusionNetwork.from_tables(
        ...     pd.DataFrame({"id": [1, 2, 3], "toa": [1, 2, 2]}),
        ...     pd.DataFrame({"source": [1, 2], "target": [2, 3]}))
        >>> net.subset(np.array([True, True, False])).n
        2
        """
        keep = np.flatnonzero(np.asarray(mask, dtype=bool))
        graphs = tuple(g[keep][:, keep].tocsr() for g in self.graphs)
        return replace(self, ids=self.ids[keep], toa=self.toa[keep], graphs=graphs,
                       covariates=self.covariates.iloc[keep])

    def to_dict(self) -> dict[str, Any]:
        """A short description as plain values."""
        return {
            "name": self.name,
            "nodes": self.n,
            "edges": int(self.graphs[0].nnz) if self.static
            else [int(g.nnz) for g in self.graphs],
            "static": self.static,
            "t0": int(self.t0),
            "t1": int(self.t1),
            "adopters": self.adopters,
            "never_adopted": self.n - self.adopters,
            "covariates": list(self.covariates.columns),
        }

    # -- construction ----------------------------------------------------------------
    @classmethod
    def from_tables(
        cls,
        nodes: pd.DataFrame | str | PathLike[str],
        edges: pd.DataFrame | str | PathLike[str],
        *,
        id_column: str = "id",
        toa_column: str = "toa",
        source: str = "source",
        target: str = "target",
        weight: str | None = None,
        time: str | None = None,
        periods: tuple[int, int] | None = None,
        name: str | None = None,
        paths: tuple[Any, Any] = (None, None),
    ) -> DiffusionNetwork:
        """Build from a node table (id, time of adoption, covariates) and an edge table.

        The one constructor from tables; :func:`read_diffusion_network` is this with
        file names.

        Parameters
        ----------
        nodes : DataFrame or path
            One row per node: ``id_column``, ``toa_column`` (empty for never adopted)
            and any covariates. A path is read with :mod:`downline.common.tables`
            (CSV/TSV, compressed or not; cells stay text, so ids such as ``007`` keep
            their zeros; column names and the column options here are matched without
            case). A DataFrame index holding file line numbers is used in errors.
        edges : DataFrame or path
            ``source``, ``target`` and optionally ``weight`` and ``time`` columns; a file
            with a header and no rows is a network without ties.
        id_column, toa_column : str
            Node id and time-of-adoption columns. For netdiffuseR's coding of the shipped
            studies use ``toa_column="toa_ndr"``.
        source, target : str
            Edge columns: ``source -> target`` (for nominations, ``source`` named
            ``target``).
        weight : str, optional
            Tie-weight column (default: every tie 1; repeated ties add up).
        time : str, optional
            Period of each tie: the edge belongs to that period's graph only (a
            time-stamped edge list). Without it the graph is static.
        periods : (int, int), optional
            First and last period; default from the first to the last adoption (and tie
            times).
        name : str, optional
            Default: the node file's stem, or ``"diffusion network"`` for a DataFrame.
        paths : (path, path)
            File names for error messages when DataFrames were read elsewhere.

        Returns
        -------
        DiffusionNetwork

        Raises
        ------
        FormatError, InputError
            A missing column, duplicate or missing ids, a non-numeric or fractional time
            of adoption, an edge naming an unknown id, a negative weight: with file,
            line and field.
        """
        if not isinstance(nodes, pd.DataFrame) or not isinstance(edges, pd.DataFrame):
            frames, paths, cols = _read_tables(nodes, edges, paths, (
                id_column, toa_column, source, target, weight, time))
            nodes, edges = frames
            id_column, toa_column, source, target, weight, time = cols
            if name is None and isinstance(paths[0], Path):
                name = paths[0].stem
        name = "diffusion network" if name is None else name
        npath, epath = paths
        for col in (id_column, toa_column):
            if col not in nodes.columns:
                raise FormatError(f"node table has no column {col!r} (columns: "
                                  f"{', '.join(map(str, nodes.columns))})", path=npath,
                                  field=col)
        for col in (source, target) + ((weight,) if weight else ()) + ((time,) if time else ()):
            if col not in edges.columns:
                raise FormatError(f"edge table has no column {col!r} (columns: "
                                  f"{', '.join(map(str, edges.columns))})", path=epath,
                                  field=col)
        nlines = _lines(nodes)
        raw_ids = nodes[id_column]
        missing = raw_ids.isna() | (raw_ids.astype(str).str.strip() == "")
        if missing.any():
            j = int(np.flatnonzero(missing.to_numpy())[0])
            raise InputError("missing id", path=npath, line=nlines[j], field=id_column)
        ids = _normalise_ids(raw_ids)
        dup = pd.Series(ids).duplicated()
        if dup.any():
            j = int(np.flatnonzero(dup.to_numpy())[0])
            raise InputError(f"id {ids[j]!r} appears twice", path=npath, line=nlines[j],
                             field=id_column)
        toa = _numbers(nodes[toa_column], npath, nlines, toa_column, whole=True)
        known = pd.Index(ids)
        elines = _lines(edges)
        src = _positions(_normalise_ids(edges[source]), known, epath, elines, source)
        dst = _positions(_normalise_ids(edges[target]), known, epath, elines, target)
        w = (np.ones(src.shape[0]) if weight is None
             else _numbers(edges[weight], epath, elines, weight, whole=False, required=True))
        if np.any(w < 0):
            j = int(np.flatnonzero(w < 0)[0])
            raise InputError(f"negative tie weight {w[j]:g}", path=epath, line=elines[j],
                             field=weight)
        et = None if time is None else _numbers(edges[time], epath, elines, time,
                                                  whole=True, required=True)
        known = np.concatenate([toa[np.isfinite(toa)], et if et is not None else []])
        if periods is None:
            if known.size == 0:
                raise InputError("nobody adopted and no tie has a time: no periods",
                                 path=npath, field=toa_column)
            t0, t1 = int(known.min()), int(known.max())
        else:
            t0, t1 = int(periods[0]), int(periods[1])
            if t1 < t0:
                raise ParameterError("periods must be (first, last) with first <= last",
                                     field="periods")
        if t1 - t0 + 1 > MAX_PERIODS:
            raise InputError(f"{t1 - t0 + 1} periods ({t0}..{t1}) is more than the bound "
                             f"{MAX_PERIODS}; are the times whole periods?", path=npath,
                             field=toa_column)
        n = len(ids)
        if et is None:
            graphs: tuple[sparse.csr_matrix, ...] = (_adjacency(src, dst, w, n),)
        else:
            k = et.astype(np.int64) - t0
            out = (k < 0) | (k > t1 - t0)
            if out.any():
                j = int(np.flatnonzero(out)[0])
                raise InputError(f"tie time {int(et[j])} is outside the periods {t0}..{t1}",
                                 path=epath, line=elines[j], field=time)
            graphs = tuple(_adjacency(src[k == p], dst[k == p], w[k == p], n)
                           for p in range(t1 - t0 + 1))
        covs = nodes.drop(columns=[id_column, toa_column]).copy()
        covs.index = pd.Index(ids, name="id")
        covs = covs.apply(lambda c: pd.to_numeric(c, errors="coerce")
                          if pd.to_numeric(c, errors="coerce").notna().sum()
                          == c.replace("", np.nan).notna().sum() else c)
        meta = {"nodes_file": None if npath is None else str(npath),
                "edges_file": None if epath is None else str(epath),
                "self_ties_dropped": int(np.sum(src == dst))}
        return cls(ids=ids, toa=toa, t0=t0, t1=t1, graphs=graphs, covariates=covs,
                   name=name, meta=meta)

    @classmethod
    def from_survey(
        cls,
        survey: pd.DataFrame,
        nominations: Sequence[str],
        *,
        id_column: str = "id",
        toa_column: str = "toa",
        group: str | None = None,
        no_one: Sequence[Any] = (0,),
        unsurveyed: str = "drop",
        name: str = "diffusion network",
    ) -> DiffusionNetwork:
        """Build from a survey: one row per respondent, wide columns of named alters.

        Parameters
        ----------
        survey : DataFrame
            The respondents, their time of adoption and covariates.
        nominations : sequence of str
            The columns naming alters (``net1_1, net1_2, ...``); each filled cell is a tie
            respondent -> named person; a person named in several columns is one tie whose
            weight counts the columns.
        group : str, optional
            Community column: ids are local to it, so ``(group, id)`` names a person
            (netdiffuseR's ``groupvar``); ids become ``"group-id"`` text.
        no_one : values
            Codes meaning "nobody named" (default ``0``).
        unsurveyed : {"drop", "error"}
            Alters who are not respondents (in the same group) are dropped, as
            netdiffuseR's ``no.unsurveyed = TRUE``, or raise.

        Returns
        -------
        DiffusionNetwork

        Examples
        --------
        >>> s = pd.DataFrame({"id": [1, 2, 3], "toa": [1, 2, None],
        ...                   "net1": [2, 3, 0], "net2": [3, None, 1]})
        >>> net = DiffusionNetwork.from_survey(s, ["net1", "net2"])
        >>> int(net.graphs[0].nnz)
        4
        """
        missing = [c for c in [id_column, toa_column, *nominations] if c not in survey.columns]
        if missing:
            raise FormatError(f"survey has no column {missing[0]!r}", field=missing[0])
        if unsurveyed not in ("drop", "error"):
            raise ParameterError("unsurveyed must be 'drop' or 'error'", field="unsurveyed")
        lines = _lines(survey)
        local = _normalise_ids(survey[id_column])
        if group is not None:
            g = _normalise_ids(survey[group])
            key = np.array([f"{a}-{b}" for a, b in zip(g, local, strict=True)], dtype=object)
        else:
            g = None
            key = local
        nodes = survey.drop(columns=list(nominations)).copy()
        nodes[id_column] = key
        src: list[Any] = []
        dst: list[Any] = []
        known = set(key.tolist())
        skip = {str(v) for v in no_one}
        dropped = 0
        for col in nominations:
            vals = survey[col]
            for r, v in enumerate(vals.tolist()):
                if v is None or (isinstance(v, float) and np.isnan(v)):
                    continue
                s = str(v).strip()
                s = s[:-2] if s.endswith(".0") else s
                if s == "" or s in skip:
                    continue
                alter = f"{g[r]}-{s}" if g is not None else _normalise_ids(pd.Series([s]))[0]
                if alter not in known:
                    if unsurveyed == "error":
                        raise InputError(f"{v!r} is not a respondent", line=lines[r],
                                         field=col)
                    dropped += 1
                    continue
                src.append(key[r])
                dst.append(alter)
        edges = pd.DataFrame({"source": src, "target": dst})
        net = cls.from_tables(nodes, edges, id_column=id_column, toa_column=toa_column,
                              name=name)
        g0 = net.graphs[0].copy()
        g0.setdiag(0)
        g0.eliminate_zeros()
        meta = dict(net.meta, unsurveyed_dropped=dropped)
        return replace(net, graphs=(g0,), meta=meta)

    @classmethod
    def from_timed_edges(
        cls,
        edges: pd.DataFrame,
        adoption: pd.DataFrame | pd.Series | dict[Any, Any],
        *,
        source: str = "source",
        target: str = "target",
        time: str = "time",
        weight: str | None = None,
        name: str = "diffusion network",
    ) -> DiffusionNetwork:
        """Build from a time-stamped edge list (one graph per period) and adoption times.

        Parameters
        ----------
        edges : DataFrame
            ``source, target, time`` (whole periods) and optionally a weight column.
        adoption : dict, Series or DataFrame
            Node id -> period of adoption; nodes named only in ``edges`` never adopted.

        Examples
        --------
        >>> e = pd.DataFrame({"source": [1, 2], "target": [2, 3], "time": [1, 2]})
        >>> net = DiffusionNetwork.from_timed_edges(e, {1: 1, 2: 2})
        >>> net.static, net.n
        (False, 3)
        """
        if isinstance(adoption, dict):
            adoption = pd.Series(adoption)
        if isinstance(adoption, pd.Series):
            adoption = pd.DataFrame({"id": adoption.index, "toa": adoption.to_numpy()})
        for col in (source, target):
            if col not in edges.columns:
                raise FormatError(f"edge table has no column {col!r}", field=col)
        ids = list(dict.fromkeys(list(adoption.iloc[:, 0]) + list(edges[source])
                                 + list(edges[target])))
        toa_of = dict(zip(adoption.iloc[:, 0], adoption.iloc[:, 1], strict=True))
        nodes = pd.DataFrame({"id": ids, "toa": [toa_of.get(i) for i in ids]})
        return cls.from_tables(nodes, edges, source=source, target=target, weight=weight,
                               time=time, name=name)


# -- helpers ---------------------------------------------------------------------------


def _lines(table: pd.DataFrame) -> list[int | None]:
    """Line numbers when the index holds them (tables read from files), else row numbers."""
    if table.index.name == "line":
        return [int(v) for v in table.index]
    return [None] * len(table)


def _normalise_ids(values: pd.Series) -> np.ndarray:
    """Ids as int64 when every one is an integer written without leading zeros, else text."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy(dtype=np.int64)
    s = values.astype(str).str.strip()
    s = s.where(~s.str.fullmatch(r"-?\d+\.0"), s.str[:-2])
    if len(s) and s.str.fullmatch(r"-?(0|[1-9]\d{0,17})").all():
        return s.astype(np.int64).to_numpy()
    return s.to_numpy(dtype=object)


def _numbers(values: pd.Series, path: Any, lines: list[int | None], col: str, *,
             whole: bool, required: bool = False) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype):
        num = values.to_numpy(dtype=np.float64)
        if required and np.isnan(num).any():
            j = int(np.flatnonzero(np.isnan(num))[0])
            raise InputError("missing value", path=path, line=lines[j], field=col)
        bad = np.flatnonzero(np.isinf(num))
        if bad.size:
            j = int(bad[0])
            raise InputError(f"{num[j]!r} is not a finite number", path=path, line=lines[j],
                             field=col)
        if whole:
            frac = np.flatnonzero(np.isfinite(num) & (num != np.round(num)))
            if frac.size:
                j = int(frac[0])
                raise InputError(f"{num[j]:g} is not a whole period", path=path,
                                 line=lines[j], field=col)
        return num
    raw = values.astype(object)
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    num = pd.to_numeric(raw.where(~blank, None), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~blank.to_numpy() & ~np.isfinite(num))
    if bad.size:
        j = int(bad[0])
        raise InputError(f"{raw.iloc[j]!r} is not a number", path=path, line=lines[j],
                         field=col)
    if required and blank.any():
        j = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError("missing value", path=path, line=lines[j], field=col)
    if whole:
        frac = np.flatnonzero(np.isfinite(num) & (num != np.round(num)))
        if frac.size:
            j = int(frac[0])
            raise InputError(f"{num[j]:g} is not a whole period", path=path, line=lines[j],
                             field=col)
    return num


def _positions(ids: np.ndarray, known: pd.Index, path: Any, lines: list[int | None],
               col: str) -> np.ndarray:
    """Dense position of every id (vectorised); the first unknown one is an error."""
    if ids.dtype != known.dtype and (ids.dtype == object) != (known.dtype == object):
        ids = ids.astype(str).astype(object)
        known = pd.Index(known.astype(str), dtype=object)
    out = known.get_indexer(ids)
    bad = np.flatnonzero(out < 0)
    if bad.size:
        k = int(bad[0])
        v = ids[k].item() if isinstance(ids[k], np.generic) else ids[k]
        raise InputError(f"unknown id {v!r} (not in the node table)", path=path,
                         line=lines[k], field=col)
    return out.astype(np.int64)


def _adjacency(src: np.ndarray, dst: np.ndarray, w: np.ndarray, n: int) -> sparse.csr_matrix:
    keep = src != dst
    a = sparse.csr_matrix((w[keep].astype(np.float64), (src[keep], dst[keep])), shape=(n, n))
    a.sum_duplicates()
    a.eliminate_zeros()
    return a


def _read_tables(nodes: Any, edges: Any, paths: tuple[Any, Any],
                 cols: tuple[str | None, ...]) -> tuple[tuple[pd.DataFrame, pd.DataFrame],
                                                       tuple[Any, Any],
                                                       tuple[Any, ...]]:
    """Read whichever of the two tables is a path; its column options match without case."""
    from_file = (not isinstance(nodes, pd.DataFrame),) * 2 + (
        not isinstance(edges, pd.DataFrame),) * 4
    lower = tuple(c.lower() if c is not None and f else c
                  for c, f in zip(cols, from_file, strict=True))
    out = []
    names = list(paths)
    for k, table in enumerate((nodes, edges)):
        if isinstance(table, pd.DataFrame):
            out.append(table)
            continue
        path = Path(table)
        names[k] = path
        try:
            out.append(_read_table(path))
        except FormatError as exc:
            if k == 0 or "no data lines" not in exc.message:
                raise
            # a network without ties is a network: the header alone is fine here
            frame = pd.DataFrame({c: pd.Series([], dtype=object)
                                  for c in lower[2:] if c is not None})
            frame.index.name = "line"
            out.append(frame)
    return (out[0], out[1]), (names[0], names[1]), lower


def read_diffusion_network(
    nodes: str | PathLike[str],
    edges: str | PathLike[str],
    **options: Any,
) -> DiffusionNetwork:
    """Read a node file and an edge file (CSV/TSV) into a :class:`DiffusionNetwork`.

    A thin wrapper of :meth:`DiffusionNetwork.from_tables`, which takes the same files
    (or DataFrames) and documents every option: ``id_column``, ``toa_column``,
    ``source``, ``target``, ``weight``, ``time``, ``periods``, ``name`` (default: the
    node file's stem). For netdiffuseR's coding of the shipped studies pass
    ``toa_column="toa_ndr"``.

    Returns
    -------
    DiffusionNetwork

    Raises
    ------
    FormatError, InputError
        Naming the file, line and column at fault.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "n.csv").write_text("id,toa\\n1,1\\n2,\\n")
    >>> _ = (d / "e.csv").write_text("source,target\\n1,2\\n")
    >>> read_diffusion_network(d / "n.csv", d / "e.csv").adopters
    1
    """
    return DiffusionNetwork.from_tables(Path(nodes), Path(edges), **options)


def _read_table(path: Path) -> pd.DataFrame:
    """The one place this module reads a text table: :mod:`downline.common.tables`.

    Cells stay text (ids such as ``007`` are not numbers); the index is the file line.
    """
    frame = read_table(path, types="string").to_pandas()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    for c in frame.columns:
        frame[c] = frame[c].astype(object).where(frame[c].notna(), "").map(
            lambda v: str(v).strip())
    return frame

"""Graph operation behind network exposure: the share of a node's neighbours flagged by a time.

For every node ``i`` and a time ``t``: the (weighted) share of the neighbours in row ``i``
of a CSR adjacency whose flag time is before ``t`` (or at it). Adoption thresholds
(:mod:`downline.adoption`), exposure per period and the exposure of movers in
:mod:`downline.migration` are this one operation with different rows (out- or
in-neighbours), weights and times; it lives here so that both areas use one kernel.
Self-ties are ignored. What a flag means (adopted, moved) is the caller's business.
"""

from __future__ import annotations

import numpy as np

from downline.errors import ParameterError
from downline.graph import _kernels

__all__ = ["flagged_share", "flagged_share_by_period"]


def _csr_args(indptr: np.ndarray, indices: np.ndarray,
              weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    indptr = np.ascontiguousarray(indptr, dtype=np.int64)
    indices = np.ascontiguousarray(indices, dtype=np.int32)
    if weights is None:
        w = np.ones(indices.shape[0], dtype=np.float64)
    else:
        w = np.ascontiguousarray(weights, dtype=np.float64)
        if w.shape != indices.shape:
            raise ParameterError("weights must have one value per edge", field="weights")
    return indptr, indices, w


def flagged_share(
    indptr: np.ndarray,
    indices: np.ndarray,
    flag_time: np.ndarray,
    at_time: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    strict: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Weight of each row's neighbours flagged before (or by) that row's own time.

    Parameters
    ----------
    indptr, indices : ndarray
        CSR rows: row ``i`` lists the neighbours that count for ``i``.
    flag_time : ndarray of float
        When each node was flagged (NaN: never).
    at_time : ndarray of float
        The time at which each row is evaluated (NaN: not evaluated, gives NaN).
    weights : ndarray of float, optional
        One weight per edge (default 1).
    strict : bool, default True
        Count neighbours flagged strictly before ``at_time`` (True) or also at it.

    Returns
    -------
    flagged, total : ndarray of float64
        Summed weight of flagged neighbours and of all neighbours; the share is
        ``flagged / total`` where ``total > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> f, t = flagged_share(np.array([0, 2, 2, 2]), np.array([1, 2]),
    ...                      np.array([np.nan, 1.0, 2.0]), np.array([2.0, 1.0, 2.0]))
    >>> f.tolist(), t.tolist()
    ([1.0, 0.0, 0.0], [2.0, 0.0, 0.0])
    """
    ip, ix, w = _csr_args(indptr, indices, weights)
    ft = np.ascontiguousarray(flag_time, dtype=np.float64)
    at = np.ascontiguousarray(at_time, dtype=np.float64)
    if ft.shape != (ip.shape[0] - 1,) or at.shape != ft.shape:
        raise ParameterError("flag_time and at_time need one value per node", field="times")
    return _kernels.flagged_share_at(ip, ix, w, ft, at, bool(strict))


def flagged_share_by_period(
    indptr: np.ndarray,
    indices: np.ndarray,
    flag_period: np.ndarray,
    t0: int,
    n_periods: int,
    *,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weight of each row's neighbours flagged by each period ``t0 .. t0 + n_periods - 1``.

    Parameters
    ----------
    indptr, indices, weights
        As in :func:`flagged_share`.
    flag_period : ndarray of float
        Whole period each node was flagged in (NaN: never); a node flagged in period
        ``p`` counts in every column from ``p`` on (flags before ``t0`` count from ``t0``).
    t0, n_periods : int
        The periods covered.

    Returns
    -------
    flagged : ndarray of float64, shape (n, n_periods)
    total : ndarray of float64, shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> f, t = flagged_share_by_period(np.array([0, 2, 2, 2]), np.array([1, 2]),
    ...                                np.array([np.nan, 1.0, 2.0]), 1, 2)
    >>> f[0].tolist(), float(t[0])
    ([1.0, 2.0], 2.0)
    """
    if n_periods < 1:
        raise ParameterError("need at least one period", field="n_periods")
    ip, ix, w = _csr_args(indptr, indices, weights)
    fp = np.ascontiguousarray(flag_period, dtype=np.float64)
    if fp.shape != (ip.shape[0] - 1,):
        raise ParameterError("flag_period needs one value per node", field="flag_period")
    return _kernels.flagged_share_by_period(ip, ix, w, fp, int(t0), int(n_periods))

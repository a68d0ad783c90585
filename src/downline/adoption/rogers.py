"""Rogers' adopter categories from adoption times, and the chasm indicator.

Rogers (2003) splits adopters by adoption time ``t`` with mean ``mu`` and standard
deviation ``s``: innovators ``t < mu - 2s`` (2.5% of a normal curve), early adopters
``mu - 2s <= t < mu - s`` (13.5%), early majority ``mu - s <= t < mu`` (34%), late
majority ``mu <= t < mu + s`` (34%), laggards ``t >= mu + s`` (16%). The quantile option
cuts at the 2.5%, 16%, 50% and 84% quantiles of the observed times instead, so the
shares hold whatever the shape of the curve (up to ties).

The chasm (Moore 1991) is the gap between early adopters and the early majority; here
it is measured as the slowdown of the adoption rate across that boundary (rule in
:func:`rogers_categories`). Bass fits live in :mod:`downline.adoption.bass`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from downline.errors import InputError, ParameterError

__all__ = ["CATEGORIES", "EXPECTED_SHARES", "RogersResult", "rogers_categories"]

CATEGORIES = ("innovators", "early_adopters", "early_majority", "late_majority", "laggards")
EXPECTED_SHARES = (0.025, 0.135, 0.34, 0.34, 0.16)
_QUANTILES = (0.025, 0.16, 0.50, 0.84)

CHASM_RULE = (
    "b = start of the early majority, w = half the width of the early-adopter window; "
    "rate_before = adopters in [b - w, b) / w, rate_after = adopters in [b, b + w) / w; "
    "ratio = rate_after / rate_before; chasm when ratio < 1 (adoption slows down where "
    "a normal curve would still speed up: 1.63x for the sd rule)"
)


@dataclass(frozen=True)
class RogersResult:
    """Adopter categories of one set of adoption times.

    Attributes
    ----------
    method : {"sd", "quantile"}
        How the boundaries were set.
    table : DataFrame
        One row per category: ``category, expected_share, count, share, start, end,
        first, last`` (``start``/``end`` are the rule's boundaries, ``first``/``last``
        the earliest and latest adoption seen in the category; times in the input's
        units, datetimes when datetimes were given).
    category : Series
        The category of each adopter, indexed by the adopter ids (or positions).
    mean, sd : float
        Mean and standard deviation (ddof=1) of the adoption times (numeric times:
        days since the first adoption for datetimes).
    boundaries : tuple of float
        The four cut points (numeric).
    chasm : dict
        ``rate_before``, ``rate_after``, ``ratio``, ``chasm`` (bool), ``boundary``,
        ``window`` and ``rule`` (see :data:`CHASM_RULE`).
    """

    method: str
    table: pd.DataFrame
    category: pd.Series
    mean: float
    sd: float
    boundaries: tuple[float, ...]
    chasm: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Adopters per category."""
        return {str(k): int(v) for k, v in zip(self.table["category"], self.table["count"],
                                              strict=True)}

    def to_frame(self) -> pd.DataFrame:
        """The per-category table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Everything but the per-adopter categories, as plain values."""
        rows = []
        for row in self.table.to_dict(orient="records"):
            rows.append({k: _plain(v) for k, v in row.items()})
        return {
            "method": self.method,
            "n_adopters": int(self.category.shape[0]),
            "mean": self.mean,
            "sd": self.sd,
            "boundaries": list(self.boundaries),
            "categories": rows,
            "chasm": {k: _plain(v) for k, v in self.chasm.items()},
        }


def _plain(v: Any) -> Any:
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _as_numeric(times: Any) -> tuple[np.ndarray, pd.Index | None, pd.Timestamp | None]:
    """Times as floats (days since the first for datetimes), ids, and the datetime origin."""
    index = None
    if isinstance(times, pd.Series):
        index = times.index
        values = times.to_numpy()
    elif isinstance(times, dict):
        index = pd.Index(list(times.keys()))
        values = np.asarray(list(times.values()))
    else:
        values = np.asarray(times)
    if values.ndim != 1:
        raise InputError("adoption times must be one-dimensional", field="times")
    if index is not None and index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise InputError(f"adopter {dup!r} has more than one adoption time", field="times")
    origin = None
    if values.dtype.kind in "Mm" or (values.dtype == object and values.size
                                     and isinstance(values[0], pd.Timestamp | np.datetime64)):
        stamps = pd.to_datetime(values)
        if stamps.isna().any():
            raise InputError("adoption times contain missing values", field="times")
        origin = stamps.min()
        num = ((stamps - origin) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
    else:
        try:
            num = values.astype(np.float64)
        except (TypeError, ValueError):
            raise InputError("adoption times must be numbers or datetimes",
                             field="times") from None
        bad = np.flatnonzero(~np.isfinite(num))
        if bad.size:
            raise InputError(f"adoption time {values[bad[0]]!r} is not a finite number",
                             field="times")
    return num, index, origin


def rogers_categories(
    times: Any, *, method: Literal["sd", "quantile"] = "sd"
) -> RogersResult:
    """Split adopters into Rogers' five categories and measure the chasm.

    Parameters
    ----------
    times : array-like, Series or dict
        One adoption time per adopter (numbers or datetimes), in any order; ties are
        fine. A Series or dict keyed by adopter id names the adopters (an id given twice
        is an error).
    method : {"sd", "quantile"}, default "sd"
        ``"sd"``: boundaries ``mu - 2s, mu - s, mu, mu + s`` (Rogers 2003).
        ``"quantile"``: the 2.5%, 16%, 50% and 84% quantiles of the times.

    Returns
    -------
    RogersResult

    Raises
    ------
    InputError
        Fewer than 2 adopters, all at the same time, or non-finite times.

    Notes
    -----
    Chasm rule: let ``b`` be the start of the early majority and ``w`` half the width
    of the early-adopter window (``s / 2`` for the sd rule). The adoption rate just
    before (adopters in ``[b - w, b)`` per unit time) and just after (``[b, b + w)``)
    are compared; ``ratio = after / before`` and a chasm is flagged when ``ratio < 1``:
    adoption slows down at the point where a bell-shaped curve still accelerates (a
    normal curve gives 1.63 for the sd rule). With no adopters before ``b`` the ratio
    is infinite and no chasm is flagged.

    References
    ----------
    Rogers, E. M. (2003). Diffusion of Innovations, 5th ed. Free Press, ch. 7.
    Moore, G. A. (1991). Crossing the Chasm. HarperBusiness.

    Examples
    --------
    >>> import numpy as np
    >>> times = np.random.default_rng(0).normal(10, 2, size=2000)
    >>> res = rogers_categories(times)
    >>> res.counts()["early_majority"] > res.counts()["early_adopters"]
    True
    >>> bool(res.chasm["chasm"])
    False
    """
    if method not in ("sd", "quantile"):
        raise ParameterError(f"method must be 'sd' or 'quantile', not {method!r}",
                             field="method")
    num, index, origin = _as_numeric(times)
    if num.shape[0] < 2:
        raise InputError("Rogers categories need at least 2 adopters", field="times")
    mu = float(num.mean())
    sd = float(num.std(ddof=1))
    if sd == 0:
        raise InputError("every adopter adopted at the same time; no categories",
                         field="times")
    if method == "sd":
        cuts = np.array([mu - 2 * sd, mu - sd, mu, mu + sd])
    else:
        cuts = np.quantile(num, _QUANTILES)
    codes = np.searchsorted(cuts, num, side="right")
    labels = np.asarray(CATEGORIES, dtype=object)[codes]
    counts = np.bincount(codes, minlength=5)
    n = num.shape[0]
    lo = np.concatenate([[num.min()], cuts])
    hi = np.concatenate([cuts, [num.max()]])
    firsts = [num[codes == k].min() if counts[k] else np.nan for k in range(5)]
    lasts = [num[codes == k].max() if counts[k] else np.nan for k in range(5)]

    def out(x: Any) -> Any:
        x = np.asarray(x, dtype=np.float64)
        if origin is None:
            return x
        return origin + pd.to_timedelta(x, unit="D")

    table = pd.DataFrame(
        {
            "category": list(CATEGORIES),
            "expected_share": list(EXPECTED_SHARES),
            "count": counts.astype(np.int64),
            "share": counts / n,
            "start": out(lo),
            "end": out(hi),
            "first": out(firsts),
            "last": out(lasts),
        }
    )
    b = float(cuts[1])
    w = float(cuts[1] - cuts[0]) / 2.0
    if w > 0:
        before = int(np.count_nonzero((num >= b - w) & (num < b)))
        after = int(np.count_nonzero((num >= b) & (num < b + w)))
        rate_before, rate_after = before / w, after / w
        ratio = rate_after / rate_before if before else float("inf")
    else:
        rate_before = rate_after = ratio = float("nan")
    chasm = {
        "boundary": _plain(out([b])[0]) if origin is not None else b,
        "window": w,
        "rate_before": rate_before,
        "rate_after": rate_after,
        "ratio": ratio,
        "chasm": bool(np.isfinite(ratio) and ratio < 1.0),
        "rule": CHASM_RULE,
    }
    category = pd.Series(labels, index=index if index is not None else pd.RangeIndex(n),
                         name="category")
    return RogersResult(
        method=method,
        table=table,
        category=category,
        mean=mu,
        sd=sd,
        boundaries=tuple(float(c) for c in cuts),
        chasm=chasm,
    )

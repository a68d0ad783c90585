"""The one JSON-safe converter for results: what the CLI's ``--json`` and the API write.

:func:`to_jsonable` turns a result's ``to_dict()`` (or any nesting of dicts, lists,
tuples, NumPy arrays and scalars, pandas timestamps and frames) into plain JSON values:
NaN and infinities become ``null``, dates become ISO strings, dict keys become strings.
:func:`dumps` writes it with :mod:`json`, refusing anything it does not know rather than
printing a ``repr``.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["dumps", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON values (NumPy and pandas converted, NaN and inf as None).

    Parameters
    ----------
    value : any
        A result's ``to_dict()``, or any nesting of dicts, lists, tuples, sets, NumPy
        arrays and scalars, pandas frames, series and timestamps.

    Returns
    -------
    Any
        Dicts with string keys, lists, str, int, float (finite), bool and None only.

    Examples
    --------
    >>> to_jsonable({"a": np.float64("nan"), "b": np.arange(2), "c": (1.5, float("inf"))})
    {'a': None, 'b': [0, 1], 'c': [1.5, None]}
    >>> to_jsonable({1: pd.Timestamp("2024-01-02"), "d": np.datetime64("NaT")})
    {'1': '2024-01-02T00:00:00', 'd': None}
    """
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, pd.DataFrame):
        return to_jsonable(value.to_dict(orient="records"))
    if isinstance(value, pd.Series):
        return to_jsonable(value.tolist())
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return to_jsonable(value.to_dict())
    return value


def dumps(value: Any, *, indent: int | None = None) -> str:
    """:func:`to_jsonable` of ``value`` written as JSON text (strict: no NaN).

    Examples
    --------
    >>> dumps({"x": np.float32(0.5), "y": float("nan")})
    '{"x": 0.5, "y": null}'
    """
    return json.dumps(to_jsonable(value), indent=indent, allow_nan=False, default=str)

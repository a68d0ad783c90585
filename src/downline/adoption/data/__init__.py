"""Data series shipped with :mod:`downline.adoption` (sources in ``README.md`` here)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from downline.errors import ParameterError

__all__ = ["EXAMPLES", "load_example"]

_DURABLES = ("room_air_conditioners", "clothes_dryers", "color_televisions")
EXAMPLES = ("textbook", *_DURABLES)


def load_example(name: str) -> pd.DataFrame:
    """One shipped adoption series as a DataFrame with columns ``period, adopters``.

    Parameters
    ----------
    name : str
        ``"textbook"`` (the ten-period worked example with a published R ``nls`` fit) or
        one of Bass's (1969) durables: ``"room_air_conditioners"``, ``"clothes_dryers"``,
        ``"color_televisions"`` (``period`` is the calendar year, adopters in thousands).

    Examples
    --------
    >>> int(load_example("room_air_conditioners")["adopters"].iloc[0])
    96
    """
    files = resources.files("downline.adoption.data")
    if name == "textbook":
        with files.joinpath("textbook_bass_example.csv").open("r", encoding="utf-8") as fh:
            return pd.read_csv(fh)
    if name not in _DURABLES:
        raise ParameterError(
            f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)}", field="name"
        )
    with files.joinpath("bass1969_durables.csv").open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    rows = table[table["product"] == name]
    return pd.DataFrame(
        {"period": rows["year"].to_numpy(), "adopters": rows["sales"].to_numpy()}
    )

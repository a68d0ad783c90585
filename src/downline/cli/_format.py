"""How the CLI shows things: one number format, tables that fit the terminal, CLI words.

* :func:`number` and :func:`percent` format every figure the same way on every command
  (``--json`` carries the full values).
* :func:`print_table` prints a rich table that fits the console width (80 columns when
  not a terminal): key columns (ids, dates) are never cut or wrapped, text columns wrap,
  and when even that does not fit, the last optional columns are left out with a note
  saying which (``--json`` has them all).
* :func:`cli_message` rewrites an error's parameter names as the command's flags
  (``replace`` -> ``--replace``), so a message speaks the words the user typed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table

from downline.cli._common import console as default_console
from downline.errors import InputError

__all__ = ["Col", "cli_message", "number", "percent", "print_table"]


def number(value: Any) -> str:
    """One format for every figure the CLI prints.

    Integers with thousands separators; other numbers with four significant digits
    (thousands separators, no exponent from 1 up, no trailing zeros: ``1,178``,
    ``12.35``, ``3``, ``0.03125``);
    missing, NaN or infinite as ``-``; booleans as ``yes`` / ``no``.

    Examples
    --------
    >>> [number(v) for v in (1234567, 1177.84, 12.3456, 3.0, 0.031249, float("nan"), None)]
    ['1,234,567', '1,178', '12.35', '3', '0.03125', '-', '-']
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # NumPy scalars
    if isinstance(value, int):
        return f"{value:,}"
    if not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return "-"
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 1:
        digits = math.floor(math.log10(size)) + 1
        text = f"{value:,.{max(0, 4 - digits)}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{value:.4g}"


def percent(value: Any, digits: int = 1) -> str:
    """A share as a percentage (``0.1234`` -> ``12.3%``); missing as ``-``.

    Examples
    --------
    >>> percent(0.1234), percent(float("nan"))
    ('12.3%', '-')
    """
    if value is None:
        return "-"
    value = float(value)
    return "-" if not math.isfinite(value) else f"{100 * value:.{digits}f}%"


@dataclass(frozen=True)
class Col:
    """A table column.

    ``key`` columns (ids, dates, numbers) are never cut or wrapped; other columns wrap
    on spaces. ``optional`` columns may be left out, from the last one back, when the
    table cannot fit the width.
    """

    name: str
    justify: str = "right"
    key: bool = True
    optional: bool = False


_BORDER = 1  # rich's box: one character per column separator, plus one
_PADDING = 2  # one space each side of a cell


def _fits(cols: Sequence[Col], widths: Sequence[int], width: int) -> bool:
    return sum(widths) + len(cols) * (_PADDING + _BORDER) + _BORDER <= width


def _min_width(col: Col, header_width: int, cells: list[str]) -> int:
    longest = max((len(c) for c in cells), default=0)
    if col.key:
        return max(header_width, longest)
    words = [len(w) for c in cells for w in c.split()] or [0]
    return max(header_width, min(longest, max(max(words), 12)))


def print_table(
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    console: Any = None,
    show_header: bool = True,
) -> list[str]:
    """Print ``rows`` under ``columns`` within the console width; return the columns left out.

    Cells are formatted with :func:`number` unless they are already strings.
    """
    out = console if console is not None else default_console
    cells = [[c if isinstance(c, str) else number(c) for c in row] for row in rows]
    cols = list(columns)
    keep = list(range(len(cols)))
    width = out.width

    def widths(whole_headers: bool = False) -> list[int]:
        result = []
        for i in keep:
            name = cols[i].name
            header = len(name) if whole_headers else max(map(len, name.split()), default=0)
            result.append(_min_width(cols[i], header if show_header else 0,
                                     [r[i] for r in cells]))
        return result

    dropped: list[str] = []
    while not _fits([cols[i] for i in keep], widths(), width):
        optional = [i for i in keep if cols[i].optional]
        if not optional:
            break
        keep.remove(optional[-1])
        dropped.insert(0, cols[optional[-1]].name)
    table = Table(title=title, show_header=show_header, title_justify="left")
    whole = _fits([cols[i] for i in keep], widths(True), width)
    for i, w in zip(keep, widths(whole), strict=True):
        col = cols[i]
        # Headers wrap between words when needed (a no-wrap column would cut them).
        header = col.name if len(col.name) <= w else "\n".join(col.name.split())
        table.add_column(header, justify=col.justify,  # type: ignore[arg-type]
                         no_wrap=col.key, min_width=w if col.key else None,
                         overflow="fold")
    for row in cells:
        table.add_row(*(row[i] for i in keep))
    out.print(table)
    if dropped:
        out.print(f"({', '.join(dropped)} left out to fit {width} columns; --json has "
                  f"every column)", style="dim", highlight=False)
    return dropped


_ASSIGN = re.compile(r"\b([a-z][a-z0-9_]*)=(True|False)(\s*\((--[a-z0-9-]+)\))?")


def cli_message(exc: BaseException, flags: Mapping[str, str]) -> str:
    """The one-line message of ``exc`` in the command's words.

    ``flags`` maps parameter names to the command's flags (``{"replace": "--replace"}``).
    A ``downline.errors.InputError`` whose ``field`` is a flag says so (``--runs: ...``
    instead of ``field 'runs': ...``), and parameter names in its text become flags;
    ``name=True`` becomes the flag itself.

    Examples
    --------
    >>> from downline.errors import ParameterError
    >>> cli_message(ParameterError("runs must be positive, not 0", field="runs"),
    ...             {"runs": "--runs"})
    '--runs must be positive, not 0'
    """
    def flag_of(name: str) -> str | None:
        return flags.get(name) or flags.get(name.replace("-", "_"))

    def assign(m: re.Match[str]) -> str:
        flag = flag_of(m.group(1)) or m.group(4)
        if flag is None:
            return m.group(0)
        if m.group(2) == "False":
            return f"--no-{flag[2:]}"
        return flag

    def words(text: str) -> str:
        text = _ASSIGN.sub(assign, text)
        # Only multi-word identifiers (max_steps) or exact field names become flags:
        # ordinary words such as "seed" in prose stay unless they are the field.
        return re.sub(r"\b[a-z]+(?:_[a-z0-9]+)+\b",
                      lambda m: flag_of(m.group(0)) or m.group(0), text)

    if isinstance(exc, InputError):
        message = exc.message
        flag = flag_of(exc.field) if exc.field else None
        if flag is not None:
            message = re.sub(rf"^{re.escape(exc.field or '')}\b", flag, message)
        message = words(message)
        where = []
        if exc.path is not None:
            where.append(exc.path if exc.line is None else f"{exc.path}:{exc.line}")
        elif exc.line is not None:
            where.append(f"line {exc.line}")
        if exc.field is not None and not message.startswith(flag or "\0"):
            where.append(flag if flag is not None else f"field '{exc.field}'")
        text = f"{', '.join(where)}: {message}" if where else message
    else:
        text = words(str(exc))
    return text.replace("\n", " ")

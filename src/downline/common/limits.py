"""Stated, configurable resource bounds: what a tiny hostile file may make `downline` do.

Every bound has a default, an environment variable that overrides the default, and a
function argument (a :class:`Limits` passed to the reader or report) that overrides both.
A bound that is hit raises :class:`downline.errors.LimitError` (an ``InputError``: the CLI
prints one line and exits 2, the API answers 413/422), naming the file, line or value that
caused it and the setting that raises it.

=====================  ===================================  =====================================
bound                  default                              environment variable
=====================  ===================================  =====================================
``max_input_bytes``    none (local files), the API sets it  ``DOWNLINE_MAX_INPUT_BYTES``
``max_ratio``          20 (decompressed / compressed size)  ``DOWNLINE_MAX_DECOMPRESSION_RATIO``
``min_decompressed``   64 MiB always allowed                ``DOWNLINE_MIN_DECOMPRESSED_BYTES``
``max_fields``         4,096 fields per line                ``DOWNLINE_MAX_FIELDS``
``max_line_bytes``     1 MiB per line                       ``DOWNLINE_MAX_LINE_BYTES``
``max_periods``        20,000 periods per report or fit     ``DOWNLINE_MAX_PERIODS``
``max_adopters``       20,000,000 listed adopters           ``DOWNLINE_MAX_ADOPTERS``
``memory_fraction``    0.8 of the available memory          ``DOWNLINE_MEMORY_FRACTION``
=====================  ===================================  =====================================

A compressed file may decompress to ``max(min_decompressed, max_ratio * compressed size)``
bytes (and never beyond ``max_ratio * max_input_bytes`` when an input limit is set): real
edge lists and tables compress 3-8x, a gzip bomb 1000x.

:func:`require_memory` is the check to call before allocating something large (RR sets,
Monte Carlo run buffers): it compares an estimate with the memory the system has available
and refuses with a clear message instead of letting the kernel kill the process.

Examples
--------
>>> lim = Limits(max_fields=8)
>>> lim.max_fields, Limits().max_fields >= 1000
(8, True)
>>> lim.decompressed_cap(1_000)  # small inputs may always grow to min_decompressed
67108864
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

from downline.errors import LimitError

__all__ = [
    "Limits",
    "available_memory",
    "check_periods",
    "default_limits",
    "require_memory",
]

_ENV = {
    "max_input_bytes": "DOWNLINE_MAX_INPUT_BYTES",
    "max_ratio": "DOWNLINE_MAX_DECOMPRESSION_RATIO",
    "min_decompressed": "DOWNLINE_MIN_DECOMPRESSED_BYTES",
    "max_fields": "DOWNLINE_MAX_FIELDS",
    "max_line_bytes": "DOWNLINE_MAX_LINE_BYTES",
    "max_periods": "DOWNLINE_MAX_PERIODS",
    "max_adopters": "DOWNLINE_MAX_ADOPTERS",
    "memory_fraction": "DOWNLINE_MEMORY_FRACTION",
}


def _env(name: str, default: Any) -> Any:
    raw = os.environ.get(_ENV[name])
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw) if name in ("max_ratio", "memory_fraction") else int(raw)
    except ValueError:
        raise LimitError(f"{_ENV[name]} must be a number, not {raw!r}", field=_ENV[name]) from None
    if value <= 0:
        raise LimitError(f"{_ENV[name]} must be positive, not {raw!r}", field=_ENV[name])
    return value


@dataclass(frozen=True)
class Limits:
    """Resource bounds for reading and reporting (see the module docstring for defaults).

    Parameters
    ----------
    max_input_bytes : int or None
        Largest file accepted (None: no limit).
    max_ratio : float
        Largest decompressed / compressed size ratio of a compressed file.
    min_decompressed : int
        Decompressed bytes always allowed, whatever the ratio.
    max_fields : int
        Most fields on one line of a text table.
    max_line_bytes : int
        Longest line of a text table, in bytes.
    max_periods : int
        Most periods (days, weeks, ...) a report or a fit may create.
    max_adopters : int
        Most adopters a series may list one by one.
    memory_fraction : float
        Share of the available memory one allocation may claim (:func:`require_memory`).

    Examples
    --------
    >>> Limits(max_periods=100).with_(max_fields=10).max_periods
    100
    """

    max_input_bytes: int | None = field(default_factory=lambda: _env("max_input_bytes", None))
    max_ratio: float = field(default_factory=lambda: _env("max_ratio", 20.0))
    min_decompressed: int = field(default_factory=lambda: _env("min_decompressed", 64 << 20))
    max_fields: int = field(default_factory=lambda: _env("max_fields", 4096))
    max_line_bytes: int = field(default_factory=lambda: _env("max_line_bytes", 1 << 20))
    max_periods: int = field(default_factory=lambda: _env("max_periods", 20_000))
    max_adopters: int = field(default_factory=lambda: _env("max_adopters", 20_000_000))
    memory_fraction: float = field(default_factory=lambda: _env("memory_fraction", 0.8))

    def with_(self, **changes: Any) -> Limits:
        """A copy with some bounds changed."""
        return replace(self, **changes)

    def decompressed_cap(self, compressed_bytes: int) -> int:
        """Most bytes a compressed file of ``compressed_bytes`` may decompress to."""
        cap = max(int(self.min_decompressed), int(self.max_ratio * compressed_bytes))
        if self.max_input_bytes is not None:
            cap = min(cap, max(int(self.min_decompressed),
                               int(self.max_ratio * self.max_input_bytes)))
        return cap


def default_limits(limits: Limits | None = None) -> Limits:
    """``limits`` itself, or the defaults read from the environment now."""
    return limits if limits is not None else Limits()


def check_periods(n: int, *, cause: Any = None, field: str | None = None,
                  limits: Limits | None = None, path: str | None = None) -> None:
    """Refuse a report or fit that would create more than ``max_periods`` periods.

    ``cause`` (the date or value that stretches the span) is named in the message.

    Examples
    --------
    >>> check_periods(10)
    >>> try:
    ...     check_periods(10**6, cause="2999-01-01", field="joined_at")
    ... except Exception as exc:
    ...     print(type(exc).__name__)
    LimitError
    """
    cap = default_limits(limits).max_periods
    if n > cap:
        why = f" (the span reaches {cause})" if cause is not None else ""
        raise LimitError(
            f"this would create {n:,} periods{why}, more than the limit of {cap:,}; choose a "
            f"longer period (--freq), fix the date, or raise {_ENV['max_periods']}",
            path=path, field=field,
        )


def available_memory() -> int:
    """Bytes of memory available to a new allocation without swapping (best estimate).

    Reads ``MemAvailable`` from ``/proc/meminfo`` (Linux), else psutil, else assumes 4 GiB.
    A cgroup memory limit (containers) lowers the figure when it is smaller.

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    avail: int | None = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    if avail is None:
        try:
            # lazy: only where /proc/meminfo is missing (and psutil may be too)
            import psutil

            avail = int(psutil.virtual_memory().available)
        except Exception:  # psutil absent or unsupported platform
            avail = 4 << 30
    for cg in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(cg) as fh:
                raw = fh.read().strip()
            if raw.isdigit():
                used_file = cg.replace("memory.max", "memory.current").replace(
                    "memory.limit_in_bytes", "memory.usage_in_bytes")
                with open(used_file) as fh:
                    used = int(fh.read().strip())
                avail = min(avail, max(int(raw) - used, 0))
            break
        except (OSError, ValueError):
            continue
    return avail


def require_memory(nbytes: float, *, what: str, hint: str | None = None,
                   limits: Limits | None = None) -> None:
    """Refuse work whose estimated memory ``nbytes`` exceeds what the machine has free.

    Call it before RR-set sampling, Monte Carlo buffers or any allocation sized by user
    parameters. The budget is ``memory_fraction`` of :func:`available_memory`.

    Parameters
    ----------
    nbytes : float
        The estimate, in bytes.
    what : str
        What would need it, for the message ("RR sets for eps=0.01").
    hint : str, optional
        How to need less ("raise eps", "fewer runs").
    limits : Limits, optional

    Raises
    ------
    LimitError
        When the estimate exceeds the budget.

    Examples
    --------
    >>> require_memory(1024, what="a tiny buffer")
    >>> try:
    ...     require_memory(1e18, what="10^18 bytes", hint="ask for less")
    ... except Exception as exc:
    ...     print(type(exc).__name__)
    LimitError
    """
    budget = default_limits(limits).memory_fraction * available_memory()
    if nbytes > budget:
        extra = f"; {hint}" if hint else ""
        raise LimitError(
            f"{what} would need about {_size(nbytes)} of memory, but only {_size(budget)} "
            f"is available ({_ENV['memory_fraction']}={default_limits(limits).memory_fraction:g})"
            f"{extra}",
            field="memory",
        )


def _size(n: float) -> str:
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} bytes"

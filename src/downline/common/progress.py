"""The one progress callback type of `downline`.

Long work takes ``progress``, called as ``progress(done, total)`` after each piece:
``done`` and ``total`` count the same unit (runs, RR sets, edges, steps), ``total`` is
None while it is not known yet. The CLI draws it as a bar, the API reports it on the job.
A callback may accept more optional arguments (the API's job callback takes a message
as a third, which only the API's own code passes); areas pass two.

Examples
--------
>>> seen = []
>>> def record(done: float, total: float | None) -> None:
...     seen.append((done, total))
>>> p: Progress = record
>>> p(1, 4)
>>> seen
[(1, 4)]
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress"]

Progress = Callable[[float, float | None], None]
"""``progress(done, total)``; ``total`` is None when not known."""

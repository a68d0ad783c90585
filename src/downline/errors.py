"""The exceptions of `downline`, in one hierarchy.

Everything a user can get wrong raises an `InputError` subclass whose message names the
file, line, field or value at fault, so that the CLI can print it on one line and the API
can turn it into a 4xx answer. Programming errors inside the package are not caught here.
"""

from __future__ import annotations

from os import PathLike

__all__ = [
    "CaseStateError",
    "ChunkedReadUnsupported",
    "ComplianceError",
    "ConvergenceError",
    "DownlineError",
    "EngineError",
    "FormatError",
    "GenealogyError",
    "GraphError",
    "InputError",
    "LimitError",
    "NotFoundError",
    "ParameterError",
    "RulesFileError",
    "StoreError",
]


class DownlineError(Exception):
    """Base class of every error raised on purpose by `downline`."""


class ArtifactError(DownlineError):
    """A shipped or saved artifact (a fitted model) that is missing, stale or corrupt.

    Not a user mistake: the message says how to rebuild the artifact.
    """

    def __init__(self, message: str, *, path: str | PathLike[str] | None = None) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {message}" if self.path else message)


class InputError(DownlineError, ValueError):
    """Bad input from the user: a file, a table, a parameter.

    Parameters
    ----------
    message : str
        What is wrong, in words a user understands.
    path : str or PathLike, optional
        The file at fault.
    line : int, optional
        The 1-based line number in that file.
    field : str, optional
        The column, field or parameter at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path if self.line is None else f"{self.path}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FormatError(InputError):
    """A file that cannot be parsed: missing, empty, not UTF-8, malformed line."""


class GraphError(InputError):
    """A graph that is well-formed text but not a valid graph for the request."""


class ParameterError(InputError):
    """A parameter outside its domain (a probability above 1, ``runs <= 0``, ...)."""


class GenealogyError(InputError):
    """A sponsor tree that is not a forest: unknown sponsor, duplicate id, cycle."""


class RulesFileError(InputError):
    """A pitch-screening rules file that is malformed."""


class StoreError(DownlineError):
    """The workspace cannot do what was asked (unknown name, name taken, ...)."""


class WorkspaceBusyError(StoreError):
    """Another process (a running ``downline serve``, say) holds the workspace file."""


class LimitError(InputError):
    """Input that would exceed a stated resource bound (see :mod:`downline.common.limits`).

    The message names the bound, the file, line or value that hit it, and the setting or
    environment variable that raises it. The API answers it with 413.
    """


class ComplianceError(InputError):
    """A compliance-program request that cannot be met: content that is not clean enough to
    approve, an unknown case or library item, an image that cannot be read."""


class CaseStateError(ComplianceError):
    """A case action the state machine does not allow (resolving a case twice, say)."""


class NotFoundError(InputError, KeyError):
    """A name that is not there: a rule id, a shipped data set. Also a ``KeyError``."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self._render()


class ConvergenceError(DownlineError):
    """A fit did not converge and the caller asked for an error (``strict=True``)."""


class EngineError(DownlineError):
    """A chunk failed on the cluster (after Dask's retries) or the cluster is unreachable."""


class ChunkedReadUnsupported(DownlineError):
    """The chunked route of the table reader cannot take this file (quoted fields, Unicode
    blanks, a tab file with some lines in spaces): the caller reads it whole instead.

    Raised and caught inside `downline`; it never reaches a user. ``retry``, when given,
    is what to read the file with instead (a tab file whose lines are split by blanks).
    """

    def __init__(self, message: str, *, retry: object = None) -> None:
        super().__init__(message)
        self.retry = retry

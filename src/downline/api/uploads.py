"""Uploads: streamed to a server-named file beside the workspace, read, then deleted.

The client's file name never becomes part of a path: the staged file is named by a
random UUID and keeps the client's extension only when it is one the readers know
(:data:`ALLOWED_SUFFIXES`), because the readers choose a format by extension.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from fastapi import UploadFile

from downline.api.security import BodyTooLarge
from downline.errors import DownlineError, FormatError, InputError

__all__ = ["ALLOWED_SUFFIXES", "display_name", "read_upload", "staged_upload"]

ALLOWED_SUFFIXES = (".txt", ".tsv", ".csv", ".gz", ".bz2", ".xz", ".zst", ".graphml", ".gexf",
                    ".parquet", ".jsonl", ".edges", ".edgelist")
_COMPRESSED = (".gz", ".bz2", ".xz", ".zst")
_CHUNK = 1 << 20
T = TypeVar("T")
log = logging.getLogger("downline.api.uploads")


def _suffix(filename: str | None) -> str:
    """The allowed extension(s) of a client's file name, or ``""``.

    Examples
    --------
    >>> _suffix("../../etc/graph.TXT.gz"), _suffix("x.exe"), _suffix(None)
    ('.txt.gz', '', '')
    """
    if not filename:
        return ""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].lower()
    parts = name.split(".")[1:]
    if not parts:
        return ""
    last = "." + parts[-1]
    if last not in ALLOWED_SUFFIXES:
        return ""
    if last in _COMPRESSED and len(parts) >= 2 and "." + parts[-2] in ALLOWED_SUFFIXES:
        return "." + parts[-2] + last
    return last


def display_name(filename: str | None) -> str:
    """A client's file name reduced to safe characters, for messages and the catalogue.

    Examples
    --------
    >>> display_name("C:\\docs\\my posts (1).csv")
    'my_posts__1_.csv'
    """
    if not filename:
        return "upload"
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]", "_", base)[:100] or "upload"


@contextmanager
def staged_upload(upload: UploadFile, folder: Path, limit: int) -> Iterator[Path]:
    """Copy an upload, chunk by chunk, into ``folder/<uuid><ext>``; delete it afterwards.

    Raises
    ------
    FormatError
        The upload is empty.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{_suffix(upload.filename)}"
    try:
        written = 0
        with target.open("wb") as out:
            while chunk := upload.file.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise BodyTooLarge(limit)
                out.write(chunk)
        if written == 0:
            raise FormatError("the uploaded file is empty", field="file")
        yield target
    finally:
        target.unlink(missing_ok=True)


def read_upload(upload: UploadFile, folder: Path, limit: int, reader: Callable[[Path], T]) -> T:
    """Stage ``upload`` and return ``reader(path)``; errors name the client's file only.

    A reader's :class:`~downline.errors.InputError` keeps its message, line and field. Any
    other failure while reading (a library's own error on a truncated archive or an odd
    Parquet type) is a file the readers cannot parse: it becomes a
    :class:`~downline.errors.FormatError` with the library's message (400), never a 500,
    and is logged so that the reader can learn to say it better.
    """
    shown = display_name(upload.filename)
    with staged_upload(upload, folder, limit) as path:
        try:
            return reader(path)
        except InputError as exc:
            exc.message = exc.message.replace(str(path), shown).replace(path.name, shown)
            exc.path = shown
            exc.args = (exc._render(),)
            raise
        except DownlineError:
            raise
        except MemoryError:
            raise FormatError("the file needs more memory to read than the server has; "
                              "split it or load it with the CLI", path=shown) from None
        except Exception as exc:  # a library's error on a file the readers cannot parse
            log.warning("upload %s: %s: %s", shown, type(exc).__name__, exc)
            text = str(exc).replace(str(path), shown).replace(path.name, shown)
            raise FormatError(f"cannot read the file: {text or type(exc).__name__}",
                              path=shown) from None

"""Sample data bundled with the package (see README.md in this folder for sources)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SAMPLE_GRAPH", "sample_path"]

SAMPLE_GRAPH = "email-Eu-core.txt.gz"


def sample_path(name: str = SAMPLE_GRAPH) -> Path:
    """Path of a bundled sample file.

    Examples
    --------
    >>> sample_path().name
    'email-Eu-core.txt.gz'
    """
    path = Path(str(resources.files(__package__) / name))
    if not path.exists():
        raise FileNotFoundError(f"no bundled sample named {name!r}")
    return path


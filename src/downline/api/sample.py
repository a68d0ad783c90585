"""The bundled sample workspace: SNAP email-Eu-core and a synthetic company genealogy."""

from __future__ import annotations

from os import PathLike
from typing import Any

from downline.data import sample_path
from downline.genealogy import read_genealogy
from downline.graph import read_graph
from downline.store import Workspace

__all__ = ["SAMPLE_GENEALOGY", "SAMPLE_NETWORK", "add_samples", "prepare_sample_workspace"]

SAMPLE_NETWORK = "email-Eu-core"
SAMPLE_GENEALOGY = "sample-company"


def prepare_sample_workspace(path: str | PathLike[str]) -> dict[str, Any]:
    """Load the bundled sample network and genealogy into a workspace, if absent.

    Parameters
    ----------
    path : str or PathLike
        The workspace file; created when missing. What it already holds is kept.

    Returns
    -------
    dict
        ``{"network": name, "genealogy": name, "added": [...]}``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = tempfile.mkdtemp()
    >>> prepare_sample_workspace(pathlib.Path(folder) / "ws.duckdb")["added"]
    ['email-Eu-core', 'sample-company']
    """
    with Workspace(path) as ws:
        return add_samples(ws)


def add_samples(ws: Workspace) -> dict[str, Any]:
    """Add the bundled sample network and genealogy to an open workspace, if absent.

    Examples
    --------
    >>> with Workspace(":memory:") as ws:
    ...     first, again = add_samples(ws), add_samples(ws)
    >>> first["added"], again["added"]
    (['email-Eu-core', 'sample-company'], [])
    """
    added = []
    if SAMPLE_NETWORK not in set(ws.networks()["name"]):
        graph = read_graph(sample_path(), name=SAMPLE_NETWORK)
        ws.add_network(SAMPLE_NETWORK, graph, source="bundled sample: SNAP email-Eu-core")
        added.append(SAMPLE_NETWORK)
    if SAMPLE_GENEALOGY not in set(ws.genealogies()["name"]):
        gen = read_genealogy(sample_path("sample_genealogy.csv"))
        ws.add_genealogy(SAMPLE_GENEALOGY, gen.to_frame(),
                         source="bundled sample: sample_genealogy.csv")
        added.append(SAMPLE_GENEALOGY)
    return {"network": SAMPLE_NETWORK, "genealogy": SAMPLE_GENEALOGY, "added": added}

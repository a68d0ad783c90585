"""Workspace endpoints: upload, list, describe and remove networks and genealogies; results."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile

from downline.api._settings import Settings
from downline.api._state import WorkspaceGuard
from downline.api.deps import get_guard, get_settings
from downline.api.routers._common import NAME_PATTERN, Name, ResultId
from downline.api.sample import add_samples
from downline.api.uploads import display_name, read_upload
from downline.common.serialize import to_jsonable as jsonable
from downline.errors import StoreError
from downline.genealogy import read_genealogy
from downline.graph import read_graph
from downline.influence import degree_ranking, ego_network

router = APIRouter(prefix="/api", tags=["workspace"])

Guard = Annotated[WorkspaceGuard, Depends(get_guard)]
Config = Annotated[Settings, Depends(get_settings)]
FormName = Annotated[str, Form(pattern=NAME_PATTERN, description="Name in the workspace",
                               examples=["follows"])]


@router.get("/workspace", summary="What the workspace holds")
def workspace_summary(guard: Guard) -> dict[str, Any]:
    """Networks, genealogies and the latest results, with the file size."""
    return guard.summary()


@router.post("/workspace/samples", summary="Register the bundled sample data")
def register_samples(guard: Guard) -> dict[str, Any]:
    """Add the bundled SNAP email-Eu-core network and the sample company genealogy to the
    workspace when they are absent; ``added`` lists what was new."""
    with guard.open() as ws:
        return add_samples(ws)


@router.get("/networks", summary="List networks")
def list_networks(guard: Guard) -> list[dict[str, Any]]:
    """All stored networks, newest first."""
    return guard.summary()["networks"]


@router.post("/networks", status_code=201, summary="Upload a network",
             responses={400: {"description": "Malformed file"},
                        409: {"description": "Name taken"},
                        413: {"description": "File too large"}})
def upload_network(
    guard: Guard,
    settings: Config,
    file: Annotated[UploadFile, File(description="Edge list (.txt/.csv/.tsv, optionally .gz), "
                                                 ".graphml, .gexf or .parquet")],
    name: FormName,
    reverse: Annotated[bool, Form(description="Lines are 'follower followee'")] = False,
    undirected: Annotated[bool, Form()] = False,
    replace: Annotated[bool, Form(description="Replace a network of that name")] = False,
) -> dict[str, Any]:
    """Stream the file to disk, read it with :func:`downline.read_graph` and store it.

    A file that fails to load leaves the workspace unchanged.
    """
    if not replace:
        _check_free(guard, "network", name)
    graph = read_upload(
        file, settings.upload_dir, settings.max_upload_bytes,
        lambda path: read_graph(path, reverse=reverse, undirected=undirected, name=name),
    )
    with guard.open() as ws:
        info = ws.add_network(name, graph, replace=replace,
                              source=f"upload:{display_name(file.filename)}")
    return jsonable(info)


def _check_free(guard: WorkspaceGuard, kind: str, name: str) -> None:
    with guard.open() as ws:
        frame = ws.networks() if kind == "network" else ws.genealogies()
    if name in set(frame["name"]):
        raise StoreError(f"a {kind} named {name!r} exists; send replace=true to replace it")


@router.get("/networks/{name}", summary="Describe a network")
def get_network(name: Name, guard: Guard) -> dict[str, Any]:
    """The catalogue row and :func:`downline.graph.describe` (sizes, degrees, components)."""
    info = guard.network_info(name)
    return {**info, "describe": guard.describe(name)}


@router.get("/networks/{name}/nodes", summary="Best connected nodes")
def top_nodes(
    name: Name, guard: Guard,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> list[dict[str, Any]]:
    """The ``top`` nodes by out-degree (the people who directly reach the most):
    :func:`downline.influence.degree_ranking`."""
    graph = guard.graph(name)
    ranked = degree_ranking(graph, min(top, graph.n))
    indeg = graph.in_degree()
    return [{"id": jsonable(node), "out_degree": int(score), "in_degree": int(indeg[i])}
            for node, score, i in zip(ranked.seeds, ranked.scores, ranked.indices.tolist(),
                                      strict=True)]


@router.get("/networks/{name}/ego", summary="Ego network of a node")
def get_ego(
    name: Name, guard: Guard,
    node: Annotated[str, Query(description="The node id", examples=["160"])],
    radius: Annotated[int, Query(ge=1, le=4)] = 1,
    limit: Annotated[int, Query(ge=1, le=2000)] = 150,
) -> dict[str, Any]:
    """The people ``node`` reaches within ``radius`` hops (at most ``limit``), with the
    ties among them and their communities: :func:`downline.influence.ego_network`."""
    return jsonable(ego_network(guard.graph(name), node, radius=radius, limit=limit).to_dict())


@router.delete("/networks/{name}", status_code=204, summary="Remove a network")
def delete_network(name: Name, guard: Guard) -> Response:
    """Remove a network from the workspace."""
    with guard.open() as ws:
        ws.remove("network", name)
    return Response(status_code=204)


@router.get("/genealogies", summary="List genealogies")
def list_genealogies(guard: Guard) -> list[dict[str, Any]]:
    """All stored genealogies, newest first."""
    return guard.summary()["genealogies"]


@router.post("/genealogies", status_code=201, summary="Upload a genealogy",
             responses={400: {"description": "Malformed file"},
                        409: {"description": "Name taken"},
                        413: {"description": "File too large"},
                        422: {"description": "Not a sponsor forest"}})
def upload_genealogy(
    guard: Guard,
    settings: Config,
    file: Annotated[UploadFile, File(description="Member table: member_id, sponsor_id, "
                                                 "joined_at[, left_at, rank, volume] "
                                                 "(.csv, .csv.gz or .parquet)")],
    name: FormName,
    replace: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Read a sponsor tree with :func:`downline.genealogy.read_genealogy`, validate, store."""
    if not replace:
        _check_free(guard, "genealogy", name)
    gen = read_upload(file, settings.upload_dir, settings.max_upload_bytes, read_genealogy)
    with guard.open() as ws:
        info = ws.add_genealogy(name, gen.to_frame(), replace=replace,
                                source=f"upload:{display_name(file.filename)}")
    return jsonable(info)


@router.get("/genealogies/{name}", summary="Describe a genealogy")
def get_genealogy(name: Name, guard: Guard) -> dict[str, Any]:
    """The catalogue row, roots and depth of a genealogy."""
    info = guard.genealogy_info(name)
    gen = guard.genealogy(name)
    roots = [jsonable(r) for r in gen.roots.tolist()[:50]]
    return {**info, "roots": roots, "n_roots": int(gen.root_index.shape[0]),
            "depth": int(gen.depth.max()) if gen.n else 0}


@router.delete("/genealogies/{name}", status_code=204, summary="Remove a genealogy")
def delete_genealogy(name: Name, guard: Guard) -> Response:
    """Remove a genealogy from the workspace."""
    with guard.open() as ws:
        ws.remove("genealogy", name)
    return Response(status_code=204)


@router.get("/results", summary="List stored results")
def list_results(
    guard: Guard,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=64)] = None,
) -> list[dict[str, Any]]:
    """Stored results (without payloads), newest first, optionally filtered."""
    return guard.results(kind=kind, subject=subject)


@router.get("/results/{result_id}", summary="One stored result")
def get_result(result_id: ResultId, guard: Guard) -> dict[str, Any]:
    """A stored result with its parameters and payload."""
    return guard.result(result_id)

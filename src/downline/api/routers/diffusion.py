"""Diffusion-network endpoint: netdiffuseR's statistics on node and edge tables sent inline.

The tables arrive as CSV text (the same files ``downline adoption network`` reads); the
answer is :meth:`downline.adoption.network_report.NetworkReport.to_dict` plus what the
dashboard needs to draw adoption on the network (ids, times, ties, a layout). Small
networks only (the bounds below): it answers in the request.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from downline.adoption.network import read_diffusion_network
from downline.adoption.network_report import network_layout, network_report
from downline.common.serialize import to_jsonable
from downline.errors import InputError, LimitError

router = APIRouter(prefix="/api/diffusion", tags=["adoption"])

#: Bounds of one request: table text, nodes, ties drawn, nodes for Moran's I.
MAX_TEXT = 5_000_000
MAX_NODES = 3_000
MAX_DRAWN_TIES = 20_000
MAX_MORAN_NODES = 1_500


class NetworkRequest(BaseModel):
    """Node and edge tables as CSV text and how to read them."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "nodes": "id,toa,village\n1,1,1\n2,2,1\n3,,1\n", "edges": "source,target\n2,1\n3,2\n",
        "group": "village"}]})

    nodes: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    edges: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    toa_column: str = Field("toa", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    weight: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    group: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    netdiffuser: bool = Field(False, description="Code never-adopters as adopting one "
                                                 "period after the last (netdiffuseR)")
    draw: bool = Field(True, description="Include ids, ties and a layout for drawing")


@router.post("/network", summary="Diffusion network statistics")
def network(body: NetworkRequest) -> dict[str, Any]:
    """Summary per period (adopters, cumulative, hazard, density, Moran's I up to
    1,500 nodes), thresholds (per ``group``), the adopter classification, Bass fit and
    Rogers categories of the adopters; with ``draw``, nodes (id, time of adoption),
    ties and positions. Bad tables are 400/422 naming the table, line and column; a
    network over 3,000 nodes is 413."""
    with tempfile.TemporaryDirectory() as tmp:
        npath, epath = Path(tmp) / "nodes.csv", Path(tmp) / "edges.csv"
        npath.write_text(body.nodes, encoding="utf-8")
        epath.write_text(body.edges, encoding="utf-8")
        try:
            net = read_diffusion_network(npath, epath, toa_column=body.toa_column,
                                         weight=body.weight, name="network")
        except InputError as exc:
            # say which table: the temporary file names mean nothing to the caller
            table = "edges" if exc.path is not None and exc.path.endswith("edges.csv") \
                else "nodes"
            raise type(exc)(f"{table} table: {exc.message}", line=exc.line,
                            field=exc.field) from None
    if net.n > MAX_NODES:
        raise LimitError(f"{net.n} nodes is over this endpoint's bound of {MAX_NODES}; "
                         "use downline adoption network", field="nodes")
    censored = net.toa
    if body.netdiffuser:
        net = net.netdiffuser_coded()
    report = network_report(net, group=body.group, moran_i=net.n <= MAX_MORAN_NODES,
                            censored_toa=censored)
    out = report.to_dict()
    if body.draw:
        coo = net.graph_at(0).tocoo()
        keep = min(coo.nnz, MAX_DRAWN_TIES)
        out["draw"] = {
            "ids": [str(v) for v in net.ids.tolist()],
            "toa": [None if not np.isfinite(v) else float(v) for v in net.toa],
            "ties": np.column_stack([coo.row[:keep], coo.col[:keep]]).tolist(),
            "ties_dropped": int(coo.nnz - keep),
            "xy": np.round(network_layout(net), 4).tolist(),
            "periods": net.periods.tolist(),
        }
    return to_jsonable(out)

"""POST /api/diffusion/network: the network report, drawing data, errors as 4xx."""

from __future__ import annotations

from fastapi.testclient import TestClient

NODES = "id,toa,village\n1,1,1\n2,2,1\n3,2,1\n4,3,2\n5,,2\n6,3,2\n"
EDGES = "source,target\n2,1\n3,1\n3,2\n4,6\n6,4\n5,4\n"


def test_network_report_and_drawing(client: TestClient) -> None:
    r = client.post("/api/diffusion/network", json={"nodes": NODES, "edges": EDGES,
                                                      "group": "village"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert [p["cumulative"] for p in out["summary"]["periods"]] == [1, 3, 5]
    assert out["summary"]["right_censoring"] == 1
    assert set(out["thresholds"]["by_group"]) == {"1", "2"}
    assert out["draw"]["toa"][4] is None and len(out["draw"]["xy"]) == 6
    assert len(out["draw"]["ties"]) == 6
    coded = client.post("/api/diffusion/network", json={"nodes": NODES, "edges": EDGES,
                                                          "netdiffuser": True}).json()
    assert coded["summary"]["right_censoring"] == 0


def test_bad_tables_are_4xx_naming_line_and_field(client: TestClient) -> None:
    r = client.post("/api/diffusion/network", json={"nodes": NODES, "edges": EDGES + "2,9\n"})
    assert r.status_code == 422
    body = r.json()
    assert body["line"] == 8 and body["field"] == "target" and "unknown id 9" in body["detail"]
    r = client.post("/api/diffusion/network",
                    json={"nodes": NODES.replace("4,3,2", "4,x,2"), "edges": EDGES})
    assert r.status_code == 422 and r.json()["field"] == "toa"
    r = client.post("/api/diffusion/network", json={"nodes": NODES, "edges": EDGES,
                                                      "group": "nope"})
    assert r.status_code == 422
    r = client.post("/api/diffusion/network", json={"nodes": "", "edges": EDGES})
    assert r.status_code == 422


def test_page_is_listed(client: TestClient) -> None:
    page = client.get("/diffusion")
    assert page.status_code == 200 and "diffusion.js" in page.text

"""Uploads, listings, descriptions and removal; bad files leave the workspace unchanged."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from downline.api import create_app

EDGES = b"# a tiny follow graph\r\na b\r\nb c\r\na c\r\n"


def _names(client: TestClient, kind: str) -> list[str]:
    return [row["name"] for row in client.get(f"/api/{kind}").json()]


def test_health_and_summary(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["auth"] is False
    summary = client.get("/api/workspace").json()
    assert [n["name"] for n in summary["networks"]] == ["email-Eu-core"]
    assert [g["name"] for g in summary["genealogies"]] == ["sample-company"]
    assert summary["file_bytes"] > 0
    assert "/" not in summary["path_name"]


def test_upload_network_and_describe(client: TestClient, workspace: Path) -> None:
    r = client.post("/api/networks", data={"name": "tiny"},
                    files={"file": ("edges.txt", EDGES, "text/plain")})
    assert r.status_code == 201, r.text
    assert r.json()["nodes"] == 3 and r.json()["edges"] == 3
    assert r.json()["source"] == "upload:edges.txt"
    d = client.get("/api/networks/tiny").json()
    assert d["describe"]["nodes"] == 3 and d["describe"]["sources"] == 1
    assert client.get("/api/networks/tiny/nodes", params={"top": 1}).json()[0]["id"] == "a"
    assert not list((workspace.parent / ".uploads").iterdir())


def test_upload_gzip_reverse(client: TestClient) -> None:
    r = client.post("/api/networks", data={"name": "rev", "reverse": "true"},
                    files={"file": ("follows.txt.gz", gzip.compress(EDGES), "application/gzip")})
    assert r.status_code == 201, r.text
    top = client.get("/api/networks/rev/nodes", params={"top": 1}).json()[0]
    assert top["id"] == "c" and top["out_degree"] == 2


def test_malformed_network_is_400_and_changes_nothing(client: TestClient,
                                                      workspace: Path) -> None:
    before = client.get("/api/workspace").json()
    r = client.post("/api/networks", data={"name": "bad"},
                    files={"file": ("bad.txt", b"a b c d e f\n\xff\xfe\x00 x\n", "text/plain")})
    assert 400 <= r.status_code < 500
    body = r.json()
    assert body["detail"] and str(workspace.parent) not in r.text
    after = client.get("/api/workspace").json()
    assert after["networks"] == before["networks"]
    assert not list((workspace.parent / ".uploads").iterdir())


def test_empty_upload(client: TestClient) -> None:
    r = client.post("/api/networks", data={"name": "empty"},
                    files={"file": ("empty.txt", b"", "text/plain")})
    assert r.status_code == 400
    assert "empty" in r.json()["detail"]
    assert "empty" not in _names(client, "networks")


def test_file_name_never_touches_paths(client: TestClient, workspace: Path) -> None:
    r = client.post("/api/networks", data={"name": "trav"},
                    files={"file": ("../../../../tmp/evil.txt", EDGES, "text/plain")})
    assert r.status_code == 201
    assert r.json()["source"] == "upload:evil.txt"
    assert not Path("/tmp/evil.txt").exists()


def test_name_rules_and_conflicts(client: TestClient) -> None:
    files = {"file": ("e.txt", EDGES, "text/plain")}
    assert client.post("/api/networks", data={"name": "../x"}, files=files).status_code == 422
    r = client.post("/api/networks", data={"name": "email-Eu-core"}, files=files)
    assert r.status_code == 409 and "exists" in r.json()["detail"]
    r = client.post("/api/networks", data={"name": "email-Eu-core", "replace": "true"},
                    files=files)
    assert r.status_code == 201 and r.json()["nodes"] == 3


def test_oversized_upload_is_413(workspace: Path) -> None:
    with TestClient(create_app(workspace, max_upload_bytes=5_000),
                    base_url="http://127.0.0.1") as small:
        big = b"".join(b"%d %d\n" % (i, i + 1) for i in range(5_000))
        r = small.post("/api/networks", data={"name": "big"},
                       files={"file": ("big.txt", big, "text/plain")})
        assert r.status_code == 413
        assert "limit" in r.json()["detail"]
        assert "big" not in _names(small, "networks")


def test_unknown_names_are_404(client: TestClient) -> None:
    for url in ("/api/networks/nope", "/api/networks/nope/nodes", "/api/genealogies/nope",
                "/api/genealogies/nope/report", "/api/results/999999"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "no " in r.json()["detail"]
    assert client.get("/api/networks/nope/ego", params={"node": "1"}).status_code == 404
    assert client.delete("/api/networks/nope").status_code == 404
    assert client.delete("/api/genealogies/nope").status_code == 404


def test_ego_network(client: TestClient) -> None:
    ego = client.get("/api/networks/email-Eu-core/ego",
                     params={"node": "160", "radius": 2, "limit": 50}).json()
    assert ego["center"] == 160 and len(ego["nodes"]) == 50 and ego["truncated"]
    ids = {n["id"] for n in ego["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in ego["edges"])
    r = client.get("/api/networks/email-Eu-core/ego", params={"node": "no-such"})
    assert r.status_code == 422 and "not in graph" in r.json()["detail"]


def test_delete_network(client: TestClient) -> None:
    assert client.delete("/api/networks/email-Eu-core").status_code == 204
    assert _names(client, "networks") == []


GENEALOGY = (b"member_id,sponsor_id,joined_at,left_at\n"
             b"a,,2024-01-01,\nb,a,2024-02-01,\nc,a,2024-02-03,2024-05-01\nd,b,2024-03-01,\n")


def test_upload_genealogy(client: TestClient) -> None:
    r = client.post("/api/genealogies", data={"name": "tiny"},
                    files={"file": ("members.csv", GENEALOGY, "text/csv")})
    assert r.status_code == 201, r.text
    assert r.json()["members"] == 4
    info = client.get("/api/genealogies/tiny").json()
    assert info["roots"] == ["a"] and info["depth"] == 2


def test_genealogy_with_unknown_sponsor_is_422(client: TestClient) -> None:
    bad = GENEALOGY + b"e,zz,2024-03-02,\n"
    r = client.post("/api/genealogies", data={"name": "bad"},
                    files={"file": ("members.csv", bad, "text/csv")})
    assert r.status_code == 422
    assert "zz" in r.json()["detail"]
    assert "bad" not in _names(client, "genealogies")


def test_genealogy_bad_date_names_line(client: TestClient) -> None:
    bad = GENEALOGY.replace(b"2024-03-01", b"yesterday")
    r = client.post("/api/genealogies", data={"name": "bad"},
                    files={"file": ("members.csv", bad, "text/csv")})
    assert r.status_code == 400
    body = r.json()
    assert body["line"] == 5 and body["file"] == "members.csv"


def test_header_only_genealogy_is_400(client: TestClient) -> None:
    r = client.post("/api/genealogies", data={"name": "hdr"},
                    files={"file": ("m.csv", b"member_id,sponsor_id,joined_at\n", "text/csv")})
    assert r.status_code == 400 and r.json()["line"] == 1


@pytest.mark.parametrize("kind", ["networks", "genealogies"])
def test_missing_file_field(client: TestClient, kind: str) -> None:
    r = client.post(f"/api/{kind}", data={"name": "x"})
    assert r.status_code == 422
    assert "file" in r.json()["detail"]


def test_results_listing(client: TestClient) -> None:
    assert client.get("/api/results").json() == []
    assert client.get("/api/results/0").status_code == 422


def test_chunked_upload_over_the_limit_is_413(workspace: Path) -> None:
    boundary = "b0undary"

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nbig\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               "filename=\"e.txt\"\r\n\r\n").encode()
        for _ in range(100):
            yield b"".join(b"%d %d\n" % (j, j + 1) for j in range(100))
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(create_app(workspace, max_upload_bytes=10_000),
                    base_url="http://127.0.0.1") as small:
        r = small.post("/api/networks", content=body(),
                       headers={"content-type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 413 and "limit" in r.json()["detail"]
        assert "big" not in _names(small, "networks")
        assert not list((workspace.parent / ".uploads").glob("*"))


def test_register_samples(client: TestClient) -> None:
    assert client.post("/api/workspace/samples").json()["added"] == []
    assert client.delete("/api/genealogies/sample-company").status_code == 204
    assert client.post("/api/workspace/samples").json()["added"] == ["sample-company"]
    assert _names(client, "genealogies") == ["sample-company"]

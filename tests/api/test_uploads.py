"""Uploads the readers cannot parse answer 4xx with the reader's message, never 500, and
leave the workspace unchanged. One case per kind of bad file."""

from __future__ import annotations

import bz2
import gzip
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient


def _parquet(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


EDGES = b"".join(b"%d %d\n" % (i, (i * 7919) % 5003) for i in range(5000))
MEMBERS = b"member_id,sponsor_id,joined_at\n" + b"".join(
    b"%d,%s,2024-01-01\n" % (i, b"" if i == 1 else b"1") for i in range(1, 300))

NETWORK_CASES = {
    # kind: (file name, content, words the message must contain)
    "truncated gzip": ("follows.txt.gz", gzip.compress(EDGES)[:2000], "truncated"),
    "gzip header, garbage after": ("follows.txt.gz", b"\x1f\x8b\x08garbage" * 20, ""),
    "truncated bz2": ("follows.txt.bz2", bz2.compress(EDGES)[:2000], ""),
    "list column in parquet": ("follows.parquet", _parquet(pa.table(
        {"source": [[1], [2]], "target": [1, 2]})), ""),
    "broken parquet": ("follows.parquet", b"PAR1 garbage PAR1", "parquet"),
    "unclosed graphml": ("g.graphml", b"<graphml><graph><node id='a'/>", "graphml"),
    "gexf without graph": ("g.gexf", b"<?xml version='1.0'?><gexf></gexf>", "gexf"),
    "latin-1 text": ("follows.txt", "1 2\n\xe9 3\n".encode("latin-1"), "UTF-8"),
    "one column": ("follows.txt", b"1\n2\n3\n", ""),
}

GENEALOGY_CASES = {
    "truncated gzip": ("members.csv.gz", gzip.compress(MEMBERS)[:600], ""),
    "broken parquet": ("members.parquet", b"PAR1 garbage PAR1", "Parquet"),
    "not a date": ("members.csv", b"member_id,sponsor_id,joined_at\n1,,someday\n",
                   "not a date"),
    "unknown sponsor": ("members.csv",
                        b"member_id,sponsor_id,joined_at\n1,,2024-01-01\n2,99,2024-01-02\n",
                        "99"),
    "sponsor cycle": ("members.csv",
                      b"member_id,sponsor_id,joined_at\n1,2,2024-01-01\n2,1,2024-01-02\n",
                      "cycle"),
    "unclosed quote": ("members.csv", b'member_id,sponsor_id,joined_at\n"1,,2024-01-01\n', ""),
}


@pytest.mark.parametrize("kind", list(NETWORK_CASES))
def test_bad_network_file_is_4xx(client: TestClient, kind: str) -> None:
    name, content, words = NETWORK_CASES[kind]
    before = client.get("/api/networks").json()
    r = client.post("/api/networks", files={"file": (name, content)}, data={"name": "bad"})
    assert 400 <= r.status_code < 500, (kind, r.status_code, r.text)
    detail = r.json()["detail"]
    assert words in detail, detail
    assert "/tmp" not in detail and ".uploads" not in detail
    assert client.get("/api/networks").json() == before


@pytest.mark.parametrize("kind", list(GENEALOGY_CASES))
def test_bad_genealogy_file_is_4xx(client: TestClient, kind: str) -> None:
    name, content, words = GENEALOGY_CASES[kind]
    r = client.post("/api/genealogies", files={"file": (name, content)},
                    data={"name": "bad"})
    assert 400 <= r.status_code < 500, (kind, r.status_code, r.text)
    assert words in r.json()["detail"]
    assert "bad" not in [g["name"] for g in client.get("/api/genealogies").json()]


def test_bad_batch_file_is_4xx(client: TestClient) -> None:
    r = client.post("/api/pitch/batch", files={"file": ("posts.csv.gz", b"\x1f\x8bnope")})
    assert 400 <= r.status_code < 500, r.text

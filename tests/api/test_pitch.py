"""Screening one post and a batch, with report downloads."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient


def test_screen_one_post(client: TestClient) -> None:
    r = client.post("/api/pitch/screen", json={
        "text": "I made $1,730 in my first 10 days! <b>#quityourjob</b>", "model": False})
    assert r.status_code == 200
    out = r.json()
    assert {"INC-1", "INC-4"} <= set(out["rule_ids"])  # earnings figure, "quit your job"
    assert out["violation"] is True
    flag = out["flags"][0]
    assert flag["text"] == "made $1,730" and flag["explanation"] and flag["rewrite"]
    assert "<mark" in out["highlighted_html"] and "&lt;b&gt;" in out["highlighted_html"]
    assert out["suggested_text"] != out["text"]


def test_screen_clean_post(client: TestClient) -> None:
    out = client.post("/api/pitch/screen", json={
        "text": "Walking in the cancer 5K today with my sister!", "model": False}).json()
    assert out["violation"] is False and out["flags"] == []


def test_screen_bad_input(client: TestClient) -> None:
    assert client.post("/api/pitch/screen", json={}).status_code == 422
    assert client.post("/api/pitch/screen", json={"text": 5}).status_code == 422
    r = client.post("/api/pitch/screen", json={"text": "x" * 200_001})
    assert r.status_code == 422 and r.json()["field"] == "text"
    r = client.post("/api/pitch/screen", content=b"{not json",
                    headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_screen_long_post_runs_off_the_event_loop(client: TestClient) -> None:
    text = "Great day with the team. " * 400 + "This tea cures diabetes."
    out = client.post("/api/pitch/screen", json={"text": text, "model": False}).json()
    assert "HLT-1" in out["rule_ids"]


def test_batch_csv_and_reports(client: TestClient) -> None:
    csv = ("id,text\np1,I made $5000 last month! #financialfreedom\n"
           "p2,Happy Monday everyone\np3,\"This oil cured my anxiety, <script>x</script>\"\n")
    r = client.post("/api/pitch/batch", data={"model": "false"},
                    files={"file": ("posts.csv", csv.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["n_posts"] == 3 and out["n_violations"] == 2
    assert [p["id"] for p in out["posts"]] == ["p1", "p2", "p3"]
    report = client.get(out["report_csv"])
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert report.text.splitlines()[0].startswith("id,text,violation")
    page = client.get(out["report_html"])
    assert page.status_code == 200 and "<mark" in page.text
    assert "<script>x" not in page.text
    stored = client.get(f"/api/results/{out['result_id']}").json()
    assert stored["kind"] == "screening-batch"


def test_batch_jsonl(client: TestClient) -> None:
    lines = "\n".join(json.dumps({"id": i, "text": t}) for i, t in
                      enumerate(["Fire your boss today!", "Nice weather"], start=1))
    r = client.post("/api/pitch/batch", data={"model": "false"},
                    files={"file": ("posts.jsonl", lines.encode(), "application/x-ndjson")})
    assert r.status_code == 201, r.text
    assert r.json()["n_violations"] == 1


def test_batch_bad_files(client: TestClient) -> None:
    r = client.post("/api/pitch/batch", files={"file": ("posts.exe", b"x", "text/plain")})
    assert r.status_code == 422 and "csv" in r.json()["detail"]
    r = client.post("/api/pitch/batch", data={"model": "false"},
                    files={"file": ("posts.csv", b"id,body\n1,hello\n", "text/csv")})
    assert r.status_code == 400 and r.json()["field"] == "text"
    r = client.post("/api/pitch/batch", data={"model": "false"},
                    files={"file": ("posts.jsonl", b"{broken\n", "text/plain")})
    assert r.status_code == 400 and r.json()["line"] == 1
    assert client.get("/api/results").json() == []


def test_report_of_unknown_or_wrong_result(client: TestClient, wait) -> None:
    assert client.get("/api/pitch/batch/4242/report.csv").status_code == 404
    assert client.get("/api/pitch/batch/1/report.pdf").status_code == 422
    done = wait(client.post("/api/adoption/fit", json={"adopters": [1, 3, 6, 8, 6, 3]}).json())
    r = client.get(f"/api/pitch/batch/{done['result_id']}/report.csv")
    assert r.status_code == 422


def test_model_screening_matches_the_library(client: TestClient) -> None:
    from downline.pitch import screen

    posts = ["I made $1,730 in my first 10 days! #quityourjob", "Happy Monday everyone",
             "This oil cured my anxiety"]
    for text in posts:
        out = client.post("/api/pitch/screen", json={"text": text, "brand": "Acme"}).json()
        expected = screen(text, brand="Acme")
        assert out["rule_ids"] == list(expected.rule_ids)
        assert out["risk"] == expected.risk and out["model_score"] == expected.model_score
        assert out["suggested_text"] == expected.suggested_text("Acme")


def test_concurrent_model_screenings_are_batched_correctly(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Post {i}: " + ("Fire your boss!" if i % 2 else "Nice weather") for i in range(24)]
    with ThreadPoolExecutor(8) as pool:
        outs = list(pool.map(lambda t: client.post("/api/pitch/screen",
                                                   json={"text": t}).json(), texts))
    assert [o["text"] for o in outs] == texts
    assert [o["violation"] for o in outs] == [bool(i % 2) for i in range(24)]

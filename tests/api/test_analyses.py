"""Genealogy reports and analysis jobs (influencers, simulate, migration, adoption)."""

from __future__ import annotations

import time
from typing import get_args

from fastapi.testclient import TestClient

from downline.api.routers.influence import InfluencersRequest, Method
from downline.influence import METHODS


def test_genealogy_reports(client: TestClient) -> None:
    base = "/api/genealogies/sample-company"
    leaders = client.get(f"{base}/leaders", params={"top": 3}).json()["leaders"]
    assert str(leaders[0]["id"]) == "1" and leaders[0]["downline"] == 1999
    report = client.get(f"{base}/report", params={"member": "2"}).json()
    assert report["size"] == leaders[1]["downline"]
    assert sum(lv["members"] for lv in report["levels"]) == report["size"]
    tree = client.get(f"{base}/tree", params={"member": "2", "depth": 2}).json()
    assert str(tree["id"]) == "2" and [str(u) for u in tree["upline"]] == ["1"]
    assert sum(c["downline"] + 1 for c in tree["children"]) == tree["downline"]
    top = client.get(f"{base}/tree").json()
    assert str(top["id"]) == "1" and top["upline"] == []  # opens on the founder
    recruits = client.get(f"{base}/recruits", params={"freq": "Q"}).json()
    assert sum(recruits["recruits"]) == 1999
    by_period = client.get(f"{base}/attrition").json()
    assert len(by_period["periods"]) == len(by_period["rate"])
    by_level = client.get(f"{base}/attrition", params={"by": "level", "member": "1"}).json()
    assert by_level["levels"][0] == 1


def test_genealogy_report_is_the_founders_on_every_face(client: TestClient) -> None:
    # The CLI (demo and `genealogy report`) reports the founder's downline: 45 legs, the
    # largest 82%, depth 13. The API without a member gives the same, not one synthetic
    # company leg holding everyone.
    from downline.data import sample_path
    from downline.genealogy import downline_report, read_genealogy

    gen = read_genealogy(sample_path("sample_genealogy.csv"))
    cli = downline_report(gen, gen.roots[0]).to_dict()
    api = client.get("/api/genealogies/sample-company/report").json()
    assert (len(api["legs"]), api["depth"], api["size"]) == (45, 13, 1999)
    assert round(api["largest_leg_share"], 2) == 0.82
    assert api["legs"] == cli["legs"] and api["depth"] == cli["depth"]


def test_genealogy_bad_parameters(client: TestClient) -> None:
    base = "/api/genealogies/sample-company"
    r = client.get(f"{base}/report", params={"member": "no-such"})
    assert r.status_code == 422 and "no member" in r.json()["detail"]
    assert client.get(f"{base}/report", params={"at": "not a date"}).status_code == 422
    assert client.get(f"{base}/recruits", params={"freq": "X"}).status_code == 422
    assert client.get(f"{base}/tree", params={"depth": 99}).status_code == 422


def test_simulate_job(client: TestClient, wait) -> None:
    job = client.post("/api/cascade/simulate", json={
        "network": "email-Eu-core", "seeds": ["160", "121"], "runs": 400, "seed": 3}).json()
    assert job["state"] in ("queued", "running", "done")
    done = wait(job)
    assert done["state"] == "done" and done["progress"] == 1.0
    payload = client.get(f"/api/results/{done['result_id']}").json()["payload"]
    assert payload["runs"] == 400 and payload["ci_low"] <= payload["mean"] <= payload["ci_high"]
    assert len(payload["band_low"]) == len(payload["curve"]) == len(payload["band_high"])
    assert all(lo <= m <= hi for lo, m, hi in
               zip(payload["band_low"], payload["curve"], payload["band_high"], strict=True))
    again = wait(client.post("/api/cascade/simulate", json={
        "network": "email-Eu-core", "seeds": ["160", "121"], "runs": 400, "seed": 3}).json())
    second = client.get(f"/api/results/{again['result_id']}").json()["payload"]
    assert second["mean"] == payload["mean"]


def test_simulate_bad_input(client: TestClient) -> None:
    r = client.post("/api/cascade/simulate", json={"network": "email-Eu-core",
                                                   "seeds": ["no-such"]})
    assert r.status_code == 422 and "no-such" in r.json()["detail"]
    r = client.post("/api/cascade/simulate", json={"network": "nope", "seeds": ["1"]})
    assert r.status_code == 404
    r = client.post("/api/cascade/simulate", json={"network": "email-Eu-core", "seeds": []})
    assert r.status_code == 422 and r.json()["field"] == "seeds"
    r = client.post("/api/cascade/simulate", json={"network": "email-Eu-core", "seeds": ["1"],
                                                   "weights": "bogus"})
    assert r.status_code == 422
    assert client.get("/api/jobs").json() == []


def test_migration_on_genealogy(client: TestClient, wait) -> None:
    done = wait(client.post("/api/cascade/migration", json={
        "genealogy": "sample-company", "first_movers": ["3", "2"], "p": 0.6,
        "attrition_old": 0.02, "backfill": 0.05, "steps": 8, "runs": 300, "seed": 5}).json())
    assert done["state"] == "done", done
    payload = client.get(f"/api/results/{done['result_id']}").json()["payload"]
    assert len(payload["steps"]) == 9
    movers = {row["first_mover"]: row for row in payload["first_movers"]}
    assert set(movers) == {"3", "2"}
    assert all(0 <= row["share_followed"] <= 1 for row in movers.values())


def test_migration_needs_one_source(client: TestClient) -> None:
    r = client.post("/api/cascade/migration", json={
        "network": "email-Eu-core", "genealogy": "sample-company", "first_movers": ["1"]})
    assert r.status_code == 422 and "exactly one" in r.json()["detail"]
    r = client.post("/api/cascade/migration", json={"network": "email-Eu-core",
                                                    "first_movers": ["1"], "backfill": 2})
    assert r.status_code == 422


def test_influencers_job(client: TestClient, wait) -> None:
    done = wait(client.post("/api/influence/jobs", json={
        "network": "email-Eu-core", "k": 3, "methods": ["degree", "imm", "pagerank"],
        "runs": 200, "seed": 1}).json())
    assert done["state"] == "done", done
    payload = client.get(f"/api/results/{done['result_id']}").json()["payload"]
    # The stored result is the area's InfluencerReport.to_dict(), unchanged.
    assert list(payload["methods"]) == ["degree", "imm", "pagerank"]
    assert payload["network"] == "email-Eu-core" and payload["k"] == 3
    for row in payload["methods"].values():
        assert len(row["seeds"]) == 3 and len(row["downline"]) == 3
        mc = row["monte_carlo"]
        assert mc["ci_low"] <= mc["mean"] <= mc["ci_high"] and mc["runs"] == 200
    r = client.post("/api/influence/jobs", json={"network": "email-Eu-core", "k": 5000})
    assert r.status_code == 422


def test_adoption_jobs(client: TestClient, wait) -> None:
    for body in ({"genealogy": "sample-company", "freq": "M", "horizon": 6},
                 {"example": "room_air_conditioners", "horizon": 3},
                 {"adopters": [10, 30, 60, 80, 60, 30, 12], "horizon": 2}):
        done = wait(client.post("/api/adoption/fit", json=body).json())
        assert done["state"] == "done", (body, done)
        payload = client.get(f"/api/results/{done['result_id']}").json()["payload"]
        assert payload["bass"]["m"] > 0
        assert len(payload["forecast"]["t"]) == len(payload["data"]["t"]) + body["horizon"]
        assert next(c["category"] for c in payload["rogers"]["categories"]) == "innovators"
    r = client.post("/api/adoption/fit", json={"example": "textbook", "adopters": [1, 2, 3]})
    assert r.status_code == 422


def test_adoption_of_a_simulation(client: TestClient, wait) -> None:
    sim = wait(client.post("/api/cascade/simulate", json={
        "network": "email-Eu-core", "seeds": ["160"], "runs": 200, "seed": 2}).json())
    done = wait(client.post("/api/adoption/fit", json={"result_id": sim["result_id"]}).json())
    assert done["state"] in ("done", "failed")
    if done["state"] == "failed":
        assert done["error"]
    r = client.post("/api/adoption/fit", json={"result_id": 99999})
    assert r.status_code == 404


def test_cancel_job(client: TestClient) -> None:
    jobs = [client.post("/api/cascade/simulate", json={
        "network": "email-Eu-core", "seeds": ["160"], "runs": 100_000, "seed": 1}).json()
        for _ in range(3)]
    for job in jobs:
        r = client.post(f"/api/jobs/{job['id']}/cancel")
        assert r.status_code == 200
    manager = client.app.state.jobs
    for job in jobs:
        final = manager.wait(job["id"], timeout=60)
        assert final.state == "cancelled", final
        assert final.result_id is None
    assert client.get("/api/results").json() == []
    deadline = time.time() + 5
    while time.time() < deadline and any(j["state"] == "running"
                                         for j in client.get("/api/jobs").json()):
        time.sleep(0.05)
    assert client.get("/api/jobs/unknown").status_code == 404
    assert client.post("/api/jobs/unknown/cancel").status_code == 404


def test_failed_job_reports_error(client: TestClient, wait) -> None:
    done = wait(client.post("/api/adoption/fit", json={"adopters": [0, 0, 0, 0]}).json())
    assert done["state"] == "failed" and done["error"]


def test_influencers_on_a_sponsor_tree(client: TestClient, wait) -> None:
    done = wait(client.post("/api/influence/jobs", json={
        "genealogy": "sample-company", "p": 0.5, "k": 2,
        "methods": ["degree-discount", "kcore"], "runs": 200, "seed": 4}).json())
    assert done["state"] == "done", done
    payload = client.get(f"/api/results/{done['result_id']}").json()["payload"]
    assert set(payload["methods"]) == {"degree-discount", "kcore"}
    assert all(d >= 0 for m in payload["methods"].values() for d in m["downline"])
    r = client.post("/api/influence/jobs", json={"network": "email-Eu-core",
                                                 "genealogy": "sample-company"})
    assert r.status_code == 422


def test_the_api_offers_every_method_of_the_report_with_opim_c_first() -> None:
    assert set(get_args(Method)) == set(METHODS)
    default = InfluencersRequest(network="x").methods
    assert default[0] == "opim-c"

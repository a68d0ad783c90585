"""The dashboard in a real browser: upload the sample, open every page, run a what-if and a
screening, and check what the pages show. Steps run in order on one page and one server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from downline.data import sample_path


def test_overview_uploads_the_sample(page: Any, server: Any, screenshot: Any) -> None:
    page.goto(server.url + "/")
    assert page.title().startswith("Overview")
    assert "No network yet" in page.inner_text("#networks-table")
    form = page.locator("#upload-network")
    form.locator("input[type=file]").set_input_files(str(sample_path()))
    form.locator("input[name=name]").fill("email-Eu-core")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#networks-table tr[data-name='email-Eu-core']")
    row = page.inner_text("#networks-table tr[data-name='email-Eu-core']")
    assert "1,005" in row and "24,929" in row and "upload:email-Eu-core.txt.gz" in row
    form = page.locator("#upload-genealogy")
    form.locator("input[type=file]").set_input_files(str(sample_path("sample_genealogy.csv")))
    form.locator("input[name=name]").fill("sample-company")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#genealogies-table tr[data-name='sample-company']")
    assert "2,000" in page.inner_text("#genealogies-table tr[data-name='sample-company']")
    screenshot(page, "1-overview")


def test_overview_rejects_a_bad_file(page: Any, server: Any, tmp_path: Path) -> None:
    bad = tmp_path / "members.csv"
    bad.write_text("member_id,sponsor_id,joined_at\n1,,2024-01-01\n2,99,2024-01-02\n")
    form = page.locator("#upload-genealogy")
    form.locator("input[type=file]").set_input_files(str(bad))
    form.locator("input[name=name]").fill("broken")
    form.locator("button[type=submit]").click()
    expect(page.locator("#upload-genealogy .status")).to_have_class(re.compile("error"))
    expect(page.locator("#upload-genealogy .status")).to_contain_text("99")
    message = page.inner_text("#upload-genealogy .status")
    assert "99" in message
    page.reload()
    assert "broken" not in page.inner_text("#genealogies-table")


def test_genealogy_page(page: Any, server: Any, screenshot: Any) -> None:
    page.click("header nav a[data-nav=genealogy]")
    page.wait_for_selector("#report-cards .stat")
    cards = page.inner_text("#report-cards")
    # The founder's downline, the CLI's figures: 1,999 members, 45 legs, 13 levels deep.
    assert "1,999" in cards and "45\nlegs" in cards and "13\nlevels deep" in cards
    page.wait_for_selector("#levels-chart .main-svg")
    page.wait_for_selector("#attrition-chart .main-svg")
    assert page.locator("#tree li").count() > 5
    page.locator("#tree .node[data-member='2']").first.click()
    expect(page.locator("#upline")).to_contain_text("Upline: 1")
    assert "downline of 2" in page.inner_text("#report-cards")
    assert page.locator("#legs-table tbody tr").count() >= 1
    screenshot(page, "2-genealogy")


def test_influencers_page(page: Any, server: Any, screenshot: Any) -> None:
    page.click("header nav a[data-nav=influencers]")
    page.fill("#k", "5")
    page.fill("#runs", "300")
    page.click("#influencers-form button[type=submit]")
    page.wait_for_selector("#influencers-job .job-state:text('done')", timeout=120_000)
    page.wait_for_selector("#leaderboard tbody tr")
    assert page.locator("#leaderboard tbody tr").count() == 5
    assert page.locator("#method-tabs button").count() == 3
    page.wait_for_selector("#spread-chart .main-svg")
    page.wait_for_selector("#ego-graph canvas")
    assert re.search(r"\d+ people within 1 hop", page.inner_text("#ego-title"))
    screenshot(page, "3-influencers")


def test_whatif_page(page: Any, server: Any, screenshot: Any) -> None:
    page.click("header nav a[data-nav=whatif]")
    expect(page.locator("#first-movers")).not_to_have_value("")
    movers = [m.strip() for m in page.input_value("#first-movers").split(",")]
    page.fill("#runs", "400")
    page.click("#whatif-form button[type=submit]")
    page.wait_for_selector("#whatif-job .job-state:text('done')", timeout=120_000)
    page.wait_for_selector("#retention-table tbody tr")
    rows = page.locator("#retention-table tbody tr")
    assert rows.count() == len(movers)
    assert sorted(rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())) \
        == sorted(movers)
    cards = page.inner_text("#whatif-cards")
    assert "members who moved" in cards and "95% interval" in cards
    assert page.locator("#moved-chart .main-svg").count() >= 1
    assert page.locator("#moved-chart path.js-fill").count() >= 1
    screenshot(page, "4-whatif")


def test_adoption_page(page: Any, server: Any, screenshot: Any) -> None:
    page.click("header nav a[data-nav=adoption]")
    # The what-if run above: a curve that saturates, so Bass is identified.
    result = page.eval_on_selector(
        "#source", "s => [...s.options].find(o => o.value.startsWith('result:')).value")
    page.select_option("#source", result)
    page.click("#adoption-form button[type=submit]")
    page.wait_for_selector("#adoption-job .job-state:text('done')", timeout=60_000)
    page.wait_for_selector("#rogers-table tbody tr")
    assert page.locator("#rogers-table tbody tr").count() == 5
    assert "market potential" in page.inner_text("#bass-cards")
    assert "chasm" in page.inner_text("#chasm").lower()
    page.wait_for_selector("#curve-chart .main-svg")
    screenshot(page, "5-adoption")


def test_pitch_page(page: Any, server: Any, tmp_path: Path, screenshot: Any) -> None:
    page.click("header nav a[data-nav=pitch]")
    page.fill("#post", "I made $1,730 in my first 10 days! <b>This oil cured my anxiety</b> "
                       "#quityourjob")
    page.uncheck("#use-model")
    page.click("#screen-form button[type=submit]")
    page.wait_for_selector("#verdict:text('Flagged')")
    assert "INC-1" in page.inner_text("#verdict") and "HLT-1" in page.inner_text("#verdict")
    assert page.locator("#highlighted mark").count() >= 2
    assert page.locator("#highlighted b").count() == 0
    flags = page.inner_text("#flags")
    assert "made $1,730" in flags and "Instead:" in flags and "Source:" in flags
    assert page.inner_text("#rewrite").strip()

    posts = tmp_path / "posts.csv"
    posts.write_text("id,text\na,Fire your boss and join my team!\nb,Happy Monday everyone\n"
                     "c,This tea cures diabetes\n")
    batch = page.locator("#batch-form")
    batch.locator("input[type=file]").set_input_files(str(posts))
    batch.locator("input[name=model]").uncheck()
    batch.locator("button[type=submit]").click()
    page.wait_for_selector("#batch-summary:text('3 posts screened')")
    assert "2 flagged" in page.inner_text("#batch-summary")
    with page.expect_download() as info:
        page.click("#batch-csv")
    report = Path(info.value.path()).read_text()
    assert report.startswith("id,text,violation")
    screenshot(page, "6-pitch")


def test_overview_lists_the_runs(page: Any, server: Any, screenshot: Any) -> None:
    page.click("header nav a[data-nav=overview]")
    runs = page.inner_text("#results-table")
    for kind in ("influencers", "migration", "adoption", "screening-batch"):
        assert kind in runs
    expect(page.locator("#jobs-table")).to_contain_text("done")
    screenshot(page, "7-overview-after-runs")


def test_no_console_errors(page: Any) -> None:
    # The one expected failure: the broken genealogy upload answered 422.
    unexpected = [e for e in page.errors if "status of 422" not in e]
    assert unexpected == []


def test_login_with_token(browser: Any, tmp_path: Path, make_server: Any) -> None:
    server = make_server(tmp_path / "secured.duckdb", token="e2e-secret")
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/influencers")
        assert "/login" in page.url
        page.fill("input[name=token]", "wrong")
        page.click("form button[type=submit]")
        page.wait_for_selector("[role=alert]")
        page.fill("input[name=token]", "e2e-secret")
        page.click("form button[type=submit]")
        page.wait_for_url(server.url + "/influencers")
        assert page.title().startswith("Influencers")
        cookies = context.cookies()
        assert cookies and cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Strict"
        assert "e2e-secret" not in cookies[0]["value"]
        page.click("header nav a[data-nav=overview]")
        page.click("#load-samples")
        page.wait_for_selector("#networks-table tr[data-name='email-Eu-core']")
        assert "2,000" in page.inner_text("#genealogies-table")
        context.close()
    finally:
        server.stop()

"""The dashboard's first view after ``make demo``: every page opens on the demo's stored
results with no console error, no failed request and no job box showing without a job;
the API docs render their operations under the page's Content-Security-Policy.
Screenshots go to ``test-artifacts/screenshots/first-*.png``."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from downline.web import PAGES

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, make_server: Any) -> Iterator[Any]:
    """A server over the workspace ``downline demo --no-serve`` fills."""
    workspace = tmp_path_factory.mktemp("demo") / "downline.duckdb"
    done = subprocess.run([sys.executable, "-m", "downline.cli", "demo", "--no-serve",
                           "--workspace", str(workspace)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    server = make_server(workspace)
    yield server
    server.stop()


@pytest.fixture
def watched(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors, page errors and failed requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(
        f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(
        f"failed: {r.method} {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(
        f"HTTP {r.status}: {r.request.method} {r.url}"))
    yield page
    context.close()


def _visible_job_boxes(page: Any) -> list[str]:
    return [box.inner_text() for box in page.locator(".job").all() if box.is_visible()]


# What each page must show on its first view (a selector that must appear).
EXPECT = {
    "overview": "#results-table tbody tr td",
    "genealogy": "#levels-chart .main-svg",
    "influencers": "#ego-graph canvas",
    "whatif": "#moved-chart .main-svg",
    "adoption": "#curve-chart .main-svg",
    "pitch": "#screen-form",
}


@pytest.mark.parametrize("key,path", [(key, path) for key, path, _ in PAGES])
def test_every_page_opens_clean(watched: Any, demo_server: Any, screenshot: Any,
                                key: str, path: str) -> None:
    page = watched
    page.goto(demo_server.url + path)
    page.wait_for_selector(EXPECT.get(key, "main h1"))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    screenshot(page, f"first-{key}")
    assert page.problems == []
    assert _visible_job_boxes(page) == [], "a job box shows though no job runs"
    assert page.locator("#page-error").count() == 0 or not page.locator(
        "#page-error").is_visible()


def test_first_views_show_the_stored_results(watched: Any, demo_server: Any) -> None:
    page = watched
    page.goto(demo_server.url + "/influencers")
    page.wait_for_selector("#leaderboard tbody tr")
    assert page.locator("#leaderboard tbody tr").count() == 10
    assert page.locator("#method-tabs button").count() == 3
    assert "stored result" in page.inner_text("#influencers-source")
    page.wait_for_selector("#ego-graph canvas")
    assert "group" in page.inner_text("#ego-legend")
    page.wait_for_load_state("networkidle")
    page.goto(demo_server.url + "/genealogy")
    page.wait_for_selector("#report-cards .stat")
    page.select_option("#genealogy", "sample-company")
    expect(page.locator("#report-cards")).to_contain_text(re.compile(r"45\s*legs"))
    cards = page.inner_text("#report-cards")
    assert "1,999" in cards and "82%" in cards and "13\nlevels deep" in cards
    # The selection's charts are still loading; leaving now would abort them (a false
    # "failed request", seen in a CI run).
    page.wait_for_load_state("networkidle")
    page.goto(demo_server.url + "/adoption")
    page.wait_for_selector("#curve-chart .main-svg")
    assert page.inner_text("#adoption-verdict").startswith("Bass fits")
    page.wait_for_load_state("networkidle")
    page.goto(demo_server.url + "/whatif")
    page.wait_for_selector("#retention-table tbody tr")
    assert "stored result" in page.inner_text("#whatif-source")
    assert page.problems == []


def test_adoption_says_why_join_dates_give_no_fit(watched: Any, demo_server: Any) -> None:
    page = watched
    page.goto(demo_server.url + "/adoption")
    page.select_option("#source", "genealogy:sample-company")
    page.click("#adoption-form button[type=submit]")
    page.wait_for_selector("#adoption-job .job-state:text('done')")
    verdict = page.inner_text("#adoption-verdict")
    assert "No Bass fit is possible yet" in verdict and "Try" in verdict
    assert page.problems == []


def test_api_docs_render_under_the_csp(watched: Any, demo_server: Any,
                                       screenshot: Any) -> None:
    page = watched
    response = page.goto(demo_server.url + "/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 20
    assert "downline" in page.inner_text(".info")
    screenshot(page, "first-api-docs")
    assert page.problems == []


def test_empty_workspace_pages_say_what_to_do(watched: Any, server: Any) -> None:
    page = watched
    page.goto(server.url + "/influencers")
    page.wait_for_selector("#influencers-empty .empty-state")
    assert "Overview" in page.inner_text("#influencers-empty")
    page.wait_for_load_state("networkidle")
    page.goto(server.url + "/adoption")
    page.wait_for_selector("#adoption-empty .empty-state")
    assert _visible_job_boxes(page) == []
    assert page.problems == []


def test_errors_are_shown_not_swallowed(watched: Any, demo_server: Any) -> None:
    page = watched
    page.goto(demo_server.url + "/influencers")
    page.wait_for_selector("#leaderboard tbody tr")
    page.fill("#ego-node", "no-such-person")
    page.click("#ego-form button[type=submit]")
    status = page.locator("#ego-form .status")
    status.wait_for()
    page.wait_for_function("document.querySelector('#ego-form .status').textContent.length > 0")
    assert "not in" in status.inner_text()

"""The Compliance page in a real browser, over a workspace holding the generated sample:
legs coloured by rate with the planted leg on top, the case queue with deadlines and
actions (a disallowed one shows its error), repeat offenders, the library and approvals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from downline.compliance import load_sample
from downline.store import Workspace

from .conftest import open_page


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory, make_server: Any
                  ) -> Iterator[tuple[Any, dict]]:
    path: Path = tmp_path_factory.mktemp("compliance") / "ws.duckdb"
    with Workspace(path) as ws:
        info = load_sample(ws, "sample-company", n_members=600, seed=1, model=False)
    server = make_server(path)
    yield server, info
    server.stop()


@pytest.fixture(scope="module")
def cpage(browser: Any, sample_server: Any) -> Iterator[Any]:
    with open_page(browser) as page:
        yield page


def test_compliance_page_shows_the_planted_leg(cpage: Any, sample_server: Any,
                                               screenshot: Any) -> None:
    server, info = sample_server
    cpage.goto(server.url + "/compliance")
    assert cpage.title().startswith("Compliance")
    cpage.wait_for_selector("#legs-table tbody tr[data-leg]")
    first = cpage.locator("#legs-table tbody tr[data-leg]").first
    assert first.get_attribute("data-leg") == info["planted_leg"]
    assert "above company" in first.inner_text()
    # coloured by rate: the planted leg is redder than the last leg shown
    colours = cpage.eval_on_selector_all("#legs-table tbody tr[data-leg]",
                                         "rows => rows.map(r => r.style.background)")
    assert colours[0] != colours[-1]
    cpage.wait_for_selector("#legs-chart .main-svg")
    cpage.wait_for_selector("#weekly-chart .main-svg")
    assert cpage.locator("#offenders-table tbody tr").count() >= 1
    assert cpage.locator("#leaders-table tbody tr").count() >= 1
    expect(cpage.locator("#library-table tbody tr[data-item]")).to_have_count(12)
    assert "violations" in cpage.inner_text("#compliance-cards")
    screenshot(cpage, "7-compliance")


def test_case_queue_filters_and_actions(cpage: Any, sample_server: Any) -> None:
    _server, info = sample_server
    cpage.wait_for_selector("#cases-table tbody tr[data-case]")
    assert re.search(r"[\d,]+ cases match", cpage.inner_text("#queue-summary"))
    # click the planted leg: the queue shows that leg only
    cpage.locator(f"#legs-table tbody tr[data-leg='{info['planted_leg']}']").click()
    expect(cpage.locator("#leg")).to_have_value(info["planted_leg"])
    cpage.wait_for_function(
        "leg => [...document.querySelectorAll('#cases-table tbody tr[data-case]')]"
        ".every(r => r.children[3].textContent === leg)", arg=info["planted_leg"])
    row = cpage.locator("#cases-table tbody tr[data-case]").first
    case_id = row.get_attribute("data-case")
    assert "by" in row.inner_text()  # its deadline
    row.locator("button[data-act=resolve]").click()
    expect(cpage.locator("#queue-form .status")).to_contain_text(f"case {case_id}: resolve done")
    # the resolved case left the active queue; show all and find it resolved
    cpage.select_option("#state", "resolved")
    cpage.click("#queue-form button[type=submit]")
    cpage.wait_for_function(
        "id => { const rows = [...document.querySelectorAll('#cases-table tbody tr[data-case]')];"
        " return rows.some(r => r.dataset.case === id) &&"
        " rows.every(r => r.querySelector('.state').textContent === 'resolved'); }", arg=case_id)


def test_library_approval_is_screened(cpage: Any) -> None:
    cpage.fill("#approve-text", "Quit your job! I made $9,000 last month.")
    cpage.click("#approve-form button[type=submit]")
    # the first screen with the statistical layer trains it in the server: allow time
    expect(cpage.locator("#approve-form .status")).to_contain_text("not approved",
                                                                 timeout=180_000)
    cpage.fill("#approve-text", "#ad Our autumn candle collection is here: cedar, apple and "
                                "clove, in recycled glass jars.")
    cpage.click("#approve-form button[type=submit]")
    expect(cpage.locator("#approve-form .status")).to_contain_text("approved as item",
                                                                 timeout=60_000)
    expect(cpage.locator("#library-table tbody tr[data-item]")).to_have_count(13)
    assert cpage.locator("#edits li").count() >= 1


def test_no_console_errors(cpage: Any) -> None:
    # The one expected failure: the refused approval answered 422.
    unexpected = [e for e in cpage.errors if "status of 422" not in e]
    assert unexpected == []

"""Scorecards in Debian's chromium: a supplier opens its scorecard, sees its grade and the 12-month
trend chart, opens a month from the chart and drills into the on-time evidence; the buyer sees the
same supplier in the console."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.test_portal_orders_asn import session_cookie_for
from tests.browser.test_supplier_login import log_in
from tests.browsing import screenshot
from tests.scorecards.conftest import Line, recompute

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def scored(book_a):
    # Late every other month: the monthly line zigzags, the rolling one settles.
    for month in range(1, 4):
        order = book_a.order(Line(requested=date(2026, month, 10)), Line(requested=date(2026, month, 12)))
        received = date(2026, month, 11 if month % 2 else 9)
        book_a.deliver(order, received_on=received, lots=[[("A", 100, 100, 0)], [("B", 100, 100, 1)]])
    recompute()
    return book_a


def _no_console_errors(tab) -> list[str]:
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_supplier_sees_grade_and_trend_and_drills_into_on_time_evidence(page, scored):
    from suppliers.scorecards.models import Scorecard

    errors = _no_console_errors(page)
    card = Scorecard.objects.get(supplier=scored.tenant.supplier, period="rolling12", month=date(2026, 3, 1))
    log_in(page, scored.tenant.member.email)
    page.wait_for_url("**/")
    assert card.grade in page.get_by_test_id("panel-scorecard").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecard").click()
    page.wait_for_url("**/scorecard/")
    assert page.get_by_test_id("grade").inner_text() == card.grade
    assert page.get_by_test_id("score-rolling").inner_text() == str(card.score)
    chart = page.get_by_test_id("trend-chart")
    assert chart.locator("svg").is_visible()
    assert chart.locator(".sc-series-monthly circle").count() == 3  # January to March
    assert chart.locator(".sc-series-rolling circle").count() == 3
    screenshot(page, "scorecard-supplier")

    # a point of the chart opens that month
    chart.locator(".sc-series-monthly a").nth(1).click()
    page.wait_for_url("**/scorecard/?month=2026-02")
    assert page.get_by_label("Month", exact=True).input_value() == "2026-02"

    # the on-time figure of the 12 months opens the receipt lines that made it, misses first
    page.locator('tr[data-kpi="on_time"] a').nth(1).click()
    page.wait_for_url("**/scorecard/on_time/rolling12/2026-02/")
    table = page.get_by_test_id("evidence-table")
    first_row = table.locator("tbody tr").first.inner_text()
    assert "late by 1 day" in first_row
    assert "on time" in table.inner_text()
    screenshot(page, "scorecard-evidence-on-time")
    page.get_by_test_id("misses-only").click()
    assert "on time" not in page.get_by_test_id("evidence-table").inner_text().replace("late", "")
    # and from a line to the receipt it came from
    page.get_by_test_id("evidence-table").locator("tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url("**/receipts/*/")
    assert errors == []


def test_buyer_sees_the_same_scorecard_in_the_console(browser, live_server, scored, buyer):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1400, "height": 1000})
    context.add_cookies([session_cookie_for(buyer, live_server)])
    console = context.new_page()
    console.goto("/console/scorecards/scorecard/")
    console.get_by_role("link", name="open").first.click()
    console.wait_for_url("**/console/scorecards/scorecard/supplier/*/?month=2026-03")
    assert console.get_by_test_id("trend-chart").locator("svg").is_visible()
    screenshot(console, "scorecard-console")
    console.locator('tr[data-kpi="quality"] a').first.click()
    assert "PPM" in console.get_by_test_id("evidence-value").inner_text()
    context.close()

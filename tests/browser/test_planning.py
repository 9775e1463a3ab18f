"""Demand planning in Debian's chromium: the buyer reviews a forecast, adjusts a week and sees the
adjusted line on the chart, then approves a replenishment proposal from the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from suppliers.audit import Actor
from tests.browser.conftest import screenshot
from tests.browser.test_forecasts_quality import console_page
from tests.planning.conftest import MONDAY, TODAY, forecast, part, plant, policy, post_stock  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_review_adjust_and_approve(browser, live_server, buyer, forecast, policy, part, plant):  # noqa: F811 - fixtures
    from suppliers.planning.models import ForecastAdjustment, ReplenishmentProposal
    from suppliers.planning.services import replenishment_run

    page = console_page(browser, live_server, buyer)
    page.goto("/console/planning/partforecast/")
    page.get_by_role("link", name=part.buyer_part_number).click()
    chart = page.get_by_test_id("forecast-chart")
    assert chart.is_visible() and chart.locator('[data-line="history"]').count() == 1
    assert "ETS" in page.get_by_test_id("chosen-model").inner_text()
    week = MONDAY + timedelta(weeks=3)
    page.get_by_label(f"Adjusted forecast for the week of {week}").fill("400")
    page.locator("#adjust-note").fill("Customer pull-in")
    page.get_by_test_id("save-adjustments").click()
    page.wait_for_load_state()
    assert "1 week changed" in page.locator(".messagelist").inner_text()
    assert chart.locator('[data-line="final"]').count() == 1
    screenshot(page, "planning-forecast-review")
    assert ForecastAdjustment.objects.get().quantity == 400

    post_stock(part, plant, 50)
    replenishment_run(actor=Actor.system("test"), today=TODAY)
    proposal = ReplenishmentProposal.objects.get()
    page.goto("/console/planning/replenishmentproposal/")
    page.locator(f'input[name="_selected_action"][value="{proposal.pk}"]').check()
    page.locator('select[name="action"]').select_option("approve")
    page.get_by_role("button", name="Go").click()
    page.wait_for_load_state()
    screenshot(page, "planning-approval-queue")
    proposal.refresh_from_db()
    assert proposal.status == "ordered" and proposal.order.number in page.locator(".messagelist").inner_text()
    page.context.close()

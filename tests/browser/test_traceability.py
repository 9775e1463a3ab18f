"""Lot traceability in Debian's chromium: a buyer searches a component lot from the console's front
page, sees the finished serials it went into, puts the lot on quality hold and sees it marked held,
also in a finished serial's tree."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from suppliers.models import Event
from suppliers.production.models import LotHold
from tests.browser.conftest import screenshot
from tests.browser.test_forecasts_quality import console_page
from tests.browser.test_portal_orders_asn import assert_labelled
from tests.trace.conftest import genealogy  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_buyer_traces_a_lot_to_finished_serials_and_holds_it(browser, live_server, genealogy, buyer):  # noqa: F811
    page = console_page(browser, live_server, buyer)
    page.set_default_timeout(15000)
    page.goto("/console/")
    search = page.get_by_test_id("trace-overview")
    search.get_by_label("Lot or serial number").fill("LOT-ALPHA-A")
    search.get_by_role("button", name="Trace").click()
    expect(page).to_have_url(f"{live_server.url}/console/traceability/?q=LOT-ALPHA-A")
    match = page.get_by_test_id("match-P-ALPHA-1")
    expect(match.get_by_test_id("trace-asns")).to_contain_text("ASN-ALPHA-1")
    expect(match.get_by_test_id("trace-asns")).to_contain_text("PO-ALPHA-1")
    expect(match.get_by_test_id("trace-receipts")).to_contain_text("GR-ALPHA-1")
    forward = match.get_by_test_id("trace-forward")
    for serial in ("FG-0001", "FG-0002", "FG-0003"):
        expect(forward.get_by_test_id(f"node-{serial}")).to_be_visible()
    assert_labelled(page)
    screenshot(page, "trace-forward")

    match.get_by_label("Reason for the hold").fill("Cracked housings found at end-of-line test")
    match.get_by_role("button", name="Put the lot on quality hold").click()
    expect(page.get_by_text("Lot LOT-ALPHA-A of P-ALPHA-1 is on quality hold.")).to_be_visible()
    match = page.get_by_test_id("match-P-ALPHA-1")
    expect(match.get_by_test_id("held-badge")).to_have_text("ON QUALITY HOLD")
    expect(match.get_by_test_id("hold-box")).to_contain_text("Cracked housings found at end-of-line test")
    screenshot(page, "trace-held")
    assert LotHold.objects.get().placed_by == buyer
    assert Event.objects.filter(verb="production.lot_hold_placed").count() == 1

    # from a finished serial back: the held component lot is marked in the tree
    page.get_by_test_id("node-FG-0001").get_by_role("link", name="FG-0001").click()
    expect(page).to_have_url(f"{live_server.url}/console/traceability/?q=FG-0001")
    backward = page.get_by_test_id("match-FG-1").get_by_test_id("trace-backward")
    expect(backward.get_by_test_id("node-LOT-ALPHA-A")).to_contain_text("HELD")
    expect(backward.get_by_test_id("node-LOT-BRAVO-A")).not_to_contain_text("HELD")
    screenshot(page, "trace-backward")

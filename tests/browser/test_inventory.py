"""Inventory visibility in Debian's chromium: a supplier opens Inventory from the navigation,
ticks "Vendor-managed only" (htmx swaps the table and the address), and sees its part below min."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_portal_orders_asn import assert_labelled
from tests.browser.test_supplier_login import log_in
from tests.planning.conftest import post_stock, post_weekly

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def inventory(tenant_a, tenant_b):
    """ALPHA: its vendor-managed part below min at PLT1, a second part that is not vendor-managed."""
    from suppliers.models import Part, SupplierPart
    from suppliers.planning.models import VendorManagedLevel

    plant = tenant_a.order.ship_to
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    vmi = tenant_a.supplier_part
    post_weekly(vmi.part, plant, [60, 70, 80, 90, 70, 70, 70, 70, 140, 140, 140, 140], until=monday)
    post_stock(vmi.part, plant, 300, day=today - timedelta(days=1), blocked=20)
    VendorManagedLevel.objects.create(supplier_part=vmi, plant=plant, min_quantity=400, max_quantity=1200)
    other = SupplierPart.objects.create(
        supplier=tenant_a.supplier, supplier_part_number="ALPHA-SP-2", price=Decimal(2), lead_time_days=10,
        part=Part.objects.create(buyer_part_number="P-ALPHA-2", description="Shield can", commodity_class="mechanical"))
    post_weekly(other.part, plant, [35] * 12, until=monday)
    post_stock(other.part, plant, 900, day=today - timedelta(days=1))
    post_stock(tenant_b.supplier_part.part, plant, 5, day=today - timedelta(days=1))
    return vmi


def test_supplier_filters_vendor_managed_and_sees_a_part_below_min(page, live_server, tenant_a, inventory):
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    expect(page.get_by_test_id("panel-vmi-below-min")).to_contain_text("P-ALPHA-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inventory").click()
    page.wait_for_url("**/inventory/")
    rows = page.get_by_test_id("inventory-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    assert "P-BRAVO-1" not in page.content()
    assert_labelled(page)

    page.get_by_label("Vendor-managed only").check()  # htmx: the results swap, the address follows
    expect(rows).to_have_count(1)
    page.wait_for_url("**/inventory/?*vmi=1*")
    row = rows.first
    expect(row).to_have_attribute("data-part", "P-ALPHA-1")
    expect(row.locator(".badge")).to_have_text("Below min: replenish now")
    # 280 available / (560 / 28 a day) = 14 days, highlighted: below the minimum
    expect(row.get_by_test_id("cover").locator(".cover-short")).to_have_text("14")
    expect(row.locator("svg.spark polyline")).to_have_count(1)
    assert "vmi=1" in page.get_by_test_id("export-inventory").get_attribute("href")
    screenshot(page, "inventory-vendor-managed")

    # the same page in Japanese: translated headings and status, the figures unchanged
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ja", "url": live_server.url}])
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("購買側の在庫")
    expect(rows.first.locator(".badge")).to_have_text("最小在庫を下回る: すぐに補充")
    expect(rows.first.get_by_test_id("cover")).to_contain_text("14")
    screenshot(page, "inventory-vendor-managed-ja")

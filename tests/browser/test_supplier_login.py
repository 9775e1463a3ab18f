"""A supplier user logs in through the real login page and sees its own orders, no one else's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_supplier_sees_its_own_orders_and_none_of_another(page, tenant_a, tenant_b):
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    dashboard = page.get_by_test_id("orders-table")
    assert tenant_a.order.number in dashboard.inner_text()
    assert page.get_by_test_id("supplier-name").inner_text() == tenant_a.supplier.name
    screenshot(page, "dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Purchase orders").click()
    table = page.get_by_test_id("orders-table").inner_text()
    assert tenant_a.order.number in table
    assert tenant_b.order.number not in page.content()
    screenshot(page, "order-list")

    page.get_by_role("link", name=tenant_a.order.number).click()
    assert "P-ALPHA-1" in page.get_by_test_id("lines-table").inner_text()
    screenshot(page, "order-detail")

    # typing the other supplier's order URL gets a 404, not the order
    response = page.goto(f"/orders/{tenant_b.order.pk}/")
    assert response.status == 404
    assert tenant_b.order.number not in page.content()


def test_wrong_password_keeps_the_user_out(page, tenant_a):
    log_in(page, tenant_a.member.email, "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.get_by_text("not correct").count() >= 1
    screenshot(page, "login-error")


def test_language_switcher_shows_japanese(page, tenant_a):
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    page.select_option("#lang-select", "ja")  # submits the form; the page reloads in Japanese
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert "発注書" in page.get_by_role("navigation", name="メイン").inner_text()
    screenshot(page, "dashboard-ja")

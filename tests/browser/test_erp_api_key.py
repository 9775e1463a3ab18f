"""A supplier user makes an API key in the portal, reads its orders with it, revokes it; the API
docs page renders from our own static files."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_supplier_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_api_key_page_create_use_revoke(page, tenant_a, tenant_b):
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API key").click()
    assert "You have no API key" in page.content()
    page.get_by_test_id("create-key").click()
    key = page.get_by_test_id("api-key-value").inner_text().strip()
    assert key.startswith("tsk_")
    screenshot(page, "api-key-created")

    # the key reads this supplier's orders and nobody else's
    response = page.request.get("/api/v1/purchase-orders/", headers={"Authorization": f"Api-Key {key}"})
    numbers = [o["number"] for o in response.json()["results"]]
    assert numbers == [tenant_a.order.number]

    page.reload()
    assert key not in page.content()  # shown once
    page.get_by_test_id("revoke-key").click()
    assert "revoked" in page.get_by_role("status").first.inner_text()
    screenshot(page, "api-key-revoked")
    response = page.request.get("/api/v1/purchase-orders/", headers={"Authorization": f"Api-Key {key}"})
    assert response.status == 401


def test_api_docs_page_renders(page, tenant_a):
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Tsunagi API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/api/v1/feeds/{feed}/ack/").first.wait_for()
    screenshot(page, "api-docs")
    assert not blocked, blocked

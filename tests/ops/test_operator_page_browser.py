"""The operator page as a person sees it (Chromium)."""

from __future__ import annotations

import pytest

from tests.browsing import screenshot
from tests.conftest import PASSWORD
from tests.ops.test_operator_page import scene  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_operator_page_in_the_browser(page, scene, buyer):  # noqa: F811
    page.goto("/accounts/login/")
    page.fill("input[name=login]", buyer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto("/console/")
    page.click("[data-testid=operations-link] a")
    page.wait_for_selector("[data-testid=operator-page]")
    assert page.locator("[data-testid=failures] tbody tr").count() == 1
    assert "expires in" in page.locator("[data-testid=expiring]").inner_text()
    screenshot(page, "ops-operator-page")

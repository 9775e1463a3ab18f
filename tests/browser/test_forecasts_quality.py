"""Forecast collaboration and quality notices in Debian's chromium: commit a forecast bucket short
with a reason and see the gap in the buyer's console; answer a quality notice through D8, with the
engineer accepting each step in the console, until it is closed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from suppliers.audit import Actor
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_portal_orders_asn import assert_labelled, session_cookie_for
from tests.browser.test_supplier_login import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def console_page(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1400, "height": 1000})
    context.add_cookies([session_cookie_for(user, live_server)])
    return context.new_page()


def weeks(part: str, quantities: list[int]) -> dict:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    return {"buyer_part": part, "schedule": [
        {"start": str(monday + timedelta(weeks=i)), "end": str(monday + timedelta(weeks=i, days=6)), "quantity": q}
        for i, q in enumerate(quantities)]}


def test_commit_a_bucket_short_and_the_buyer_sees_the_gap(page, browser, live_server, tenant_a, buyer):
    from suppliers.forecasts.services import forecast_publish

    part = tenant_a.supplier_part.part.buyer_part_number
    forecast_publish(supplier=tenant_a.supplier, lines=[weeks(part, [1000] * 13)], actor=Actor.system("erp"),
                     source="api")
    version = forecast_publish(supplier=tenant_a.supplier, lines=[weeks(part, [1000, 1200, 800] + [1000] * 10)],
                               actor=Actor.system("erp"), source="api")
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    assert "Forecast changes to commit" in page.get_by_test_id("panel-forecast-changes").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forecast").click()
    page.wait_for_url(f"**/forecasts/{version.pk}/")
    grid = page.get_by_test_id("forecast-grid").inner_text()
    assert "+200" in grid and "-200" in grid  # the changes against version 1
    screenshot(page, "forecast-grid")

    page.get_by_test_id(f"commit-{part}").click()
    assert_labelled(page)
    first = version.lines.get().buckets.order_by("index")[0]
    row = page.get_by_test_id(f"bucket-{first.start:%Y-%m-%d}")
    row.get_by_label(f"Commit for {first.start:%Y-%m-%d}").fill("700")
    page.get_by_role("button", name="Save commitments").click()
    page.get_by_test_id("commit-errors").wait_for()  # short without a reason: refused, in place
    assert "needs a reason" in page.get_by_test_id("commit-table").inner_text()
    screenshot(page, "forecast-commit-needs-reason")
    row.get_by_label(f"Reason for {first.start:%Y-%m-%d}").select_option("CAPACITY")
    row.get_by_label(f"Comment for {first.start:%Y-%m-%d}").fill("SMT line 2 in maintenance")
    page.get_by_role("button", name="Save commitments").click()
    page.wait_for_url(f"**/forecasts/{version.pk}/*")
    page.get_by_role("status").get_by_text("1 bucket(s) of").wait_for()
    cell = page.get_by_test_id("forecast-grid").inner_text()
    assert "700" in cell and "CAPACITY" in cell
    screenshot(page, "forecast-committed-short")

    buyer_page = console_page(browser, live_server, buyer)
    buyer_page.goto("/console/forecasts/commitgap/?commitment=gap")
    gap = buyer_page.get_by_test_id(f"gap-{part}")
    assert gap.inner_text() == "300"
    assert tenant_a.supplier.code in buyer_page.locator("#result_list").inner_text()
    screenshot(buyer_page, "console-commit-gaps")
    buyer_page.get_by_role("link", name=f"v{version.number}").click()
    assert "CAPACITY" in buyer_page.get_by_test_id("forecast-grid").inner_text()
    screenshot(buyer_page, "console-forecast-grid")


def test_answer_a_quality_notice_through_d8_and_have_it_accepted(page, browser, live_server, tenant_a,
                                                                 settings, tmp_path):
    import io

    from suppliers.quality.models import DefectCode
    from suppliers.quality.services import Upload, quality_notice_raise
    from suppliers.roles import QUALITY_ENGINEER

    settings.MEDIA_ROOT = tmp_path / "media"
    engineer = make_user("quality@tsunagi.test", staff=True)
    engineer.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    report = b"%PDF-1.4\n% AOI report\n%%EOF\n"
    notice = quality_notice_raise(
        supplier=tenant_a.supplier, part=tenant_a.supplier_part.part, defect_code=DefectCode.objects.get(code="SOLDER"),
        rejected_quantity=Decimal(12), severity="major", title="Solder bridges at AOI",
        description="12 of 50 boards from the lot show bridges between pins 3 and 4.", actor=engineer,
        lot="LOT-ALPHA-A", advice=tenant_a.asn, receipt=tenant_a.receipt,
        attachments=[Upload("AOI report.pdf", io.BytesIO(report), len(report))],
    )
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    assert notice.number in page.get_by_test_id("panel-quality-due").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quality", exact=True).click()
    assert notice.number in page.get_by_test_id("notices-table").inner_text()
    screenshot(page, "quality-list")
    page.get_by_role("link", name=notice.number).click()
    assert_labelled(page)
    # the buyer's PDF comes down as a download, not a page
    with page.expect_download() as download:
        page.get_by_test_id("attachments").get_by_role("link", name="AOI report.pdf").click()
    assert download.value.suggested_filename == "AOI report.pdf"
    screenshot(page, "quality-notice")

    evidence = tmp_path / "sorting.png"
    evidence.write_bytes(PNG)
    engineer_page = console_page(browser, live_server, engineer)
    change_url = f"/console/quality/qualitynotice/{notice.pk}/change/"
    for d in range(1, 8):
        step = page.get_by_test_id(f"step-D{d}")
        step.get_by_label("Your answer").fill(f"D{d}: what we did, with evidence.")
        if d == 3:
            step.get_by_label("Evidence (photos, PDF)").set_input_files(str(evidence))
        step.get_by_role("button", name=f"Send D{d} for review").click()
        page.get_by_test_id(f"step-D{d}-status").get_by_text("Awaiting review").wait_for()
    screenshot(page, "quality-d1-d7-answered")
    page.get_by_test_id("step-D8").get_by_text("once D1 to D7 are accepted").wait_for()

    engineer_page.goto(change_url)
    assert "sorting.png" in engineer_page.get_by_test_id("review-D3").inner_text()
    screenshot(engineer_page, "console-8d-review")
    for d in range(1, 8):
        engineer_page.get_by_test_id(f"accept-D{d}").click()
        engineer_page.get_by_test_id(f"review-D{d}-status").get_by_text("Accepted").wait_for()

    page.reload()
    step = page.get_by_test_id("step-D8")
    step.get_by_label("Your answer").fill("Closed: the team was thanked; lessons learnt shared with plant 2.")
    step.get_by_role("button", name="Send D8 for review").click()
    page.get_by_test_id("step-D8-status").get_by_text("Awaiting review").wait_for()

    engineer_page.goto(change_url)
    engineer_page.get_by_test_id("accept-D8").click()
    engineer_page.get_by_test_id("review-D8-status").get_by_text("Accepted").wait_for()
    screenshot(engineer_page, "console-8d-accepted")
    page.reload()
    assert page.get_by_test_id("notice-status").inner_text() == "Closed"
    assert "8 of 8 steps accepted" in page.content()
    screenshot(page, "quality-notice-closed")
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert (SCREENSHOTS / "quality-notice-closed.png").exists()

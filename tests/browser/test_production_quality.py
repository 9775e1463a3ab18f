"""Production quality shared back, in Debian's chromium: the quality engineer sets a defect rate
threshold in the console, the MES posts inspection results through the ERP API with an API key,
the lot crosses the threshold, and the supplier finds the automatic quality notice and the lot on
its Production quality page; the other supplier sees neither."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from suppliers.audit import Actor
from tests.browser.conftest import screenshot
from tests.browser.test_portal_orders_asn import assert_labelled, session_cookie_for
from tests.browser.test_supplier_login import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def mes_post(api, key: str, body: dict) -> dict:
    response = api.post("/api/v1/inspection-results/", data=body,
                        headers={"Authorization": f"Api-Key {key}", "Content-Type": "application/json"})
    assert response.status in (200, 201), response.text()
    return response.json()


def test_mes_data_over_the_threshold_raises_a_notice_that_only_that_supplier_sees(
        page, browser, live_server, tenant_a, tenant_b):
    from suppliers.erp.services import api_key_create
    from suppliers.quality.models import DefectRateThreshold, QualityNotice
    from suppliers.roles import QUALITY_ENGINEER

    # the quality engineer sets a 1 % threshold for every part, counted from 100 inspected
    engineer = make_user("quality@tsunagi.test", staff=True)
    engineer.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    console = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1400, "height": 1000})
    console.add_cookies([session_cookie_for(engineer, live_server)])
    admin = console.new_page()
    admin.goto("/console/quality/defectratethreshold/add/")
    admin.get_by_label("Limit").fill("1")
    admin.get_by_label("Unit").select_option("percent")
    admin.get_by_label("Minimum inspected").fill("100")
    admin.get_by_label("Severity of the notice").select_option("critical")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator("#result_list")).to_contain_text("all defects (total rate)")
    screenshot(admin, "console-defect-rate-thresholds")
    assert DefectRateThreshold.objects.get().limit_ppm == 10000

    # the MES posts through the ERP API: ALPHA's lot crosses, BRAVO's stays under
    key = api_key_create(name="MES", scope="write", actor=Actor.system("test")).key
    api = browser.new_context(base_url=live_server.url).request
    part_a, part_b = (t.supplier_part.part.buyer_part_number for t in (tenant_a, tenant_b))
    common = {"plant": "PLT1", "stage": "test"}
    mes_post(api, key, {**common, "reference": "MES-A-1", "lot": "LOT-ALPHA-A", "part": part_a,
                        "quantity_inspected": "100", "defects": []})
    assert not QualityNotice.objects.exists()  # 0 ppm
    posted = mes_post(api, key, {**common, "reference": "MES-A-2", "lot": "LOT-ALPHA-A", "part": part_a,
                                 "quantity_inspected": "100", "defects": [{"code": "SOLDER", "quantity": "3"}]})
    assert posted["supplier"] == "ALPHA"  # found from the goods receipt of the lot
    mes_post(api, key, {**common, "reference": "MES-A-2", "lot": "LOT-ALPHA-A", "part": part_a,  # the same again
                        "quantity_inspected": "100", "defects": [{"code": "SOLDER", "quantity": "3"}]})
    mes_post(api, key, {**common, "reference": "MES-B-1", "lot": "LOT-BRAVO-A", "part": part_b,
                        "quantity_inspected": "400", "defects": [{"code": "ELEC", "quantity": "2"}]})
    notice = QualityNotice.objects.get()
    assert notice.supplier == tenant_a.supplier and notice.severity == "critical"

    # ALPHA: the dashboard says so, the Production quality page shows the lot linked to its notice
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    expect(page.get_by_test_id("panel-lots-over-threshold")).to_contain_text("LOT-ALPHA-A")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Production quality").click()
    page.wait_for_url("**/production-quality/")
    row = page.get_by_test_id("lot-LOT-ALPHA-A")
    expect(row).to_contain_text("15,000")  # 3 in 200 inspected
    expect(row).to_contain_text("SOLDER")
    expect(row.get_by_test_id("lot-notice")).to_have_text(notice.number)
    expect(page.get_by_role("img", name="Defect rate (ppm) of P-ALPHA-1 per week")).to_be_visible()
    assert "LOT-BRAVO-A" not in page.get_by_test_id("lots-table").inner_text()
    assert_labelled(page)
    screenshot(page, "production-quality-lots")

    row.get_by_role("link", name="LOT-ALPHA-A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lot LOT-ALPHA-A of P-ALPHA-1")
    expect(page.get_by_test_id("lot-results")).to_contain_text("MES-A-2")
    expect(page.get_by_test_id("lot-thresholds")).to_contain_text("over")
    screenshot(page, "production-quality-lot")

    page.get_by_test_id("lot-notices").get_by_role("link", name=notice.number).click()
    page.wait_for_url(f"**/quality/{notice.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(notice.number)
    expect(page.locator("main")).to_contain_text("15,000 ppm")
    screenshot(page, "production-quality-automatic-notice")

    # BRAVO sees neither ALPHA's notice nor its lot, and ALPHA's lot page is a 404
    other = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    bravo = other.new_page()
    log_in(bravo, tenant_b.member.email)
    bravo.wait_for_url("**/")
    assert bravo.get_by_test_id("panel-lots-over-threshold").count() == 0
    bravo.goto("/quality/")
    expect(bravo.get_by_test_id("notices-table")).not_to_contain_text(notice.number)
    bravo.goto("/production-quality/")
    lots = bravo.get_by_test_id("lots-table")
    expect(lots).to_contain_text("LOT-BRAVO-A")
    expect(lots).not_to_contain_text("LOT-ALPHA-A")
    expect(bravo.locator("main")).not_to_contain_text(notice.number)
    screenshot(bravo, "production-quality-other-supplier")
    response = bravo.goto(f"/production-quality/lots/{tenant_a.supplier_part.part.pk}/LOT-ALPHA-A")
    assert response.status == 404
    other.close()
    console.close()

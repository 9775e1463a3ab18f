"""The supplier portal's two main flows in Debian's chromium, by keyboard where it matters:
confirm a PO line with a changed date (the buyer then sees the order response in the console),
and create a web ASN with two lots whose label PDF carries a decodable GS1-128 SSCC."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_supplier_login import log_in
from tests.portal.conftest import confirm_all, erp_outbox, gs1_tenant, make_order  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Every visible form control must have an accessible name (a <label>, aria-label or aria-labelledby).
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""


def assert_labelled(page) -> None:
    assert page.evaluate(UNLABELLED_CONTROLS) == []


def session_cookie_for(user, live_server) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def test_confirm_a_line_with_a_changed_date_and_the_buyer_sees_it(page, browser, live_server, tenant_a, buyer, erp_outbox):  # noqa: F811
    order = make_order(tenant_a, "PO-UI-1", lines=2)
    line = order.lines.get(line_no=20)
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    screenshot(page, "portal-dashboard")
    assert "PO-UI-1" in page.get_by_test_id("panel-orders-to-confirm").inner_text()

    page.get_by_role("link", name="PO-UI-1").first.click()
    page.wait_for_url(f"**/orders/{order.pk}/")
    assert_labelled(page)
    screenshot(page, "order-detail-to-confirm")

    # Keyboard only: the first answer radio, arrow to "Change", tab through the fields, Enter.
    form = page.get_by_test_id("line-form-20")
    form.get_by_label("Accept").focus()
    page.keyboard.press("ArrowRight")
    assert form.get_by_label("Change quantity or date").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"line-{line.pk}-quantity"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"line-{line.pk}-delivery_date"
    # (a date input has a keyboard stop per segment, so the date is filled, not typed)
    form.get_by_label("Delivery date").fill("2026-04-24")
    form.get_by_label("Comment").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == f"line-{line.pk}-reason_code"
    page.keyboard.press("ArrowDown")  # "—" -> "Capacity"
    assert form.get_by_label("Reason").input_value() == "capacity"
    page.keyboard.press("Tab")
    page.keyboard.type("line 3 in maintenance")
    page.keyboard.press("Enter")  # submits the form (htmx swaps the order body in place)

    page.get_by_role("status").get_by_text("Line 20 answered").wait_for()
    assert "2026-04-24" in page.get_by_test_id("confirmation-20").inner_text()
    assert "PO-UI-1-R1" in page.get_by_test_id("responses-table").inner_text()
    assert page.url.endswith(f"/orders/{order.pk}/")  # no page load: htmx swapped the body
    screenshot(page, "order-detail-line-changed")

    # the buyer's console: the PO lists the confirmation, the change form shows the response
    console = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1400, "height": 1000})
    console.add_cookies([session_cookie_for(buyer, live_server)])
    buyer_page = console.new_page()
    buyer_page.goto("/console/suppliers/purchaseorder/?q=PO-UI-1")
    row = buyer_page.locator("#result_list tbody tr").first.inner_text()
    assert "PO-UI-1" in row and "1 changed" in row and "1 waiting" in row
    screenshot(buyer_page, "console-po-list-confirmation")
    buyer_page.goto(f"/console/suppliers/purchaseorder/{order.pk}/change/")
    responses = buyer_page.locator("#responses-group").inner_text()
    assert "PO-UI-1-R1" in responses and "2026-04-24" in responses and "line 3 in maintenance" in responses
    screenshot(buyer_page, "console-po-order-response")
    buyer_page.goto(f"/console/suppliers/purchaseorder/{order.pk}/history/")
    history = buyer_page.get_by_test_id("audit-history").inner_text()
    assert "po.responded" in history and "PO-UI-1-R1" in history and "2026-04-24" in history
    screenshot(buyer_page, "console-po-history")
    console.close()


def test_rejection_is_not_offered_when_the_buyer_forbids_it(page, tenant_a):
    order = make_order(tenant_a, "PO-UI-2", lines=1, allow_rejection=False)
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    page.goto(f"/orders/{order.pk}/")
    form = page.get_by_test_id("line-form-10")
    assert form.get_by_label("Reject").count() == 0
    assert page.get_by_test_id("no-rejection").is_visible()


def test_web_asn_with_two_lots_and_its_label(page, live_server, gs1_tenant, erp_outbox):  # noqa: F811
    from tests.portal.test_web_asn import decode_pdf_barcodes

    tenant = gs1_tenant
    order = make_order(tenant, "PO-UI-3", lines=1, quantity=120)
    confirm_all(order)
    log_in(page, tenant.member.email)
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shipments").click()
    page.get_by_role("link", name="New shipment notice").click()
    assert_labelled(page)
    page.get_by_label("PO-UI-3 / 10").check()
    screenshot(page, "asn-pick-lines")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/shipments/new/details/**")

    block = page.get_by_test_id("asn-line-PO-UI-3-10")
    block.get_by_label("Quantity to ship").fill("120")
    block.get_by_label("Lot 1", exact=True).fill("LOT-2026-A")
    block.get_by_label("Quantity of lot 1").fill("70")
    block.get_by_role("button", name="Add a lot").click()  # htmx round trip keeps what was typed
    block = page.get_by_test_id("asn-line-PO-UI-3-10")
    block.get_by_label("Lot 2", exact=True).wait_for()
    assert block.get_by_label("Lot 1", exact=True).input_value() == "LOT-2026-A"
    block.get_by_label("Lot 2", exact=True).fill("LOT-2026-B")
    block.get_by_label("Quantity of lot 2").fill("50")
    page.get_by_label("Carrier").fill("Yamato Transport")
    page.get_by_label("Tracking number").fill("YT-123456")
    page.get_by_role("button", name="Add a package").click()
    page.get_by_label("Type of package 2").wait_for()
    page.get_by_label("Type of package 1").select_option("pallet")
    page.get_by_label("Pallet of package 2").select_option("1")
    page.get_by_test_id("asn-line-PO-UI-3-10").get_by_label("Packed in").select_option("2")
    assert_labelled(page)
    screenshot(page, "asn-details-two-lots")
    page.get_by_role("button", name="Send ASN").click()
    page.wait_for_url("**/shipments/*/")
    assert "LOT-2026-A (70)" in page.content() and "LOT-2026-B (50)" in page.content()
    screenshot(page, "asn-sent-detail")

    ssccs = [s.strip() for s in page.get_by_test_id("packages").locator(".mono").all_inner_texts()]
    label_url = page.url + "labels.pdf?size=4x6"
    response = page.request.get(label_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages = decode_pdf_barcodes(response.body())
    decoded = [found[0].bytes.decode() for found in pages]
    assert [found[0].symbology_identifier for found in pages] == ["]C1", "]C1"]
    assert set(decoded) == {"00" + s for s in set(ssccs)}
    # keep a picture of the label for people to look at
    import pypdfium2 as pdfium

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for n, pdf_page in enumerate(pdfium.PdfDocument(response.body()), start=1):
        pdf_page.render(scale=2).to_pil().save(SCREENSHOTS / f"asn-label-{n}.png")
    packing = page.request.get(page.url + "packing-list.pdf")
    assert packing.status == 200
    pdfium.PdfDocument(packing.body())[0].render(scale=1.5).to_pil().save(SCREENSHOTS / "asn-packing-list.png")


def test_pages_on_a_phone_and_the_preferences(page, tenant_a):
    order = make_order(tenant_a, "PO-UI-4", lines=2)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, tenant_a.member.email)
    page.wait_for_url("**/")
    screenshot(page, "phone-dashboard")
    page.goto(f"/orders/{order.pk}/")
    screenshot(page, "phone-order-detail")
    page.goto("/orders/?needs=on")
    assert "PO-UI-4" in page.get_by_test_id("orders-table").inner_text()
    screenshot(page, "phone-order-list")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/orders/?needs=on")
    assert_labelled(page)
    screenshot(page, "order-list-filters")
    page.goto("/preferences/")
    assert_labelled(page)
    page.get_by_label("Quality notices").uncheck()
    page.get_by_label("Language of e-mails and pages").select_option("ja")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    screenshot(page, "preferences-ja")
    page.goto(f"/orders/{order.pk}/")
    screenshot(page, "order-detail-ja")
    assert date.today().year > 2000

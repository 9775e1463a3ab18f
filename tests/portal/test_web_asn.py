"""Web ASNs: pick lines, quantities within the tolerance, lots, serials, packages with SSCCs,
then the despatch advice, its canonical document for the ERP, and the label and packing list PDFs
(the GS1-128 barcode is decoded from the rendered label)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from edi.codecs.canonical import validate_document
from suppliers import gs1, selectors, services
from suppliers.errors import DomainError, PermissionDenied
from suppliers.models import BuyerSettings, DespatchAdvice, Plant, PurchaseOrderLine
from tests.conftest import login
from tests.portal.conftest import confirm_all, make_order


def decode_pdf_barcodes(body: bytes, dpi: int = 300) -> list:
    """Every barcode zxing-cpp finds on every page of the PDF, rasterised by pdfium."""
    import pypdfium2 as pdfium
    import zxingcpp

    found = []
    pdf = pdfium.PdfDocument(body)
    for page in pdf:
        image = page.render(scale=dpi / 72).to_pil()
        found.append(zxingcpp.read_barcodes(image))
    return found


def pdf_text(body: bytes) -> str:
    import pypdfium2 as pdfium

    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(body))


@pytest.fixture
def shipper(gs1_tenant):
    order = make_order(gs1_tenant, "PO-S-1", lines=2, quantity=100)
    confirm_all(order)
    return gs1_tenant, order


def _asn(tenant, order, **kwargs):
    defaults = {
        "supplier": tenant.supplier, "number": "ASN-W-1", "ship_date": date(2026, 3, 30), "actor": tenant.member,
        "packages": [services.WebPackage(ref="1", type="pallet"), services.WebPackage(ref="2", parent_ref="1"),
                     services.WebPackage(ref="3", parent_ref="1")],
    }
    if "lines" not in kwargs:
        first, second = order.lines.all()
        defaults["lines"] = [
            services.WebAsnLine(order_line=first, quantity=Decimal(60),
                                lots=[("LOT-A", Decimal(40)), ("LOT-B", Decimal(20))], package_ref="2"),
            services.WebAsnLine(order_line=second, quantity=Decimal(10), serials=["S1", "S2"], package_ref="3"),
        ]
    defaults.update(kwargs)
    return services.despatch_advice_submit_web(**defaults)


def test_submit_creates_the_advice_with_ssccs_and_publishes_it(shipper, erp_outbox, django_capture_on_commit_callbacks):
    tenant, order = shipper
    with django_capture_on_commit_callbacks(execute=True):
        advice = _asn(tenant, order, carrier="Yamato", tracking_number="TRK-1")
    assert advice.source == "web" and advice.status == DespatchAdvice.Status.SUBMITTED
    packages = list(advice.packages.order_by("id"))
    assert [p.package_type for p in packages] == ["pallet", "carton", "carton"]
    assert all(gs1.sscc_is_valid(p.sscc) and p.sscc[1:8] == "4512345" for p in packages)
    assert packages[1].parent == packages[0] and packages[2].parent == packages[0]
    line = advice.lines.get(line_no=1)
    assert sorted((lot.lot, lot.quantity) for lot in line.lots.all()) == [("LOT-A", 40), ("LOT-B", 20)]
    assert line.package == packages[1]
    files = list(erp_outbox.glob("despatch_advice-ALPHA-*.json"))
    assert len(files) == 1
    doc = json.loads(files[0].read_text())
    assert validate_document(doc) == []
    assert [(li["lot"], li["quantity"]) for li in doc["lines"] if "lot" in li] == [("LOT-A", "40"), ("LOT-B", "20")]
    assert {p["sscc"] for p in doc["packages"]} == {p.sscc for p in packages}
    assert doc["order"] == "PO-S-1" and doc["carrier"] == {"name": "Yamato"} and doc["tracking"] == "TRK-1"
    advice.refresh_from_db()
    assert advice.erp_file == files[0].name


def test_over_shipment_is_refused_beyond_the_tolerance(shipper, erp_outbox):
    tenant, order = shipper
    first = order.lines.first()
    one = lambda qty, number: _asn(tenant, order, number=number, packages=[],  # noqa: E731
                                   lines=[services.WebAsnLine(order_line=first, quantity=Decimal(qty))])
    with pytest.raises(DomainError, match="at most 100"):
        one(101, "ASN-T-1")
    # a buyer-wide default of 5 %...
    settings_row = BuyerSettings.get()
    settings_row.asn_tolerance_percent = Decimal(5)
    settings_row.save()
    one(60, "ASN-T-2")
    with pytest.raises(DomainError, match="at most 45"):
        one(46, "ASN-T-3")
    # ...and the supplier's own percentage wins over it
    tenant.supplier.asn_tolerance_percent = Decimal(0)
    tenant.supplier.save()
    with pytest.raises(DomainError, match="at most 40"):
        one(41, "ASN-T-4")
    one(40, "ASN-T-5")


def test_a_cancelled_asn_frees_its_quantity(shipper, erp_outbox):
    from suppliers.audit import Actor

    tenant, order = shipper
    first = order.lines.first()
    advice = _asn(tenant, order, number="ASN-C-1", packages=[],
                  lines=[services.WebAsnLine(order_line=first, quantity=Decimal(100))])
    services.despatch_advice_transition(advice=advice, to="cancelled", actor=Actor.system())
    _asn(tenant, order, number="ASN-C-2", packages=[], lines=[services.WebAsnLine(order_line=first, quantity=Decimal(100))])


@pytest.mark.parametrize("change, message", [
    ({"lines": "lots-wrong-sum"}, "add up to"),
    ({"lines": "serials-twice"}, "listed twice"),
    ({"packages": "carton-on-carton"}, "must sit on a pallet"),
    ({"number": "ASN-ALPHA-1"}, "already used"),
])
def test_bad_asns_are_refused(change, message, shipper, erp_outbox):
    tenant, order = shipper
    first, second = order.lines.all()
    kwargs = {}
    if change.get("lines") == "lots-wrong-sum":
        kwargs["lines"] = [services.WebAsnLine(order_line=first, quantity=Decimal(10), lots=[("L", Decimal(9))])]
    if change.get("lines") == "serials-twice":
        kwargs["lines"] = [services.WebAsnLine(order_line=first, quantity=Decimal(10), serials=["X", "X"])]
    if change.get("packages") == "carton-on-carton":
        kwargs["packages"] = [services.WebPackage(ref="1"), services.WebPackage(ref="2", parent_ref="1")]
        kwargs["lines"] = [services.WebAsnLine(order_line=first, quantity=Decimal(1), package_ref="2")]
    if "number" in change:
        kwargs["number"] = change["number"]
    with pytest.raises(DomainError, match=message):
        _asn(tenant, order, **kwargs)
    assert not DespatchAdvice.objects.filter(number="ASN-W-1").exists()


def test_unconfirmed_orders_and_other_suppliers_lines_cannot_be_shipped(shipper, tenant_b, erp_outbox):
    tenant, _order = shipper
    pending = make_order(tenant, "PO-S-2", lines=1)
    with pytest.raises(DomainError, match="not confirmed"):
        _asn(tenant, pending, packages=[], lines=[services.WebAsnLine(order_line=pending.lines.get(), quantity=Decimal(1))])
    with pytest.raises(PermissionDenied):
        _asn(tenant, pending, packages=[], lines=[services.WebAsnLine(order_line=tenant_b.order.lines.get(),
                                                                       quantity=Decimal(1))])


def test_one_ship_to_per_asn(shipper, erp_outbox):
    tenant, order = shipper
    elsewhere = make_order(tenant, "PO-S-3", lines=1, ship_to=Plant.objects.create(code="PLT9", name="Far"))
    confirm_all(elsewhere)
    with pytest.raises(DomainError, match="same ship-to"):
        _asn(tenant, order, packages=[], lines=[
            services.WebAsnLine(order_line=order.lines.first(), quantity=Decimal(1)),
            services.WebAsnLine(order_line=elsewhere.lines.get(), quantity=Decimal(1))])


def test_a_failed_asn_does_not_use_up_sscc_numbers(shipper, erp_outbox):
    tenant, order = shipper
    with pytest.raises(DomainError), transaction.atomic():
        _asn(tenant, order, lines=[services.WebAsnLine(order_line=order.lines.first(), quantity=Decimal(500))])
    tenant.supplier.refresh_from_db()
    assert tenant.supplier.sscc_next_serial == 1


# --- the pages -------------------------------------------------------------------------------------

def _form_post(order, **overrides):
    first, second = order.lines.all()
    data = {
        "line": [first.pk, second.pk], f"lots-{first.pk}": "2", f"lots-{second.pk}": "1", "packages": "2",
        "asn-number": "ASN-P-1", "asn-ship_date": "2026-03-30", "asn-expected_delivery": "2026-04-02",
        "asn-carrier": "Nippon Express", "asn-tracking_number": "NX-99",
        f"l{first.pk}-quantity": "70", f"l{first.pk}-package": "1",
        f"l{first.pk}-lot1-lot": "LOT-ONE", f"l{first.pk}-lot1-quantity": "50",
        f"l{first.pk}-lot2-lot": "LOT-TWO", f"l{first.pk}-lot2-quantity": "20",
        f"l{second.pk}-quantity": "5", f"l{second.pk}-package": "2", f"l{second.pk}-serials": "SN-1\nSN-2, SN-3",
        "pkg1-type": "carton", "pkg1-parent": "", "pkg2-type": "carton", "pkg2-parent": "",
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_asn_pages_end_to_end_without_javascript(shipper, erp_outbox, django_capture_on_commit_callbacks):
    tenant, order = shipper
    first, second = order.lines.all()
    client = login(tenant.member)
    pick = client.get(reverse("portal:asn_new")).content.decode()
    assert f'value="{first.pk}"' in pick and f'value="{second.pk}"' in pick
    url = reverse("portal:asn_details") + f"?line={first.pk}&line={second.pk}"
    page = client.get(url).content.decode()
    assert 'name="asn-number"' in page and "ASN-" in page
    # adding a lot row is a round trip that keeps what was typed
    data = _form_post(order, action=f"add-lot-{first.pk}")
    page = client.post(url, data).content.decode()
    assert f'name="l{first.pk}-lot3-lot"' in page and 'value="LOT-TWO"' in page and "errorlist" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form_post(order))
    assert response.status_code == 302
    advice = DespatchAdvice.objects.get(number="ASN-P-1")
    assert response["Location"] == reverse("portal:shipment_detail", args=[advice.pk])
    assert advice.packages.count() == 2 and advice.carrier == "Nippon Express"
    assert sorted(s.serial for s in advice.lines.get(line_no=2).serials.all()) == ["SN-1", "SN-2", "SN-3"]
    detail = client.get(response["Location"]).content.decode()
    assert reverse("portal:shipment_labels", args=[advice.pk]) in detail
    # the lines shipped in full no longer count as open; the rest does
    first.refresh_from_db()
    remaining = {line.pk: line.remaining for line in selectors.open_lines_to_ship(supplier=tenant.supplier)}
    assert remaining[first.pk] == 30 and remaining[second.pk] == 95


@pytest.mark.parametrize("overrides, error", [
    ({"asn-number": ""}, "This field is required"),
    ({"asn-expected_delivery": "2026-03-01"}, "before the ship date"),
    ({"l{first}-lot2-quantity": "21"}, "must add up"),
    ({"l{first}-quantity": "150"}, "At most 100"),
    ({"l{second}-serials": "A\nA"}, "listed twice"),
    ({"pkg2-type": ""}, "is not used"),
])
def test_asn_form_errors(overrides, error, shipper, erp_outbox):
    tenant, order = shipper
    first, second = order.lines.all()
    data = _form_post(order, **{k.format(first=first.pk, second=second.pk): v for k, v in overrides.items()})
    response = login(tenant.member).post(reverse("portal:asn_details") + f"?line={first.pk}", data)
    assert response.status_code == 400 and error in response.content.decode()
    assert not DespatchAdvice.objects.filter(number="ASN-P-1").exists()


def test_labels_carry_a_decodable_gs1_128_sscc(shipper, erp_outbox):
    tenant, order = shipper
    advice = _asn(tenant, order)
    client = login(tenant.member)
    for size in ("4x6", "a6"):
        response = client.get(reverse("portal:shipment_labels", args=[advice.pk]), {"size": size})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        pages = decode_pdf_barcodes(response.content)
        packages = list(advice.packages.order_by("id"))
        assert len(pages) == len(packages) == 3
        for found, package in zip(pages, packages):
            assert len(found) == 1, f"one barcode per label, found {len(found)}"
            barcode = found[0]
            assert barcode.format.name == "Code128"
            assert barcode.symbology_identifier == "]C1"  # GS1-128: FNC1 in first position
            assert barcode.content_type.name == "GS1"
            assert barcode.bytes.decode() == "00" + package.sscc
            assert barcode.text == f"(00){package.sscc}"
    text = pdf_text(client.get(reverse("portal:shipment_labels", args=[advice.pk])).content)
    assert "PO-S-1/10" in text and "LOT-A" in text and "Test plant" in text and "ALPHA" in text


def test_packing_list_lists_lines_lots_and_packages(shipper, erp_outbox):
    tenant, order = shipper
    advice = _asn(tenant, order)
    response = login(tenant.member).get(reverse("portal:shipment_packing_list", args=[advice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in ("ASN-W-1", "PO-S-1/10", "PO-S-1/20", "LOT-A: 40", "LOT-B: 20", "S1, S2",
                     advice.packages.order_by("id").first().sscc):
        assert expected in text, expected


def test_asn_pages_without_a_gs1_prefix_offer_no_packages(tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-S-9", lines=1)
    confirm_all(order)
    line = order.lines.get()
    client = login(tenant_a.member)
    page = client.get(reverse("portal:asn_details") + f"?line={line.pk}").content.decode()
    assert "No GS1 company prefix" in page and 'name="pkg1-type"' not in page
    response = client.post(reverse("portal:asn_details"), {
        "line": line.pk, "asn-number": "ASN-NP-1", "asn-ship_date": "2026-03-30",
        f"l{line.pk}-quantity": "100", "action": "submit"})
    assert response.status_code == 302
    assert DespatchAdvice.objects.get(number="ASN-NP-1").packages.count() == 0


def test_pick_page_queries_do_not_grow_with_open_lines(gs1_tenant, django_assert_max_num_queries):
    for n in range(30):
        confirm_all(make_order(gs1_tenant, f"PO-Q-{n}", lines=4))
    client = login(gs1_tenant.member)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("portal:asn_new")).content.decode()
    assert page.count('name="line"') == 120
    lines = [li.pk for li in PurchaseOrderLine.objects.filter(order__number__startswith="PO-Q-")[:40]]
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:asn_details"), {"line": lines}).content.decode()
    assert page.count('data-testid="asn-line-') == 40

"""Tenancy for the portal's order confirmation and web ASN URLs: another supplier's order line,
ASN labels and packing list are 404, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from suppliers import services
from suppliers.models import DespatchAdvice, OrderResponse
from tests.conftest import login
from tests.portal.conftest import confirm_all, make_order
from tests.portal.test_order_pages import rows


@pytest.fixture
def b_asn(tenant_b):
    tenant_b.supplier.gs1_company_prefix = "4598765"
    tenant_b.supplier.save()
    order = make_order(tenant_b, "PO-BRAVO-9", lines=1)
    confirm_all(order)
    return services.despatch_advice_submit_web(
        supplier=tenant_b.supplier, number="ASN-BRAVO-9", ship_date=order.order_date, actor=tenant_b.member,
        packages=[services.WebPackage(ref="1")],
        lines=[services.WebAsnLine(order_line=order.lines.get(), quantity=Decimal(5), package_ref="1")],
    )


@pytest.mark.parametrize("role", ["admin", "member"])
def test_confirming_another_suppliers_line_is_404(role, tenant_a, tenant_b):
    order_b, line_b = tenant_b.order, tenant_b.order.lines.get()
    client = login(getattr(tenant_a, role))
    data = {f"line-{line_b.pk}-decision": "accepted"}
    # by the other supplier's order and line...
    assert client.post(reverse("portal:order_line_respond", args=[order_b.pk, line_b.pk]), data).status_code == 404
    # ...and by its line under the user's own order
    own = tenant_a.order
    assert client.post(reverse("portal:order_line_respond", args=[own.pk, line_b.pk]), data).status_code == 404
    assert client.post(reverse("portal:order_accept_all", args=[order_b.pk])).status_code == 404
    line_b.refresh_from_db()
    assert line_b.confirmation == "pending" and not OrderResponse.objects.filter(order=order_b).exists()


@pytest.mark.parametrize("url_name", ["portal:shipment_labels", "portal:shipment_packing_list"])
def test_another_suppliers_asn_documents_are_404(url_name, tenant_a, b_asn):
    client = login(tenant_a.member)
    assert client.get(reverse(url_name, args=[tenant_a.asn.pk])).status_code == 200
    response = client.get(reverse(url_name, args=[b_asn.pk]))
    assert response.status_code == 404 and b"ASN-BRAVO-9" not in response.content


def test_another_suppliers_lines_cannot_be_put_on_an_asn(tenant_a, tenant_b, b_asn):
    line_b = b_asn.lines.get().order_line
    client = login(tenant_a.member)
    assert client.get(reverse("portal:asn_details"), {"line": line_b.pk}).status_code == 404
    response = client.post(reverse("portal:asn_details"), {
        "line": line_b.pk, "asn-number": "ASN-STOLEN", "asn-ship_date": "2026-03-30",
        f"l{line_b.pk}-quantity": "1", "action": "submit"})
    assert response.status_code == 404
    assert not DespatchAdvice.objects.filter(number="ASN-STOLEN").exists()
    # and the pick list never shows them
    assert "PO-BRAVO-9" not in client.get(reverse("portal:asn_new")).content.decode()
    searched = client.get(reverse("portal:asn_new"), {"q": "PO-BRAVO-9"}).content.decode()
    assert "PO-BRAVO-9" not in rows(searched)
    owner = login(tenant_b.member).get(reverse("portal:asn_new"), {"q": "PO-BRAVO-9"}).content.decode()
    assert "PO-BRAVO-9" in rows(owner)  # the search itself works


def test_filters_and_export_never_reach_another_supplier(tenant_a, tenant_b):
    client = login(tenant_a.member)
    plant_b = tenant_b.order.ship_to  # same plant as A's: the filter must still scope to A
    page = client.get(reverse("portal:order_list"), {"ship_to": plant_b.pk, "q": "PO-BRAVO"}).content.decode()
    assert "PO-BRAVO-1" not in page
    body = b"".join(client.get(reverse("portal:order_export"), {"ship_to": plant_b.pk, "needs": "on"})
                    .streaming_content).decode()
    assert "PO-BRAVO-1" not in body and "PO-ALPHA-1" in body


def test_dashboard_shows_only_own_work(tenant_a, tenant_b):
    page = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    assert "PO-ALPHA-1" in page and "PO-BRAVO-1" not in page

"""Supplier data isolation: a supplier user never sees another supplier's data, by any path.

Every supplier-facing object type is requested as the *other* supplier through its page, the
list, the search box, the CSV export and the API; each must answer 404 or leave it out.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import login

# object type -> (detail page url name, attribute holding the object, what identifies it in text)
DETAIL_PAGES = {
    "purchase order": ("portal:order_detail", "order", lambda t: t.order.number),
    "despatch advice": ("portal:shipment_detail", "asn", lambda t: t.asn.number),
    "goods receipt": ("portal:receipt_detail", "receipt", lambda t: t.receipt.number),
}
LIST_PAGES = {
    "purchase order": ("portal:order_list", lambda t: t.order.number),
    "despatch advice": ("portal:shipment_list", lambda t: t.asn.number),
    "goods receipt": ("portal:receipt_list", lambda t: t.receipt.number),
    "supplier part": ("portal:part_list", lambda t: t.supplier_part.supplier_part_number),
    "team member": ("portal:team", lambda t: t.admin.email),
}
API_DETAIL = {
    "purchase order": ("api-po-detail", "order"),
    "despatch advice": ("api-asn-detail", "asn"),
}
API_LIST = {
    "purchase order": ("api-po-list", lambda t: t.order.number),
    "despatch advice": ("api-asn-list", lambda t: t.asn.number),
}


def table_rows(html: str) -> str:
    """The result rows of a page, without the search box and navigation that echo the query."""
    return "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


@pytest.mark.parametrize("role", ["admin", "member"])
@pytest.mark.parametrize("kind", DETAIL_PAGES)
def test_detail_page_of_another_supplier_is_404(kind, role, tenant_a, tenant_b):
    url_name, attr, _ = DETAIL_PAGES[kind]
    client = login(getattr(tenant_a, role))
    # given: the user can open its own object
    assert client.get(reverse(url_name, args=[getattr(tenant_a, attr).pk])).status_code == 200
    # then: the other supplier's object does not exist for it
    assert client.get(reverse(url_name, args=[getattr(tenant_b, attr).pk])).status_code == 404


@pytest.mark.parametrize("kind", LIST_PAGES)
def test_list_and_search_show_only_own_data(kind, tenant_a, tenant_b):
    url_name, ident = LIST_PAGES[kind]
    client = login(tenant_a.member)
    page = client.get(reverse(url_name)).content.decode()
    assert ident(tenant_a) in table_rows(page)
    assert ident(tenant_b) not in page
    searched = client.get(reverse(url_name), {"q": ident(tenant_b)}).content.decode()
    assert ident(tenant_b) not in table_rows(searched)
    # and the same search as the owner does find it, so the search itself works
    owner_search = login(tenant_b.member).get(reverse(url_name), {"q": ident(tenant_b)}).content.decode()
    assert ident(tenant_b) in table_rows(owner_search)


def test_search_by_other_suppliers_lot_finds_nothing(tenant_a, tenant_b):
    client = login(tenant_a.member)
    page = client.get(reverse("portal:shipment_list"), {"q": "LOT-BRAVO-A"}).content.decode()
    assert tenant_b.asn.number not in table_rows(page)
    page = client.get(reverse("portal:receipt_list"), {"q": "LOT-BRAVO-A"}).content.decode()
    assert tenant_b.receipt.number not in table_rows(page)
    own = login(tenant_b.member).get(reverse("portal:shipment_list"), {"q": "LOT-BRAVO-A"}).content.decode()
    assert tenant_b.asn.number in table_rows(own)


@pytest.mark.parametrize("query", [{}, {"q": "PO-BRAVO"}, {"status": "issued"}])
def test_csv_export_contains_only_own_orders(query, tenant_a, tenant_b):
    response = login(tenant_a.member).get(reverse("portal:order_export"), query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert tenant_b.order.number not in body
    if not query.get("q"):
        assert tenant_a.order.number in body


@pytest.mark.parametrize("kind", API_DETAIL)
def test_api_detail_of_another_supplier_is_404(kind, tenant_a, tenant_b):
    url_name, attr = API_DETAIL[kind]
    client = login(tenant_a.member)
    assert client.get(reverse(url_name, args=[getattr(tenant_a, attr).pk])).status_code == 200
    assert client.get(reverse(url_name, args=[getattr(tenant_b, attr).pk])).status_code == 404


@pytest.mark.parametrize("kind", API_LIST)
def test_api_list_and_search_show_only_own_data(kind, tenant_a, tenant_b):
    url_name, ident = API_LIST[kind]
    client = login(tenant_a.member)
    body = client.get(reverse(url_name)).content.decode()
    assert ident(tenant_a) in body and ident(tenant_b) not in body
    assert ident(tenant_b) not in client.get(reverse(url_name), {"search": ident(tenant_b)}).content.decode()


def test_supplier_admin_cannot_deactivate_another_suppliers_user(tenant_a, tenant_b):
    membership_b = tenant_b.member.supplier_membership
    response = login(tenant_a.admin).post(reverse("portal:team_member_active", args=[membership_b.pk]), {"active": "0"})
    assert response.status_code == 404
    membership_b.refresh_from_db()
    assert membership_b.is_active


def test_draft_orders_are_invisible_to_the_supplier(tenant_a):
    from suppliers import services
    from suppliers.audit import Actor

    draft = services.purchase_order_create(
        number="PO-DRAFT", supplier=tenant_a.supplier, ship_to=tenant_a.order.ship_to,
        order_date=tenant_a.order.order_date, actor=Actor.system(), issue=False,
        lines=[{"line_no": 1, "part": tenant_a.supplier_part.part, "quantity": 1, "price": 1,
                "requested_date": tenant_a.order.order_date}],
    )
    client = login(tenant_a.member)
    assert client.get(reverse("portal:order_detail", args=[draft.pk])).status_code == 404
    assert "PO-DRAFT" not in client.get(reverse("portal:order_list")).content.decode()


def test_user_without_supplier_sees_no_supplier_data(db, tenant_a):
    from tests.conftest import make_user

    stranger = make_user("stranger@example.com")
    client = login(stranger)
    assert client.get(reverse("portal:order_detail", args=[tenant_a.order.pk])).status_code == 403
    assert client.get(reverse("api-po-list")).status_code == 404


def test_anonymous_is_sent_to_login(db, tenant_a):
    from django.test import Client

    response = Client().get(reverse("portal:order_detail", args=[tenant_a.order.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The API answers 401 with `WWW-Authenticate: Api-Key` (API keys arrived with the ERP API).
    assert Client().get(reverse("api-po-list")).status_code == 401

"""Supplier API keys see exactly what the supplier's portal shows: another supplier's objects are
404 by id and absent from lists and searches, and buyer-only endpoints are closed to them."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.erp.conftest import key_client


@pytest.fixture
def alpha_key(tenant_a):
    from suppliers.erp.services import supplier_api_key_create

    return supplier_api_key_create(user=tenant_a.member, actor=tenant_a.member)


@pytest.fixture
def alpha(alpha_key):
    return key_client(alpha_key.key)


DETAIL = {
    "purchase order": ("/api/v1/purchase-orders/{}/", "order"),
    "despatch advice": ("/api/v1/despatch-advices/{}/", "asn"),
}
LISTS = {
    "purchase order": ("/api/v1/purchase-orders/", lambda t: t.order.number),
    "despatch advice": ("/api/v1/despatch-advices/", lambda t: t.asn.number),
    "goods receipt": ("/api/v1/goods-receipts/", lambda t: t.receipt.number),
    "part": ("/api/v1/parts/", lambda t: t.supplier_part.supplier_part_number),
}
BUYER_ONLY = [
    ("get", "/api/v1/feeds/all/"), ("get", "/api/v1/suppliers/"), ("get", "/api/v1/stock-levels/"),
    ("get", "/api/v1/genealogy/?lot=LOT-BRAVO-A"), ("get", "/api/v1/consumption/weekly/?part=P-BRAVO-1"),
    ("post", "/api/v1/purchase-orders/"), ("post", "/api/v1/goods-receipts/"),
    ("put", "/api/v1/parts/P-BRAVO-1/"), ("post", "/api/v1/inspection-results/"),
]


@pytest.mark.parametrize("kind", DETAIL)
def test_another_suppliers_object_is_404_with_a_supplier_key(kind, alpha, tenant_a, tenant_b):
    url, attr = DETAIL[kind]
    assert alpha.get(url.format(getattr(tenant_a, attr).pk)).status_code == 200
    response = alpha.get(url.format(getattr(tenant_b, attr).pk))
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("kind", LISTS)
def test_lists_and_searches_show_only_own_data(kind, alpha, tenant_a, tenant_b):
    url, ident = LISTS[kind]
    body = alpha.get(url).content.decode()
    assert ident(tenant_a) in body and ident(tenant_b) not in body
    assert ident(tenant_b) not in alpha.get(url, {"search": ident(tenant_b)}).content.decode()
    assert ident(tenant_b) not in alpha.get(url, {"search": "BRAVO"}).content.decode()


def test_filters_cannot_reach_another_supplier(alpha, tenant_b):
    assert alpha.get("/api/v1/purchase-orders/", {"number": tenant_b.order.number}).json()["results"] == []
    # the buyer-side supplier filter does not widen a supplier's view
    results = alpha.get("/api/v1/purchase-orders/", {"supplier": "BRAVO"}).json()["results"]
    assert results and {o["supplier"] for o in results} == {"ALPHA"}


def test_parts_show_only_own_numbers_and_prices(alpha, tenant_a, tenant_b):
    from suppliers.models import SupplierPart

    # given: BRAVO also supplies ALPHA's part, at its own price
    SupplierPart.objects.create(supplier=tenant_b.supplier, part=tenant_a.supplier_part.part,
                                supplier_part_number="BRAVO-SECRET", price="0.01")
    body = alpha.get("/api/v1/parts/").json()
    [part] = body["results"]
    assert [s["supplier"] for s in part["suppliers"]] == ["ALPHA"]
    assert "BRAVO-SECRET" not in str(body)


def test_inspection_results_only_of_own_lots(alpha, erp, tenant_a, tenant_b):
    for tenant, ref in ((tenant_a, "QA-A"), (tenant_b, "QA-B")):
        response = erp.post("/api/v1/inspection-results/", {
            "reference": ref, "lot": f"LOT-{tenant.supplier.code}-A", "part": tenant.supplier_part.part.buyer_part_number,
            "plant": "PLT1", "quantity_inspected": "50", "defects": [{"code": "SOLDER", "quantity": "2"}],
        }, format="json")
        assert response.status_code == 201, response.content
    refs = [r["reference"] for r in alpha.get("/api/v1/inspection-results/").json()["results"]]
    assert refs == ["QA-A"]
    assert alpha.get("/api/v1/inspection-results/", {"lot": "LOT-BRAVO-A"}).json()["results"] == []


@pytest.mark.parametrize("method, url", BUYER_ONLY)
def test_buyer_only_endpoints_are_closed_to_supplier_keys(method, url, alpha, tenant_b):
    response = getattr(alpha, method)(url, {}, format="json")
    assert response.status_code == 403, (url, response.status_code)
    assert response["Content-Type"] == "application/problem+json"


def test_a_supplier_key_stops_working_when_its_user_is_deactivated(alpha, tenant_a):
    from suppliers import services

    assert alpha.get("/api/v1/purchase-orders/").status_code == 200
    services.membership_set_active(membership=tenant_a.member.supplier_membership, active=False, actor=tenant_a.admin)
    assert alpha.get("/api/v1/purchase-orders/").status_code == 401


def test_a_supplier_key_stops_working_when_the_supplier_is_suspended(alpha, tenant_a):
    tenant_a.supplier.status = "suspended"
    tenant_a.supplier.save()
    assert alpha.get("/api/v1/purchase-orders/").status_code == 401


def test_the_portal_page_makes_shows_once_and_revokes_a_key(tenant_a, tenant_b):
    client = login(tenant_a.member)
    page = client.get("/account/api-key/")
    assert page.status_code == 200 and b"You have no API key" in page.content
    made = client.post("/account/api-key/", {"action": "create"})
    assert made.status_code == 200 and made["Cache-Control"].startswith("max-age=0")
    key = made.context["new_key"]
    assert key.startswith("tsk_") and key.encode() in made.content
    # shown once: the next visit shows only the prefix
    again = client.get("/account/api-key/")
    assert key.encode() not in again.content and key.split("_")[1].encode() in again.content
    # the key reads this supplier's data
    api = key_client(key)
    numbers = [o["number"] for o in api.get("/api/v1/purchase-orders/").json()["results"]]
    assert numbers == [tenant_a.order.number]
    # stored as a hash, never in clear
    from suppliers.erp.models import ApiKey

    row = ApiKey.objects.get(user=tenant_a.member, revoked_at=None)
    assert key not in (row.key_hash, row.prefix) and len(row.key_hash) == 64
    # revoked: refused
    client.post("/account/api-key/", {"action": "revoke"})
    response = api.get("/api/v1/purchase-orders/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_the_api_key_page_is_for_supplier_users_only(buyer):
    response = login(buyer).get("/account/api-key/")
    assert response.status_code == 302 and response["Location"] == "/console/"

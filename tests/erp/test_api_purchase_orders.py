"""Purchase orders from the ERP: create or replace by number + revision, idempotent, cancel, list."""

from __future__ import annotations

import pytest

from suppliers.models import PurchaseOrder
from tests.erp.conftest import purchase_order_doc

URL = "/api/v1/purchase-orders/"


def test_the_same_request_twice_makes_one_order(erp, tenant_a):
    doc = purchase_order_doc(tenant_a)
    first = erp.post(URL, doc, format="json")
    assert first.status_code == 201, first.content
    second = erp.post(URL, doc, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert PurchaseOrder.objects.filter(number="4500000001").count() == 1
    order = PurchaseOrder.objects.get(number="4500000001")
    assert order.status == "issued" and order.source == "api"
    assert [str(li.quantity) for li in order.lines.all()] == ["500.000"]
    # and the audit trail names the key
    from suppliers.audit import events_for

    assert {e.actor_label for e in events_for(order)} == {"api:SAP-PRD"}


def test_a_newer_revision_replaces_and_an_older_one_is_refused(erp, tenant_a):
    assert erp.post(URL, purchase_order_doc(tenant_a, revision=2), format="json").status_code == 201
    newer = erp.post(URL, purchase_order_doc(tenant_a, revision=3, quantity="750"), format="json")
    assert newer.status_code == 200
    assert newer.json()["revision"] == 3 and newer.json()["lines"][0]["quantity"] == "750.000"
    older = erp.post(URL, purchase_order_doc(tenant_a, revision=1, quantity="10"), format="json")
    assert older.status_code == 409
    assert older["Content-Type"] == "application/problem+json"
    assert "older than revision 3" in older.json()["detail"]
    assert PurchaseOrder.objects.get(number="4500000001").revision == 3


def test_an_issued_order_of_an_edi_supplier_leaves_by_edi(erp, hub, tenant_a, django_capture_on_commit_callbacks):
    from edi.models import Interchange
    from tests.edi.conftest import make_partner

    make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI")
    with django_capture_on_commit_callbacks(execute=True):
        assert erp.post(URL, purchase_order_doc(tenant_a), format="json").status_code == 201
    out = Interchange.objects.get(direction="out", reference__startswith="po:4500000001")
    assert out.document_types == "purchase_order" and out.state == "delivered"


def test_cancel_by_number(erp, tenant_a):
    erp.post(URL, purchase_order_doc(tenant_a), format="json")
    response = erp.post(f"{URL}4500000001/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert erp.post(f"{URL}4500000001/cancel/").status_code == 200  # again: nothing changes
    assert erp.post(f"{URL}NOPE/cancel/").status_code == 404


def test_cancel_purpose_in_the_document(erp, tenant_a):
    erp.post(URL, purchase_order_doc(tenant_a), format="json")
    response = erp.post(URL, {**purchase_order_doc(tenant_a), "purpose": "cancel"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_list_and_filter(erp, tenant_a, tenant_b):
    erp.post(URL, purchase_order_doc(tenant_a), format="json")
    every = erp.get(URL).json()
    numbers = {o["number"] for o in every["results"]}
    assert {"4500000001", tenant_a.order.number, tenant_b.order.number} <= numbers
    only_b = erp.get(URL, {"supplier": "BRAVO"}).json()["results"]
    assert {o["number"] for o in only_b} == {tenant_b.order.number}
    by_number = erp.get(URL, {"number": "4500000001"}).json()["results"]
    assert [o["revision"] for o in by_number] == [0]
    assert erp.get(URL, {"status": "bogus"}).status_code == 400


@pytest.mark.parametrize("change, field", [
    ({"lines": [{"line": "1", "buyer_part": "X", "quantity": "1,5"}]}, "lines[0].quantity"),
    ({"issued": "2026-02-30"}, "issued"),
    ({"currency": "usd"}, "currency"),
    ({"surprise": 1}, "surprise"),
    ({"revision": -1}, "revision"),
    ({"lines": []}, "lines"),
    ({"lines": [{"line": "10", "buyer_part": "X", "quantity": "0", "delivery_date": "2026-04-01"}]}, "lines[0].quantity"),
])
def test_bad_documents_get_field_errors(erp, tenant_a, change, field):
    response = erp.post(URL, {**purchase_order_doc(tenant_a), **change}, format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


@pytest.mark.parametrize("change, text", [
    ({"supplier": {"id": "NOBODY"}}, "Unknown supplier"),
    ({"ship_to": {"id": "NOWHERE"}}, "Unknown ship-to plant"),
])
def test_documents_the_rules_refuse_are_422(erp, tenant_a, change, text):
    response = erp.post(URL, {**purchase_order_doc(tenant_a), **change}, format="json")
    assert response.status_code == 422
    assert text in response.json()["detail"]


def test_unknown_part_is_422_and_nothing_is_created(erp, tenant_a):
    doc = purchase_order_doc(tenant_a)
    doc["lines"][0]["buyer_part"] = "NO-SUCH-PART"
    assert erp.post(URL, doc, format="json").status_code == 422
    assert not PurchaseOrder.objects.filter(number="4500000001").exists()


def test_a_read_key_cannot_write(erp_reader, tenant_a):
    response = erp_reader.post(URL, purchase_order_doc(tenant_a), format="json")
    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


def test_non_json_body_is_415_and_garbage_json_is_400(erp, tenant_a):
    assert erp.post(URL, "number=1", content_type="application/x-www-form-urlencoded").status_code in (400, 415)
    assert erp.post(URL, "<xml/>", content_type="application/xml").status_code == 415
    response = erp.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert erp.post(URL, [1, 2], format="json").status_code == 400

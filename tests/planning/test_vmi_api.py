"""Vendor-managed levels from the ERP: upsert by supplier, part and plant, all or nothing, audited;
buyer side only (a supplier's key or a read-only key cannot set them)."""

from __future__ import annotations

import pytest

from suppliers.audit import Actor
from suppliers.planning.models import VendorManagedLevel
from tests.erp.conftest import key_client

URL = "/api/v1/vendor-managed-levels/"


@pytest.fixture
def erp(db):
    from suppliers.erp.services import api_key_create

    return key_client(api_key_create(name="SAP-PRD", scope="write", actor=Actor.system("test")).key)


def entry(tenant, **kw):
    return {"supplier": tenant.supplier.code, "part": tenant.supplier_part.part.buyer_part_number, "plant": "PLT1",
            "min_quantity": "100", "max_quantity": "400", **kw}


def test_upsert_remove_and_read_back(erp, tenant_a, tenant_b):
    from suppliers.models import Event

    response = erp.post(URL, {"entries": [entry(tenant_a), entry(tenant_b, min_quantity="0")]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "changed": 0, "unchanged": 0, "removed": 0}
    again = erp.post(URL, {"entries": [entry(tenant_a), entry(tenant_b, max_quantity="50", min_quantity="0")]},
                     format="json").json()
    assert again == {"created": 0, "changed": 1, "unchanged": 1, "removed": 0}
    assert VendorManagedLevel.objects.get(supplier_part=tenant_b.supplier_part).max_quantity == 50
    rows = erp.get(URL, {"supplier": "ALPHA"}).json()["results"]
    assert [(r["supplier"], r["part"], r["plant"], r["min_quantity"]) for r in rows] == [
        ("ALPHA", "P-ALPHA-1", "PLT1", "100.000")]
    assert erp.post(URL, {"entries": [{**entry(tenant_a), "remove": True}]}, format="json").json()["removed"] == 1
    assert list(VendorManagedLevel.objects.values_list("supplier_part__supplier__code", flat=True)) == ["BRAVO"]
    events = Event.objects.filter(verb__startswith="vendormanagedlevel.")
    assert events.count() == 4 and {e.supplier.code for e in events} == {"ALPHA", "BRAVO"}
    assert {e.actor_label for e in events} == {"api:SAP-PRD"}


@pytest.mark.parametrize(("change", "status", "says"), [
    ({"min_quantity": "500"}, 400, "must not be more than max_quantity"),
    ({"min_quantity": "-1"}, 400, "min_quantity"),
    ({"part": "P-BRAVO-1"}, 422, "does not supply part"),
    ({"plant": "NOPE"}, 422, "Unknown plant"),
])
def test_a_bad_entry_sets_nothing(change, status, says, erp, tenant_a, tenant_b):
    response = erp.post(URL, {"entries": [entry(tenant_b), entry(tenant_a, **change)]}, format="json")
    assert response.status_code == status and says in response.content.decode()
    assert not VendorManagedLevel.objects.exists()  # the good entry before it is not kept either


def test_suppliers_and_readers_cannot_set_levels(tenant_a):
    from suppliers.erp.services import api_key_create, supplier_api_key_create

    supplier = key_client(supplier_api_key_create(user=tenant_a.member, actor=tenant_a.member).key)
    reader = key_client(api_key_create(name="BI", scope="read", actor=Actor.system("test")).key)
    for client in (supplier, reader):
        assert client.post(URL, {"entries": [entry(tenant_a)]}, format="json").status_code == 403
    assert supplier.get(URL).status_code == 403
    assert not VendorManagedLevel.objects.exists()

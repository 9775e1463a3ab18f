"""Fixtures for the ERP API: keys and clients that send them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.edi.conftest import hub  # noqa: F401 - the hub's folders in a temp dir


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def erp_key(db):
    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_create

    return api_key_create(name="SAP-PRD", scope="write", actor=Actor.system("test"))


@pytest.fixture
def erp(erp_key) -> APIClient:
    return key_client(erp_key.key)


@pytest.fixture
def erp_reader(db) -> APIClient:
    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_create

    return key_client(api_key_create(name="BI-READ", scope="read", actor=Actor.system("test")).key)


def purchase_order_doc(tenant, *, number: str = "4500000001", revision: int = 0, quantity: str = "500",
                       **extra) -> dict:
    return {
        "id": number, "revision": revision, "issued": "2026-03-01", "currency": "USD",
        "supplier": {"id": tenant.supplier.code}, "ship_to": {"id": tenant.order.ship_to.code},
        "lines": [{"line": "10", "buyer_part": tenant.supplier_part.part.buyer_part_number, "quantity": quantity,
                   "unit": "PCE", "price": "1.25", "delivery_date": "2026-04-01"}],
        **extra,
    }

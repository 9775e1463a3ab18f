"""GET /api/v1/lot-holds/: the lots on quality hold, for the buyer's ERP to block in stock.

Decision: buyer-side only. A supplier key (or a supplier's portal session) gets 403 whatever the
lot, so no supplier learns about holds through the API, its own lots included.
"""

from __future__ import annotations

import pytest

from suppliers.production.services import lot_hold_place, lot_hold_release
from tests.conftest import login
from tests.erp.conftest import key_client


@pytest.fixture
def holds(tenant_a, tenant_b, buyer):
    a = lot_hold_place(part=tenant_a.supplier_part.part, lot="LOT-ALPHA-A", reason="Cracks", actor=buyer,
                       supplier=tenant_a.supplier)
    b = lot_hold_place(part=tenant_b.supplier_part.part, lot="LOT-BRAVO-A", reason="Wrong plating", actor=buyer,
                       supplier=tenant_b.supplier)
    lot_hold_release(hold=b, note="Re-plated and checked", actor=buyer)
    return a, b


def test_the_erp_reads_the_active_holds(erp_reader, holds):
    response = erp_reader.get("/api/v1/lot-holds/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["part"], row["lot"], row["supplier"], row["reason"], row["released_at"], row["placed_by"]) == (
        "P-ALPHA-1", "LOT-ALPHA-A", "ALPHA", "Cracks", None, "buyer@tsunagi.test")


def test_released_holds_and_filters(erp, holds):
    released = erp.get("/api/v1/lot-holds/", {"state": "released"}).json()["results"]
    assert [(r["lot"], r["release_note"]) for r in released] == [("LOT-BRAVO-A", "Re-plated and checked")]
    assert erp.get("/api/v1/lot-holds/", {"state": "all"}).json()["count"] == 2
    assert erp.get("/api/v1/lot-holds/", {"lot": "LOT-BRAVO-A"}).json()["count"] == 0  # released: not active
    assert erp.get("/api/v1/lot-holds/", {"part": "P-ALPHA-1"}).json()["count"] == 1
    assert erp.get("/api/v1/lot-holds/", {"part": "NOPE"}).status_code == 400
    assert erp.get("/api/v1/lot-holds/", {"state": "maybe"}).status_code == 400


def test_the_api_is_read_only(erp, holds):
    assert erp.post("/api/v1/lot-holds/", {"lot": "X"}, format="json").status_code == 405


def test_suppliers_get_403_even_for_their_own_lots(tenant_a, holds):
    from suppliers.erp.services import supplier_api_key_create

    key = supplier_api_key_create(user=tenant_a.member, actor=tenant_a.member)
    response = key_client(key.key).get("/api/v1/lot-holds/", {"lot": "LOT-ALPHA-A"})
    assert response.status_code == 403 and b"LOT-ALPHA-A" not in response.content
    assert login(tenant_a.admin).get("/api/v1/lot-holds/").status_code == 403

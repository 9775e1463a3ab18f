"""Fixtures for the supplier portal's order confirmation, web ASN and notification tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest


@pytest.fixture
def erp_outbox(db, tmp_path) -> Path:
    """The ERP outbox in a temp folder; returns it."""
    from edi.models import HubSettings

    row = HubSettings.get()
    row.erp_outbox = str(tmp_path / "erp" / "out")
    row.drop_root, row.erp_inbox = str(tmp_path / "edi"), str(tmp_path / "erp" / "in")
    row.save()
    return tmp_path / "erp" / "out"


def make_order(tenant, number: str, *, lines: int = 2, quantity: int = 100, allow_rejection: bool = True,
               ship_to=None, order_date: date = date(2026, 3, 2)):
    from suppliers import services
    from suppliers.audit import Actor

    part = tenant.supplier_part.part
    return services.purchase_order_create(
        number=number, supplier=tenant.supplier, ship_to=ship_to or tenant.order.ship_to, order_date=order_date,
        actor=Actor.system("test"), allow_rejection=allow_rejection,
        lines=[services.LineInput(line_no=10 * (i + 1), part=part, quantity=Decimal(quantity), price=Decimal("0.5"),
                                  requested_date=date(2026, 4, 1)) for i in range(lines)],
    )


def confirm_all(order, actor=None):
    from suppliers import services
    from suppliers.audit import Actor

    return services.purchase_order_respond(
        order=order, actor=actor or Actor.system("test"),
        responses=[services.LineResponse(line=li, status="accepted") for li in order.lines.all()],
    )


@pytest.fixture
def gs1_tenant(tenant_a):
    tenant_a.supplier.gs1_company_prefix = "4512345"
    tenant_a.supplier.save()
    return tenant_a

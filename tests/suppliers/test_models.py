"""Database constraints hold even when code bypasses the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from suppliers import gs1
from suppliers.models import (
    DespatchPackage,
    GoodsReceiptLine,
    PurchaseOrderLine,
    Supplier,
    SupplierPart,
)


def _violates(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_constraints(tenant_a):
    line = tenant_a.order.lines.get()
    assert _violates(lambda: Supplier.objects.create(code="bad code", name="x"))
    assert _violates(lambda: Supplier.objects.create(code=tenant_a.supplier.code, name="dup"))
    assert _violates(lambda: PurchaseOrderLine.objects.filter(pk=line.pk).update(quantity=0))
    assert _violates(lambda: PurchaseOrderLine.objects.filter(pk=line.pk).update(price=-1))
    assert _violates(lambda: PurchaseOrderLine.objects.filter(pk=line.pk).update(confirmation="rejected"))
    assert not _violates(lambda: PurchaseOrderLine.objects.filter(pk=line.pk).update(
        confirmation="rejected", rejection_reason="obsolete part"))
    assert _violates(lambda: SupplierPart.objects.filter(pk=tenant_a.supplier_part.pk).update(currency="usd"))
    receipt_line = tenant_a.receipt.lines.get()
    assert _violates(lambda: GoodsReceiptLine.objects.filter(pk=receipt_line.pk).update(
        rejected_quantity=receipt_line.received_quantity + 1))
    assert _violates(lambda: DespatchPackage.objects.create(advice=tenant_a.asn, sscc="12345"))


@pytest.mark.parametrize("body, digit", [
    ("00614141123456789", 0),  # GS1 General Specifications' SSCC example 0 0614141 123456789 0
    ("37610425002123456", 9),
    ("629104150021", 3),       # a GTIN-13 body
])
def test_gs1_check_digit(body, digit):
    assert gs1.check_digit(body) == digit


def test_sscc_builder():
    value = gs1.sscc(extension=0, company_prefix="0614141", serial_reference=123456789)
    assert value == "006141411234567890"
    assert gs1.sscc_is_valid(value)
    assert not gs1.sscc_is_valid("006141411234567891")
    with pytest.raises(ValueError):
        gs1.sscc(extension=0, company_prefix="0614141", serial_reference=10**9)


def test_amount_and_effective_values(tenant_a):
    line = tenant_a.order.lines.get()
    assert line.amount == Decimal("125.00")
    assert line.effective_quantity == Decimal(100)
    line.confirmed_quantity = Decimal(80)
    assert line.effective_quantity == Decimal(80)

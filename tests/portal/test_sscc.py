"""GS1 check digits and SSCC-18 numbers, and the per-supplier counter that hands them out."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from suppliers import gs1, services
from suppliers.errors import DomainError


@pytest.mark.parametrize("body, digit", [
    ("400638133393", 1),        # GTIN-13 4006381333931
    ("03600029145", 2),         # UPC-A 036000291452
    ("10614141123456789", 7),   # SSCC (00) 1 0614141 123456789 7, GS1's example
    ("00000000000000000", 0),
])
def test_check_digit_of_known_numbers(body, digit):
    assert gs1.check_digit(body) == digit


def test_sscc_layout_and_check_digit():
    value = gs1.sscc(extension=1, company_prefix="0614141", serial_reference=123456789)
    assert value == "106141411234567897"
    assert gs1.sscc_is_valid(value)
    # a single changed digit is caught
    assert not gs1.sscc_is_valid("106141411234567887")
    assert not gs1.sscc_is_valid("10614141123456789")


@pytest.mark.parametrize("prefix", ["123456", "4512345", "123456789012"])
def test_sscc_is_18_digits_for_every_prefix_length(prefix):
    value = gs1.sscc(extension=0, company_prefix=prefix, serial_reference=42)
    assert len(value) == 18 and value.startswith("0" + prefix) and gs1.sscc_is_valid(value)


@pytest.mark.parametrize("kwargs", [
    {"extension": 10, "company_prefix": "4512345", "serial_reference": 1},
    {"extension": 0, "company_prefix": "12345", "serial_reference": 1},
    {"extension": 0, "company_prefix": "4512345", "serial_reference": 10**9},
])
def test_sscc_refuses_what_does_not_fit(kwargs):
    with pytest.raises(ValueError):
        gs1.sscc(**kwargs)


def test_allocation_is_consecutive_and_valid(gs1_tenant):
    with transaction.atomic():
        first = services.sscc_allocate(supplier=gs1_tenant.supplier, count=3)
    with transaction.atomic():
        second = services.sscc_allocate(supplier=gs1_tenant.supplier, count=2)
    numbers = first + second
    assert len(set(numbers)) == 5 and all(gs1.sscc_is_valid(n) for n in numbers)
    assert [int(n[8:17]) for n in numbers] == [1, 2, 3, 4, 5]
    gs1_tenant.supplier.refresh_from_db()
    assert gs1_tenant.supplier.sscc_next_serial == 6


def test_serials_past_the_reference_width_use_the_extension_digit(gs1_tenant):
    supplier = gs1_tenant.supplier
    supplier.gs1_company_prefix = "123456789012"  # leaves 4 digits for the reference
    supplier.sscc_next_serial = 9999
    supplier.save()
    with transaction.atomic():
        a, b = services.sscc_allocate(supplier=supplier, count=2)
    assert a[0] == "0" and a[13:17] == "9999"
    assert b[0] == "1" and b[13:17] == "0000"


def test_allocation_needs_a_company_prefix(tenant_a):
    with transaction.atomic(), pytest.raises(DomainError, match="GS1 company prefix"):
        services.sscc_allocate(supplier=tenant_a.supplier, count=1)


def test_a_rolled_back_allocation_gives_its_numbers_back(gs1_tenant):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.sscc_allocate(supplier=gs1_tenant.supplier, count=4)
        raise RuntimeError("the ASN failed")
    with transaction.atomic():
        assert services.sscc_allocate(supplier=gs1_tenant.supplier, count=1)[0][8:17] == "000000001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_share_a_number():
    """Eight threads, each in its own transaction and connection, allocate at the same time."""
    from tests.conftest import make_tenant

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    tenant = make_tenant("GAMMA")
    tenant.supplier.gs1_company_prefix = "4512345"
    tenant.supplier.save()
    results: list[list[str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                numbers = services.sscc_allocate(supplier=tenant.supplier, count=5)
            results.append(numbers)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    flat = [n for chunk in results for n in chunk]
    assert len(flat) == 40 and len(set(flat)) == 40
    tenant.supplier.refresh_from_db()
    assert tenant.supplier.sscc_next_serial == 41

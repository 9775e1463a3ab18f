"""Scorecard fixtures: orders, ASNs, receipts, invoices, forecasts and notices with chosen dates and
quantities, so that every KPI has a known expected value; and a recompute at a fixed moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from suppliers.audit import Actor
from tests.conftest import Tenant

ACTOR = Actor.system("test")
# Everything in these tests happens January to March 2026 and is computed as of 5 April 2026.
AS_OF = timezone.make_aware(datetime(2026, 4, 5, 12, 0))
LAST_MONTH = date(2026, 3, 1)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class Line:
    quantity: int = 100
    requested: date = date(2026, 2, 10)
    confirmed: date | None = None
    confirmed_quantity: int | None = None
    price: str = "1.25"


class Book:
    """Writes a tenant's transactions through the services, then sets the moments tests need."""

    def __init__(self, tenant: Tenant):
        self.tenant = tenant
        self.part = tenant.supplier_part.part
        self.n = 0

    def order(self, *lines: Line, sent: datetime | None = None, order_date: date = date(2026, 1, 10)):
        from suppliers import services
        from suppliers.models import PurchaseOrder

        self.n += 1
        order = services.purchase_order_create(
            number=f"PO-{self.tenant.supplier.code}-{self.n:03d}", supplier=self.tenant.supplier,
            ship_to=self.tenant.order.ship_to, order_date=order_date, actor=ACTOR,
            lines=[services.LineInput(line_no=(i + 1) * 10, part=self.part, quantity=Decimal(li.quantity),
                                      price=Decimal(li.price), requested_date=li.requested)
                   for i, li in enumerate(lines)],
        )
        for spec, line in zip(lines, order.lines.order_by("line_no")):
            if spec.confirmed or spec.confirmed_quantity is not None:
                line.confirmation = "changed"
                line.confirmed_date = spec.confirmed or spec.requested
                line.confirmed_quantity = Decimal(spec.confirmed_quantity if spec.confirmed_quantity is not None
                                                  else spec.quantity)
                line.save()
        PurchaseOrder.objects.filter(pk=order.pk).update(issued_at=sent or at(order_date))
        order.refresh_from_db()
        return order

    def deliver(self, order, *, received_on: date, lots: list[list[tuple]] | None = None,
                asn_sent: datetime | None = None, asn: bool = True, number: str | None = None):
        """One ASN (unless ``asn=False``) and one receipt for all lines of ``order``.

        ``lots[i]`` lists (lot, announced, received, rejected) for line i; default: one lot with
        the line's quantity, received in full, nothing rejected.
        """
        from suppliers import services
        from suppliers.models import DespatchAdvice

        self.n += 1
        number = number or f"{self.tenant.supplier.code}-{self.n:03d}"
        lines = list(order.lines.order_by("line_no"))
        lots = lots or [[(f"LOT-{number}-{i}", li.quantity, li.quantity, 0)] for i, li in enumerate(lines)]
        advice = None
        if asn:
            advice = services.despatch_advice_create(
                supplier=self.tenant.supplier, number=f"ASN-{number}", ship_to=order.ship_to,
                ship_date=received_on - timedelta(days=2), actor=ACTOR,
                lines=[services.AsnLineInput(line_no=i + 1, order_line=li,
                                             quantity=sum(Decimal(lot[1]) for lot in lots[i]),
                                             lots=[(lot[0], Decimal(lot[1])) for lot in lots[i] if lot[0]])
                       for i, li in enumerate(lines)],
            )
            DespatchAdvice.objects.filter(pk=advice.pk).update(submitted_at=asn_sent or at(received_on - timedelta(days=2)))
        asn_lines = list(advice.lines.order_by("line_no")) if advice else [None] * len(lines)
        receipt_lines, n = [], 0
        for li, asn_line, line_lots in zip(lines, asn_lines, lots):
            for lot, _announced, received, rejected in line_lots:
                n += 1
                receipt_lines.append(services.ReceiptLineInput(
                    line_no=n, order_line=li, advice_line=asn_line, lot=lot or "",
                    received_quantity=Decimal(received), rejected_quantity=Decimal(rejected)))
        return services.goods_receipt_create(
            number=f"GR-{number}", supplier=self.tenant.supplier, plant=order.ship_to, received_on=received_on,
            lines=receipt_lines, advice=advice, actor=ACTOR,
        )

    def respond(self, order, *, at_: datetime):
        from suppliers.models import OrderResponse

        response = OrderResponse.objects.create(order=order, number=f"{order.number}-R{self.n}", status="accepted")
        OrderResponse.objects.filter(pk=response.pk).update(created_at=at_)

    def invoice(self, order, *, on: date, prices: list[str] | None = None, currency: str | None = None):
        from suppliers.services import invoice_record

        lines = list(order.lines.order_by("line_no"))
        prices = prices or [str(li.price) for li in lines]
        self.n += 1
        invoice_record(supplier=self.tenant.supplier, actor=ACTOR, source="api", document={
            "id": f"INV-{self.tenant.supplier.code}-{self.n}", "order": order.number, "issued": on.isoformat(),
            "currency": currency or order.currency, "total": "0",
            "lines": [{"line": str(li.line_no), "quantity": str(li.quantity), "price": p} for li, p in zip(lines, prices)],
        })

    def notice(self, *, rejected: int, receipt=None, raised: datetime | None = None, status: str = "open"):
        from suppliers.quality.models import DefectCode, QualityNotice

        self.n += 1
        notice = QualityNotice.objects.create(
            number=f"QN-{self.tenant.supplier.code}-{self.n}", supplier=self.tenant.supplier, part=self.part,
            receipt=receipt, advice=receipt.advice if receipt else None, defect_code=DefectCode.objects.first(),
            rejected_quantity=Decimal(rejected), title="t", description="d", status=status,
        )
        QualityNotice.objects.filter(pk=notice.pk).update(raised_at=raised or AS_OF - timedelta(days=10))
        return notice


@pytest.fixture
def book_a(tenant_a) -> Book:
    return Book(tenant_a)


@pytest.fixture
def book_b(tenant_b) -> Book:
    return Book(tenant_b)


def recompute(supplier=None, **kwargs):
    from suppliers.scorecards.services import SYSTEM, scorecards_recompute

    kwargs.setdefault("last_month", LAST_MONTH)
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("months", 3)
    run = scorecards_recompute(actor=SYSTEM, supplier=supplier, **kwargs)
    assert run.status == "done", run.error
    return run


def result(supplier, kpi: str, month: date = date(2026, 2, 1), period: str = "month"):
    from suppliers.scorecards.models import KpiResult

    return KpiResult.objects.filter(supplier=supplier, kpi=kpi, period=period, month=month).first()


__all__ = ["AS_OF", "LAST_MONTH", "Book", "Line", "at", "recompute", "result"]

"""What ``manage.py demo`` needs for believable scorecards: each demo supplier delivers, answers and
invoices with its own habits, and the moments (order sent, confirmed, ASN sent, goods received)
are set to the demo's business dates instead of the moment the demo ran.

Called from ``suppliers/management/commands/demo.py``; draws come from a random stream per order
(seeded by the order number), so a demo built twice is the same demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from suppliers.models import DespatchAdvice, Event, GoodsReceipt, PurchaseOrder


@dataclass(frozen=True)
class Habits:
    late: float  # share of deliveries that arrive after the confirmed date
    early: float  # ... that arrive more than the allowed days early
    asn_late: float  # share of ASNs sent only after the goods arrived
    slow_answer: float  # share of orders confirmed after more than two days
    short: float  # share of lots received short against the ASN
    reject: float  # share of lots with rejections at incoming inspection
    price_off: float  # share of invoice lines with a price other than the order's


HABITS = {
    "SAKURA": Habits(late=0.05, early=0.03, asn_late=0.02, slow_answer=0.04, short=0.01, reject=0.03, price_off=0.01),
    "LUMEN": Habits(late=0.14, early=0.04, asn_late=0.06, slow_answer=0.20, short=0.03, reject=0.05, price_off=0.04),
    "PRPCB": Habits(late=0.28, early=0.08, asn_late=0.12, slow_answer=0.12, short=0.05, reject=0.10, price_off=0.08),
}
DEFAULT = Habits(late=0.15, early=0.05, asn_late=0.05, slow_answer=0.10, short=0.03, reject=0.08, price_off=0.03)


def habits(code: str) -> Habits:
    return HABITS.get(code, DEFAULT)


def stream(number: str) -> random.Random:
    """Draws for scorecard habits, apart from the demo's own stream for the order."""
    return random.Random(f"{number}/scorecards")


def arrival(rs: random.Random, due: date, h: Habits) -> date:
    """When the goods arrive, against the date the supplier confirmed."""
    roll = rs.random()
    if roll < h.late:
        return due + timedelta(days=rs.choice([1, 1, 2, 3, 5, 8]))
    if roll < h.late + h.early:
        return due - timedelta(days=rs.randint(4, 9))
    return due - timedelta(days=rs.choice([0, 0, 1, 1, 2, 3]))


def received(rs: random.Random, quantity: Decimal, h: Habits) -> Decimal:
    """What incoming inspection counted for a lot the ASN announced."""
    if rs.random() >= h.short:
        return quantity
    return max(Decimal(1), (quantity * Decimal(rs.choice(["0.98", "0.95", "0.9"]))).quantize(Decimal(1)))


def _at(day: date, hour: float) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()) + timedelta(hours=hour))


def _backdate(obj, verbs: list[str], when: datetime) -> None:
    Event.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                         verb__in=verbs).update(occurred_at=when)


def order_sent(order: PurchaseOrder, rs: random.Random) -> datetime:
    """The order left on its order date, in office hours."""
    sent = min(_at(order.order_date, rs.uniform(8, 17)), timezone.now())
    PurchaseOrder.objects.filter(pk=order.pk).update(issued_at=sent)
    _backdate(order, ["po.created", "po.issued"], sent)
    return sent


def order_confirmed(order: PurchaseOrder, sent: datetime, rs: random.Random, h: Habits) -> None:
    hours = rs.uniform(50, 160) if rs.random() < h.slow_answer else rs.uniform(1, 30)
    _backdate(order, ["po.confirmed"], min(sent + timedelta(hours=hours), timezone.now()))


def asn_sent(advice: DespatchAdvice, received_on: date, rs: random.Random, h: Habits) -> None:
    """Sent on the ship date, or (some suppliers, sometimes) only after the goods arrived."""
    if rs.random() < h.asn_late:
        when = _at(received_on + timedelta(days=rs.randint(1, 3)), rs.uniform(8, 17))
    else:
        when = _at(advice.ship_date, rs.uniform(6, 18))
    when = min(when, timezone.now())
    DespatchAdvice.objects.filter(pk=advice.pk).update(submitted_at=when)
    _backdate(advice, ["asn.created", "asn.submitted"], when)


def goods_received(receipt: GoodsReceipt, advice: DespatchAdvice | None, rs: random.Random) -> None:
    when = min(_at(receipt.received_on, rs.uniform(7, 16)), timezone.now())
    _backdate(receipt, ["receipt.created"], when)
    if advice is not None:
        _backdate(advice, ["asn.received"], when)


def invoice(order: PurchaseOrder, on: date, rs: random.Random, h: Habits, actor) -> None:
    """The supplier's invoice a few days after receipt; now and then a line at another price."""
    from suppliers.services import invoice_record

    lines = []
    total = Decimal(0)
    for line in order.lines.select_related("part"):
        price = line.price
        if rs.random() < h.price_off:
            price = (price * Decimal(rs.choice(["1.02", "1.05", "1.1"]))).quantize(Decimal("0.00001"))
        quantity = line.confirmed_quantity or line.quantity
        total += (quantity * price).quantize(Decimal("0.01"))
        lines.append({"line": str(line.line_no), "buyer_part": line.part.buyer_part_number,
                      "quantity": str(quantity), "price": str(price)})
    invoice_record(supplier=order.supplier, actor=actor, source="api", document={
        "id": f"INV-{order.number}", "order": order.number, "issued": on.isoformat(), "currency": order.currency,
        "total": str(total), "lines": lines,
    })


def compute(*, today: date, write: Callable[[str], object], created: int = 1) -> None:
    """Scorecards for the 12 months to ``today`` (the demo's last step). A demo run that added
    nothing computes nothing (the demo is idempotent, audit trail included)."""
    from suppliers.audit import Actor
    from suppliers.scorecards.models import Scorecard, ScorecardRun
    from suppliers.scorecards.services import scorecards_recompute

    month = today.replace(day=1)
    cards = Scorecard.objects.filter(period="rolling12", month=month).select_related("supplier")
    if not created and cards.exists():
        return
    as_of = min(_at(today, 23.99), timezone.now()) if today < timezone.localdate() else timezone.now()
    run = scorecards_recompute(actor=Actor.system("demo"), last_month=month, as_of=as_of,
                               trigger=ScorecardRun.Trigger.DEMO)
    grades = ", ".join(f"{c.supplier.code} {c.grade} ({c.score})" for c in cards.order_by("supplier__code"))
    write(f"Scorecards computed in {run.seconds:.2f} s (12 months to {today:%Y-%m}): {grades or 'none'}.")

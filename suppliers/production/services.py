"""Writes of production data posted by the ERP or MES. Every post is idempotent: stock and
consumption by (part, plant, day), inspection results by reference, work orders by number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suppliers.audit import Actor, as_actor, event_record
from suppliers.errors import DomainError
from suppliers.models import DespatchLot, GoodsReceiptLine, Part, Plant, Supplier
from suppliers.production.models import (
    Consumption,
    InspectionDefect,
    InspectionResult,
    LotHold,
    StockLevel,
    WorkOrder,
    WorkOrderComponent,
    WorkOrderOutput,
)

AnyActor = Actor | AbstractBaseUser | None
MAX_BATCH = 5000


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Lookup:
    """Parts and plants by code, each fetched once per batch."""

    def __init__(self) -> None:
        self.parts: dict[str, Part] = {}
        self.plants: dict[str, Plant] = {}
        self.suppliers: dict[str, Supplier] = {}

    def part(self, number: str) -> Part:
        if number not in self.parts:
            part = Part.objects.filter(buyer_part_number=number).first()
            if part is None:
                raise DomainError(f"Unknown part {number!r}.")
            self.parts[number] = part
        return self.parts[number]

    def plant(self, code: str) -> Plant:
        if code not in self.plants:
            plant = Plant.objects.filter(code=code).first()
            if plant is None:
                raise DomainError(f"Unknown plant {code!r}.")
            self.plants[code] = plant
        return self.plants[code]

    def supplier(self, code: str) -> Supplier:
        if code not in self.suppliers:
            supplier = Supplier.objects.filter(code=code).first()
            if supplier is None:
                raise DomainError(f"Unknown supplier {code!r}.")
            self.suppliers[code] = supplier
        return self.suppliers[code]


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@transaction.atomic
def stock_levels_post(*, entries: Iterable[dict[str, Any]], actor: AnyActor) -> int:
    """Upsert end-of-day stock per part, plant and day: posting a day again replaces it."""
    look = _Lookup()
    by_key: dict[tuple, StockLevel] = {}
    for e in entries:
        row = StockLevel(part=look.part(e["part"]), plant=look.plant(e["plant"]), day=_as_date(e["day"]),
                         quantity=Decimal(str(e["quantity"])), blocked=Decimal(str(e.get("blocked") or 0)))
        by_key[(row.part.pk, row.plant.pk, row.day)] = row  # the last posting of a day wins
    rows = list(by_key.values())
    if len(rows) > MAX_BATCH:
        raise DomainError(f"At most {MAX_BATCH} entries per request.")
    StockLevel.objects.bulk_create(rows, update_conflicts=True, unique_fields=["part", "plant", "day"],
                                   update_fields=["quantity", "blocked", "updated_at"])
    event_record(actor=actor, verb="production.stock_posted", payload={"entries": len(rows)})
    return len(rows)


@transaction.atomic
def consumption_post(*, entries: Iterable[dict[str, Any]], actor: AnyActor) -> int:
    """Upsert a day's consumption per part and plant (the day's total: posting it again replaces it)."""
    look = _Lookup()
    by_key: dict[tuple, Consumption] = {}
    for e in entries:
        day = _as_date(e["day"])
        quantity = Decimal(str(e["quantity"]))
        if quantity < 0:
            raise DomainError("Consumption cannot be negative.")
        row = Consumption(part=look.part(e["part"]), plant=look.plant(e["plant"]), day=day,
                          week=monday_of(day), quantity=quantity)
        by_key[(row.part.pk, row.plant.pk, day)] = row  # the last posting of a day wins
    rows = list(by_key.values())
    if len(rows) > MAX_BATCH:
        raise DomainError(f"At most {MAX_BATCH} entries per request.")
    Consumption.objects.bulk_create(rows, update_conflicts=True, unique_fields=["part", "plant", "day"],
                                    update_fields=["quantity", "updated_at"])
    event_record(actor=actor, verb="production.consumption_posted", payload={"entries": len(rows)})
    return len(rows)


def _supplier_of_lot(part: Part, lot: str) -> Supplier | None:
    """Who delivered a component lot: the goods receipt that booked it in, else the ASN that shipped it."""
    line = GoodsReceiptLine.objects.filter(part=part, lot=lot).select_related("receipt__supplier").first()
    if line is not None:
        return line.receipt.supplier
    shipped = DespatchLot.objects.filter(lot=lot, line__part=part).select_related("line__advice__supplier").first()
    return shipped.line.advice.supplier if shipped else None


@dataclass
class Posted:
    obj: Any
    created: bool


@transaction.atomic
def inspection_result_post(*, data: dict[str, Any], actor: AnyActor) -> Posted:
    """Record (or replace, by ``reference``) an inspection or test of a component lot."""
    look = _Lookup()
    part = look.part(data["part"])
    plant = look.plant(data["plant"])
    lot = str(data["lot"]).strip()
    supplier = look.supplier(data["supplier"]) if data.get("supplier") else _supplier_of_lot(part, lot)
    inspected = Decimal(str(data["quantity_inspected"]))
    defects = list(data.get("defects") or [])
    if "quantity_passed" in data and data["quantity_passed"] is not None:
        passed = Decimal(str(data["quantity_passed"]))
    else:
        passed = inspected - sum((Decimal(str(d["quantity"])) for d in defects), Decimal(0))
    if inspected <= 0:
        raise DomainError("quantity_inspected must be more than 0.")
    if passed < 0 or passed > inspected:
        raise DomainError("quantity_passed must be between 0 and quantity_inspected.")
    if any(Decimal(str(d["quantity"])) <= 0 for d in defects):
        raise DomainError("Each defect quantity must be more than 0; leave out codes that were not found.")
    codes = [str(d["code"]) for d in defects]
    if len(codes) != len(set(codes)):
        raise DomainError("Each defect code may appear once per result; add the quantities.")
    at = data.get("inspected_at") or timezone.now()
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    values = {
        "lot": lot, "part": part, "plant": plant, "supplier": supplier, "stage": data.get("stage") or "incoming",
        "inspected_at": at, "quantity_inspected": inspected, "quantity_passed": passed,
        "work_order": str(data.get("work_order") or ""), "note": str(data.get("note") or "")[:500],
    }
    result, created = InspectionResult.objects.select_for_update().update_or_create(
        reference=str(data["reference"]), defaults=values)
    result.defects.all().delete()
    InspectionDefect.objects.bulk_create(
        InspectionDefect(result=result, code=str(d["code"]), quantity=Decimal(str(d["quantity"])),
                         description=str(d.get("description") or "")[:200])
        for d in defects
    )
    event_record(actor=actor, verb="production.inspection_posted", obj=result, supplier=supplier,
                 payload={"lot": lot, "inspected": str(inspected), "passed": str(passed), "created": created})
    # A lot over the buyer's defect rate threshold raises a quality notice (once while it is open).
    from suppliers.quality.production import lot_defect_rate_check

    lot_defect_rate_check(supplier=supplier, part=part, lot=lot, actor=actor)
    return Posted(result, created)


@transaction.atomic
def work_order_post(*, data: dict[str, Any], actor: AnyActor) -> Posted:
    """Record (or replace, by number) a work order with the component lots it used and the
    finished serials or lots it made: the lot genealogy."""
    look = _Lookup()
    number = str(data["number"]).strip()
    values = {
        "plant": look.plant(data["plant"]),
        "part": look.part(data["part"]) if data.get("part") else None,
        "started_on": _as_date(data["started_on"]) if data.get("started_on") else None,
        "completed_on": _as_date(data["completed_on"]) if data.get("completed_on") else None,
    }
    order, created = WorkOrder.objects.select_for_update().update_or_create(number=number, defaults=values)
    order.components.all().delete()
    order.outputs.all().delete()
    components = []
    seen = set()
    for c in data.get("components") or []:
        part = look.part(c["part"])
        key = (part.pk, c["lot"])
        if key in seen:
            raise DomainError(f"Component lot {c['lot']} of {part.buyer_part_number} is listed twice.")
        seen.add(key)
        if Decimal(str(c["quantity"])) <= 0:
            raise DomainError(f"Component lot {c['lot']} of {part.buyer_part_number}: the quantity must be more than 0.")
        supplier = look.supplier(c["supplier"]) if c.get("supplier") else _supplier_of_lot(part, c["lot"])
        components.append(WorkOrderComponent(work_order=order, part=part, lot=c["lot"], supplier=supplier,
                                             quantity=Decimal(str(c["quantity"]))))
    WorkOrderComponent.objects.bulk_create(components)
    outputs = []
    for o in data.get("outputs") or []:
        if not o.get("serial") and not o.get("lot"):
            raise DomainError("Each output needs a serial number or a lot.")
        quantity = Decimal(str(o["quantity"])) if o.get("quantity") is not None else Decimal(1)
        if quantity <= 0:
            raise DomainError(f"Output {o.get('serial') or o.get('lot')}: the quantity must be more than 0.")
        outputs.append(WorkOrderOutput(work_order=order, serial=o.get("serial") or "", lot=o.get("lot") or "",
                                       quantity=quantity))
    WorkOrderOutput.objects.bulk_create(outputs)
    event_record(actor=actor, verb="production.work_order_posted", obj=order,
                 payload={"components": len(components), "outputs": len(outputs), "created": created})
    return Posted(order, created)


# --- quality holds on lots ---------------------------------------------------------------------------

def lot_hold_place(*, part: Part, lot: str, reason: str, actor: AnyActor, supplier: Supplier | None = None) -> LotHold:
    """Put a lot of a part on quality hold. One active hold per part and lot: a second is refused."""
    lot = (lot or "").strip()
    reason = (reason or "").strip()
    if not lot:
        raise DomainError(_("Give the lot to hold."))
    if not reason:
        raise DomainError(_("Say why the lot is held."))
    who = as_actor(actor)
    with transaction.atomic():
        held = LotHold.objects.filter(part=part, lot=lot, released_at__isnull=True).select_related("placed_by").first()
        if held is not None:
            raise DomainError(_("Lot %(lot)s of %(part)s is already on hold (since %(when)s, by %(who)s).") % {
                "lot": lot, "part": part.buyer_part_number, "when": f"{timezone.localtime(held.placed_at):%Y-%m-%d %H:%M}",
                "who": held.placed_by or "—"})
        try:
            with transaction.atomic():  # the partial unique index decides a race between two clicks
                hold = LotHold.objects.create(part=part, lot=lot, supplier=supplier, reason=reason[:300],
                                              placed_by=who.user)
        except IntegrityError:
            raise DomainError(_("Lot %(lot)s of %(part)s is already on hold.") % {
                "lot": lot, "part": part.buyer_part_number}) from None
        event_record(actor=who, verb="production.lot_hold_placed", obj=hold, supplier=supplier,
                     payload={"part": part.buyer_part_number, "lot": lot, "reason": hold.reason})
    return hold


def lot_hold_release(*, hold: LotHold, note: str, actor: AnyActor) -> LotHold:
    """Release a quality hold; the hold stays on record with who released it and why."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the lot may be used again."))
    who = as_actor(actor)
    with transaction.atomic():
        hold = LotHold.objects.select_for_update(of=("self",)).select_related("part", "supplier").get(pk=hold.pk)
        if hold.released_at is not None:
            raise DomainError(_("This hold was released already."))
        hold.released_at = timezone.now()
        hold.released_by = who.user
        hold.release_note = note[:300]
        hold.save(update_fields=["released_at", "released_by", "release_note"])
        event_record(actor=who, verb="production.lot_hold_released", obj=hold, supplier=hold.supplier,
                     payload={"part": hold.part.buyer_part_number, "lot": hold.lot, "note": hold.release_note})
    return hold

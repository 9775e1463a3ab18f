"""Reads of demand planning. Most of it is buyer-side (the console, the runs): suppliers see the
outcome only as published forecast versions and purchase orders, through their own selectors.
The supplier-facing exception is inventory visibility (:func:`inventory_for`), which takes the
supplier and reads only its parts."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from suppliers.models import Part, Plant, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierPart
from suppliers.planning.models import (
    ForecastAdjustment,
    PartForecast,
    ReplenishmentPolicy,
    ReplenishmentProposal,
    SupplyTerms,
    VendorManagedLevel,
)
from suppliers.production.models import Consumption, StockLevel

_ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=3))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- history ---------------------------------------------------------------------------------------

@dataclass
class History:
    part_id: int
    plant_id: int
    start: date  # Monday of the first week
    values: list[float]


def weekly_history(
    *, until: date, since: date, parts: Iterable[int] | None = None, plants: Iterable[int] | None = None,
) -> list[History]:
    """Weekly consumption per part and plant for the weeks ``since`` ≤ week < ``until`` (Mondays).

    One aggregate query over the (part, week) index. A series starts at its first reported week;
    weeks without a row after that count as 0 (nothing consumed).
    """
    qs = Consumption.objects.filter(week__gte=monday_of(since), week__lt=until)
    if parts is not None:
        qs = qs.filter(part_id__in=list(parts))
    if plants is not None:
        qs = qs.filter(plant_id__in=list(plants))
    rows = qs.values_list("part_id", "plant_id", "week").annotate(q=Sum("quantity")).order_by("part_id", "plant_id", "week")
    by_pair: dict[tuple[int, int], dict[date, float]] = defaultdict(dict)
    for part_id, plant_id, week, quantity in rows:
        by_pair[(part_id, plant_id)][week] = float(quantity)
    out = []
    for (part_id, plant_id), weeks in by_pair.items():
        start = min(weeks)
        n = (until - start).days // 7
        out.append(History(part_id, plant_id, start, [weeks.get(start + timedelta(weeks=i), 0.0) for i in range(n)]))
    return out


# --- forecasts ---------------------------------------------------------------------------------------

def current_forecasts() -> QuerySet[PartForecast]:
    return PartForecast.objects.filter(is_current=True).select_related("part", "plant", "run")


def current_forecast(*, part: Part, plant: Plant) -> PartForecast | None:
    return current_forecasts().filter(part=part, plant=plant).first()


def adjustments_for(*, part_id: int, plant_id: int) -> dict[date, ForecastAdjustment]:
    return {a.week: a for a in ForecastAdjustment.objects.filter(part_id=part_id, plant_id=plant_id)}


def adjustments_by_pair() -> dict[tuple[int, int], dict[date, Decimal]]:
    out: dict[tuple[int, int], dict[date, Decimal]] = defaultdict(dict)
    for part_id, plant_id, week, quantity in ForecastAdjustment.objects.values_list("part_id", "plant_id", "week",
                                                                                       "quantity"):
        out[(part_id, plant_id)][week] = quantity
    return out


@dataclass
class Week:
    start: date
    statistical: float
    adjusted: Decimal | None

    @property
    def final(self) -> float:
        return float(self.adjusted) if self.adjusted is not None else self.statistical


def forecast_weeks(forecast: PartForecast, adjustments: dict[date, Any] | None = None) -> list[Week]:
    """The forecast week by week with the buyer's adjustments (quantities or adjustment rows)."""
    adjustments = adjustments or {}
    out = []
    for i, value in enumerate(forecast.values):
        start = forecast.first_week + timedelta(weeks=i)
        adj = adjustments.get(start)
        if isinstance(adj, ForecastAdjustment):
            adj = adj.quantity
        out.append(Week(start, float(value), adj))
    return out


def final_forecast(forecast: PartForecast, adjustments: dict[date, Any] | None = None, *,
                   from_week: date | None = None) -> list[float]:
    """Weekly final figures (adjusted where the buyer said so), from ``from_week`` on."""
    weeks = forecast_weeks(forecast, adjustments)
    if from_week is not None:
        weeks = [w for w in weeks if w.start >= from_week]
    return [w.final for w in weeks]


# --- sourcing ----------------------------------------------------------------------------------------

@dataclass
class Source:
    supplier_part: SupplierPart
    terms: SupplyTerms | None
    share: int  # percent


def sources_of(part: Part | int) -> list[Source]:
    """The supplier parts a part is bought from (active suppliers), largest share first.

    Without supply terms a supplier part gets an equal share of what the others leave.
    """
    offers = list(SupplierPart.objects.filter(part=part).exclude(supplier__status__in=[
        Supplier.Status.SUSPENDED, Supplier.Status.INACTIVE]).select_related("supplier", "part", "supply_terms"))
    if not offers:
        return []
    explicit = {sp.pk: sp.supply_terms.share_percent for sp in offers if _terms(sp) is not None}
    rest = [sp for sp in offers if sp.pk not in explicit]
    left = max(0, 100 - sum(explicit.values()))
    out = [Source(sp, _terms(sp), explicit[sp.pk]) for sp in offers if sp.pk in explicit]
    for i, sp in enumerate(rest):
        share = left // len(rest) + (1 if i < left % len(rest) else 0)
        out.append(Source(sp, None, share))
    return sorted(out, key=lambda s: (-s.share, s.supplier_part.supplier.code))


def _terms(sp: SupplierPart) -> SupplyTerms | None:
    try:
        return sp.supply_terms
    except SupplyTerms.DoesNotExist:
        return None


# --- stock and orders --------------------------------------------------------------------------------

@dataclass
class Stock:
    on_hand: Decimal
    blocked: Decimal
    day: date | None

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.blocked


def stock_of(*, part_id: int, plant_id: int) -> Stock:
    """The latest end-of-day stock reported for the part at the plant (0 when none was)."""
    row = StockLevel.objects.filter(part_id=part_id, plant_id=plant_id).order_by("-day").first()
    if row is None:
        return Stock(Decimal(0), Decimal(0), None)
    return Stock(row.quantity, row.blocked, row.day)


def open_order_lines(*, part_id: int, plant_id: int) -> QuerySet[PurchaseOrderLine]:
    """Lines of issued or confirmed orders to the plant that the supplier has not rejected, with
    ``accepted`` = received − rejected so far."""
    from suppliers.models import GoodsReceiptLine

    accepted = (GoodsReceiptLine.objects.filter(order_line=OuterRef("pk")).values("order_line")
                .annotate(q=Sum(F("received_quantity") - F("rejected_quantity"))).values("q"))
    return (PurchaseOrderLine.objects
            .filter(part_id=part_id, order__ship_to_id=plant_id, order__status__in=PurchaseOrder.OPEN_STATUSES,
                    cancelled=False)
            .exclude(confirmation=PurchaseOrderLine.Confirmation.REJECTED)
            .annotate(accepted=Coalesce(Subquery(accepted, output_field=DecimalField(max_digits=16, decimal_places=3)),
                                        _ZERO))
            .select_related("order"))


def on_order(*, part_id: int, plant_id: int) -> tuple[Decimal, list[dict[str, Any]]]:
    """Open quantity on order (ordered, or confirmed when confirmed, minus accepted receipts) and
    the lines it comes from."""
    total = Decimal(0)
    lines = []
    for line in open_order_lines(part_id=part_id, plant_id=plant_id):
        open_qty = max(line.effective_quantity - line.accepted, Decimal(0))
        if open_qty <= 0:
            continue
        total += open_qty
        lines.append({"order": line.order.number, "line": line.line_no, "open": str(open_qty),
                      "due": str(line.effective_date)})
    return total, lines


# --- console -----------------------------------------------------------------------------------------

def policies(active_only: bool = True) -> QuerySet[ReplenishmentPolicy]:
    qs = ReplenishmentPolicy.objects.select_related("part", "plant")
    return qs.filter(is_active=True) if active_only else qs


def pending_proposals() -> QuerySet[ReplenishmentProposal]:
    return ReplenishmentProposal.objects.filter(status=ReplenishmentProposal.Status.PENDING).select_related(
        "part", "plant", "supplier", "supplier_part")


# --- supplier-facing: inventory visibility -------------------------------------------------------------

TREND_WEEKS = 12  # the sparkline
RECENT_WEEKS = 4  # the rate days of cover is computed from
LONG_WEEKS = 13
SHORT = "short"  # status filter: days of cover below the supplier part's lead time


@dataclass
class InventoryRow:
    """One of the supplier's parts at one plant (``plant`` is None for a part nothing was reported
    for): the buyer's latest stock, consumption rates, days of cover and, for vendor-managed
    parts, the min/max band and where the stock stands in it."""

    supplier_part: SupplierPart
    plant: Plant | None
    day: date | None = None  # of the latest stock report
    on_hand: Decimal | None = None
    blocked: Decimal | None = None
    consumed_4w: Decimal = Decimal(0)
    consumed_13w: Decimal = Decimal(0)
    weekly: list[Decimal] = field(default_factory=list)  # TREND_WEEKS totals, oldest first
    min_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    status: str = ""  # VendorManagedLevel.Status for vendor-managed parts, else ""
    days_of_cover: Decimal | None = None  # None: no stock reported, or nothing consumed lately

    @property
    def part(self) -> Part:
        return self.supplier_part.part

    @property
    def lead_time_days(self) -> int:
        return self.supplier_part.lead_time_days

    @property
    def available(self) -> Decimal | None:
        return None if self.on_hand is None else self.on_hand - (self.blocked or 0)

    @property
    def daily_4w(self) -> Decimal:
        return (self.consumed_4w / (7 * RECENT_WEEKS)).quantize(Decimal("0.001"))

    @property
    def daily_13w(self) -> Decimal:
        return (self.consumed_13w / (7 * LONG_WEEKS)).quantize(Decimal("0.001"))

    @property
    def is_vendor_managed(self) -> bool:
        return self.min_quantity is not None

    @property
    def not_consumed(self) -> bool:
        """Stock that nothing consumed in the last four weeks: its cover is unbounded."""
        return self.on_hand is not None and self.consumed_4w == 0

    @property
    def cover_short(self) -> bool:
        """Days of cover below the lead time, or a vendor-managed part below its minimum."""
        if self.status == VendorManagedLevel.Status.BELOW_MIN:
            return True
        return self.days_of_cover is not None and self.days_of_cover < self.lead_time_days

    @property
    def status_label(self) -> str:
        return VendorManagedLevel.Status(self.status).label if self.status else ""

    @property
    def weekly_text(self) -> str:
        return ", ".join(f"{q.normalize():f}" for q in self.weekly)

    @property
    def spark_points(self) -> str:
        """The weekly totals as SVG polyline points in a 96 × 24 box (0 at the bottom)."""
        if not self.weekly:
            return ""
        top = max(self.weekly) or Decimal(1)
        step = 96 / max(len(self.weekly) - 1, 1)
        return " ".join(f"{i * step:.1f},{22 - float(v / top) * 20:.1f}" for i, v in enumerate(self.weekly))


@dataclass
class Inventory:
    rows: list[InventoryRow]
    weeks: list[date]  # the Mondays of ``weekly``, oldest first
    today: date
    plants: list[Plant]  # every plant the supplier's parts have figures at (for the filter)


def _finish(row: InventoryRow) -> InventoryRow:
    available = row.available
    if available is not None and row.consumed_4w > 0:
        rate = row.consumed_4w / (7 * RECENT_WEEKS)
        row.days_of_cover = (max(available, Decimal(0)) / rate).quantize(Decimal("0.1"))
    if row.is_vendor_managed:
        if available is None:
            row.status = VendorManagedLevel.Status.NO_STOCK
        elif available < row.min_quantity:
            row.status = VendorManagedLevel.Status.BELOW_MIN
        elif available > row.max_quantity:
            row.status = VendorManagedLevel.Status.ABOVE_MAX
        else:
            row.status = VendorManagedLevel.Status.WITHIN
    return row


def inventory_for(
    *, supplier: Supplier, today: date | None = None, search: str = "", plant: str = "", status: str = "",
    vendor_managed_only: bool = False, sort: str = "part",
) -> Inventory:
    """The buyer's stock of the supplier's parts, per plant, with consumption and days of cover.

    Four queries whatever the number of parts: the plants; the supplier parts, each with its latest
    stock row per plant on or before ``today`` (a correlated subquery per plant, newest day first:
    one index probe each, however many days were posted); consumption summed per part, plant and
    week over the 13 full weeks before this week's Monday; the supplier's min/max levels. Another
    supplier's levels never count: they hang on its own supplier parts.

    Days of cover = (on hand − blocked) / average daily consumption of the last 4 full weeks.
    """
    from django.db.models import CharField, Exists, JSONField
    from django.db.models.functions import Cast, JSONObject

    from suppliers.selectors import supplier_parts_for

    today = today or timezone.localdate()
    this_monday = monday_of(today)
    weeks = [this_monday - timedelta(weeks=TREND_WEEKS - i) for i in range(TREND_WEEKS)]
    all_plants = Plant.objects.in_bulk()  # the buyer's sites: a handful

    def latest_stock(plant_id: int) -> Subquery:
        # one probe of the (part, plant, day) index per part and plant, however long the history
        newest = (StockLevel.objects.filter(part_id=OuterRef("part_id"), plant_id=plant_id, day__lte=today)
                  .order_by("-day")
                  .values(row=JSONObject(day=Cast("day", CharField()), on_hand=Cast("quantity", CharField()),
                                         blocked=Cast("blocked", CharField())))[:1])
        return Subquery(newest, output_field=JSONField())

    parts = supplier_parts_for(supplier=supplier, search=search)
    if vendor_managed_only:
        parts = parts.filter(Exists(VendorManagedLevel.objects.filter(supplier_part=OuterRef("pk"))))
    supplier_parts = list(parts.annotate(**{f"stock_at_{pk}": latest_stock(pk) for pk in all_plants}))
    if not supplier_parts:
        return Inventory([], weeks, today, [])
    part_ids = [sp.part_id for sp in supplier_parts]

    stock = {}
    for sp in supplier_parts:
        for plant_id in all_plants:
            row = getattr(sp, f"stock_at_{plant_id}")
            if isinstance(row, str):
                row = json.loads(row)
            if row:
                stock[(sp.part_id, plant_id)] = (date.fromisoformat(row["day"]), Decimal(row["on_hand"]),
                                                 Decimal(row["blocked"]))
    consumed: dict[tuple[int, int], dict[date, Decimal]] = defaultdict(dict)
    for part_id, plant_id, week, quantity in (
        Consumption.objects.filter(part_id__in=part_ids, week__gte=this_monday - timedelta(weeks=LONG_WEEKS),
                                   week__lt=this_monday)
        .values_list("part_id", "plant_id", "week").annotate(q=Sum("quantity")).order_by()
    ):
        consumed[(part_id, plant_id)][week] = quantity
    part_of = {sp.pk: sp.part_id for sp in supplier_parts}
    levels = {
        (part_of[sp_id], plant_id): (low, high)
        for sp_id, plant_id, low, high in VendorManagedLevel.objects
        .filter(supplier_part__supplier=supplier, supplier_part_id__in=list(part_of))
        .values_list("supplier_part_id", "plant_id", "min_quantity", "max_quantity")
    }
    pairs: dict[int, set[int]] = defaultdict(set)
    for part_id, plant_id in (*stock, *consumed, *levels):
        pairs[part_id].add(plant_id)
    plants = all_plants

    recent = this_monday - timedelta(weeks=RECENT_WEEKS)
    rows = []
    for sp in supplier_parts:
        at = sorted((plants[i] for i in pairs.get(sp.part_id, ())), key=lambda p: p.code)
        if not at:
            rows.append(InventoryRow(supplier_part=sp, plant=None, weekly=[Decimal(0)] * TREND_WEEKS))
            continue
        for pl in at:
            key = (sp.part_id, pl.pk)
            row = InventoryRow(supplier_part=sp, plant=pl)
            if key in stock:
                row.day, row.on_hand, row.blocked = stock[key]
            by_week = consumed.get(key, {})
            row.consumed_13w = sum(by_week.values(), Decimal(0))
            row.consumed_4w = sum((q for w, q in by_week.items() if w >= recent), Decimal(0))
            row.weekly = [by_week.get(w, Decimal(0)) for w in weeks]
            if key in levels:
                row.min_quantity, row.max_quantity = levels[key]
            rows.append(_finish(row))

    at_plants = sorted({r.plant.pk: r.plant for r in rows if r.plant is not None}.values(), key=lambda p: p.code)
    if plant:
        rows = [r for r in rows if r.plant is not None and r.plant.code == plant]
    if vendor_managed_only:
        rows = [r for r in rows if r.is_vendor_managed]
    if status == SHORT:
        rows = [r for r in rows if r.cover_short]
    elif status:
        rows = [r for r in rows if r.status == status]
    if sort == "cover":
        # shortest cover first; parts nothing consumed lately, then parts without stock, last
        rows.sort(key=lambda r: (r.days_of_cover is None, r.on_hand is None, r.days_of_cover or 0))
    return Inventory(rows, weeks, today, at_plants)

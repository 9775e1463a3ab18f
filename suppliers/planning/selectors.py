"""Reads of demand planning. Everything here is buyer-side (the console, the runs): suppliers see
the outcome only as published forecast versions and purchase orders, through their own selectors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from suppliers.models import Part, Plant, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierPart
from suppliers.planning.models import (
    ForecastAdjustment,
    PartForecast,
    ReplenishmentPolicy,
    ReplenishmentProposal,
    SupplyTerms,
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

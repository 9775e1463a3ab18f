"""Reads of production data. Supplier-facing reads take the supplier and filter by it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum

from suppliers.models import Part, Plant, Supplier
from suppliers.production.models import (
    Consumption,
    InspectionResult,
    StockLevel,
    WorkOrder,
    WorkOrderComponent,
    WorkOrderOutput,
)
from suppliers.production.services import monday_of


def consumption_weekly(
    *, part: Part, plant: Plant | None = None, since: date | None = None, until: date | None = None,
) -> list[dict[str, Any]]:
    """Weekly consumption of a part (all plants unless one is given), oldest week first.

    One index range scan on (part, week) that sums the included quantity: two years of daily
    rows for a part are ~730 index entries per plant.
    """
    qs = Consumption.objects.filter(part=part)
    if plant is not None:
        qs = qs.filter(plant=plant)
    if since is not None:
        qs = qs.filter(week__gte=monday_of(since))
    if until is not None:
        qs = qs.filter(week__lte=until)
    return list(qs.values("week").annotate(quantity=Sum("quantity")).order_by("week"))


def stock_levels(*, part: Part | None = None, plant: Plant | None = None, since: date | None = None,
                 until: date | None = None) -> QuerySet[StockLevel]:
    qs = StockLevel.objects.select_related("part", "plant")
    if part is not None:
        qs = qs.filter(part=part)
    if plant is not None:
        qs = qs.filter(plant=plant)
    if since is not None:
        qs = qs.filter(day__gte=since)
    if until is not None:
        qs = qs.filter(day__lte=until)
    return qs.order_by("part__buyer_part_number", "plant__code", "day")


def inspection_results(*, supplier: Supplier | None = None, lot: str = "", part: Part | None = None,
                       since: date | None = None) -> QuerySet[InspectionResult]:
    """All results (buyer side) or, with ``supplier``, only the results of that supplier's lots."""
    qs = InspectionResult.objects.select_related("part", "plant", "supplier").prefetch_related("defects")
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    if lot:
        qs = qs.filter(lot=lot)
    if part is not None:
        qs = qs.filter(part=part)
    if since is not None:
        qs = qs.filter(inspected_at__date__gte=since)
    return qs.order_by("-inspected_at", "-id")


def inspection_results_for(*, supplier: Supplier, lot: str = "", since: date | None = None) -> QuerySet[InspectionResult]:
    return inspection_results(supplier=supplier, lot=lot, since=since)


def genealogy(*, lot: str = "", serial: str = "", part: Part | None = None) -> list[WorkOrder]:
    """Forward from a component lot (which work orders used it, what they made), or backward
    from a finished serial or lot (which work orders made it, from which component lots)."""
    qs = WorkOrder.objects.select_related("plant", "part").prefetch_related(
        Prefetch("components", queryset=WorkOrderComponent.objects.select_related("part", "supplier")),
        Prefetch("outputs", queryset=WorkOrderOutput.objects.all()),
    )
    if lot:
        components = WorkOrderComponent.objects.filter(lot=lot)
        if part is not None:
            components = components.filter(part=part)
        made = WorkOrderOutput.objects.filter(lot=lot)
        qs = qs.filter(pk__in=components.values("work_order")) | qs.filter(pk__in=made.values("work_order"))
    elif serial:
        qs = qs.filter(pk__in=WorkOrderOutput.objects.filter(serial=serial).values("work_order"))
    else:
        return []
    return list(qs.distinct().order_by("number")[:500])


def genealogy_work_order(*, pk: int) -> WorkOrder:
    return WorkOrder.objects.select_related("plant", "part").prefetch_related(
        Prefetch("components", queryset=WorkOrderComponent.objects.select_related("part", "supplier")), "outputs",
    ).get(pk=pk)

"""Reads of forecast collaboration. Supplier-facing selectors take ``supplier=`` and filter by it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, DecimalField, F, Min, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404

from suppliers.forecasts.models import (
    COMMIT_ZONES,
    ForecastBucket,
    ForecastLine,
    ForecastVersion,
    ReasonCode,
)
from suppliers.models import Supplier

_ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=3))


def forecast_versions_for(*, supplier: Supplier, search: str = "") -> QuerySet[ForecastVersion]:
    qs = ForecastVersion.objects.filter(supplier=supplier).annotate(line_count=Count("lines", distinct=True))
    if search:
        qs = qs.filter(
            Q(lines__part__buyer_part_number__icontains=search) | Q(lines__supplier_part_number__icontains=search)
            | Q(lines__part__description__icontains=search)
        ).distinct()
    return qs.order_by("-number")


def forecast_current_for(*, supplier: Supplier) -> ForecastVersion | None:
    return ForecastVersion.objects.filter(supplier=supplier, superseded_at=None).select_related("ship_to").first()


def forecast_version_get(*, supplier: Supplier, pk: Any) -> ForecastVersion:
    """One of the supplier's versions; 404 for anything else (another supplier's too)."""
    return get_object_or_404(ForecastVersion.objects.filter(supplier=supplier).select_related("ship_to", "supplier", "previous"), pk=pk)


def _buckets() -> QuerySet[ForecastBucket]:
    return ForecastBucket.objects.select_related("reason").order_by("index")


def forecast_lines_for(*, version: ForecastVersion, search: str = "") -> QuerySet[ForecastLine]:
    """The version's lines with their buckets (two queries whatever the size)."""
    qs = version.lines.select_related("part").prefetch_related(Prefetch("buckets", queryset=_buckets()))
    if search:
        qs = qs.filter(Q(part__buyer_part_number__icontains=search) | Q(supplier_part_number__icontains=search)
                       | Q(part__description__icontains=search))
    return qs.annotate(
        short_count=Count("buckets", filter=Q(buckets__committed_quantity__lt=F("buckets__quantity"))),
        open_count=Count("buckets", filter=Q(buckets__committed_quantity=None, buckets__zone__in=COMMIT_ZONES)),
    ).order_by("line_no")


def forecast_line_get(*, supplier: Supplier, version_pk: Any, pk: Any) -> ForecastLine:
    qs = ForecastLine.objects.filter(version__supplier=supplier, version_id=version_pk).select_related(
        "part", "version", "version__supplier").prefetch_related(Prefetch("buckets", queryset=_buckets()))
    return get_object_or_404(qs, pk=pk)


def forecast_buckets_for(*, version: ForecastVersion) -> QuerySet[ForecastBucket]:
    return ForecastBucket.objects.filter(line__version=version).select_related("line__part")


def dropped_parts(*, version: ForecastVersion) -> list[str]:
    """Parts the previous version forecast that this one no longer does."""
    if version.previous_id is None:
        return []
    now = version.lines.values("part_id")
    return list(ForecastLine.objects.filter(version_id=version.previous_id).exclude(part_id__in=now)
                .order_by("part__buyer_part_number").values_list("part__buyer_part_number", flat=True))


def bucket_columns(*, version: ForecastVersion) -> list[ForecastBucket]:
    """The bucket periods of a version (the same for every line), for table headings."""
    first = version.lines.order_by("line_no").first()
    return list(first.buckets.order_by("index")) if first else []


def reason_codes() -> QuerySet[ReasonCode]:
    return ReasonCode.objects.filter(is_active=True)


def dashboard_for(*, supplier: Supplier) -> dict[str, Any]:
    """For the supplier dashboard: buckets of the current forecast still awaiting a commitment."""
    current = forecast_current_for(supplier=supplier)
    if current is None:
        return {"forecast": None, "to_commit": 0, "changed": 0}
    counts = ForecastBucket.objects.filter(line__version=current, zone__in=COMMIT_ZONES).aggregate(
        to_commit=Count("pk", filter=Q(committed_quantity=None)),
        changed=Count("pk", filter=Q(previous_quantity__isnull=False) & ~Q(previous_quantity=F("quantity"))),
    )
    return {"forecast": current, **counts}


# --- buyer side ----------------------------------------------------------------------------

def commit_gaps(qs: QuerySet[ForecastLine] | None = None) -> QuerySet[ForecastLine]:
    """Lines of current versions with forecast, commitment and gap over the firm and planning zones.

    ``gap`` is the sum of forecast − commitment over committed buckets that fall short;
    ``uncommitted`` is the forecast of buckets with no commitment yet.
    """
    qs = qs if qs is not None else ForecastLine.objects.all()
    in_zone = Q(buckets__zone__in=COMMIT_ZONES)
    committed = in_zone & Q(buckets__committed_quantity__isnull=False)
    short = committed & Q(buckets__committed_quantity__lt=F("buckets__quantity"))
    return (
        qs.filter(version__superseded_at=None)
        .select_related("version__supplier", "part")
        .annotate(
            forecast_total=Coalesce(Sum("buckets__quantity", filter=in_zone), _ZERO),
            committed_total=Coalesce(Sum("buckets__committed_quantity", filter=committed), _ZERO),
            gap=Coalesce(Sum(Greatest(F("buckets__quantity") - F("buckets__committed_quantity"), _ZERO),
                             filter=short), _ZERO),
            short_buckets=Count("buckets", filter=short),
            uncommitted=Coalesce(Sum("buckets__quantity", filter=in_zone & Q(buckets__committed_quantity=None)),
                                 _ZERO),
            first_short=Min("buckets__start", filter=short),
        )
    )


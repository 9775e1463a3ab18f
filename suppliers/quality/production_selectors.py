"""Reads of production quality for the supplier: its own component lots as the buyer's line
inspected and tested them, and 12-week trends per part. Every function takes the supplier and
filters by it; every figure is aggregated by the database (GROUP BY), a fixed number of queries
per page whatever the number of lots or results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from suppliers.models import Part, Supplier
from suppliers.production.models import InspectionDefect, InspectionResult
from suppliers.quality.models import AutomaticNotice, DefectRateThreshold
from suppliers.quality.production import applicable, ppm

TREND_WEEKS = 12


def yield_pct(passed: Decimal | None, inspected: Decimal | None) -> Decimal | None:
    if not inspected:
        return None
    return (Decimal(passed or 0) * 100 / Decimal(inspected)).quantize(Decimal("0.01"))


class Rates:
    """Defect rate and yield from ``defects``, ``inspected`` and ``passed``, for every figure below."""

    defects: Decimal
    inspected: Decimal | None
    passed: Decimal | None

    @property
    def rate_ppm(self) -> Decimal | None:
        return ppm(self.defects, self.inspected)

    @property
    def yield_pct(self) -> Decimal | None:
        return yield_pct(self.passed, self.inspected)


@dataclass
class StageFigures:
    stage: str
    label: str
    inspected: Decimal
    passed: Decimal

    @property
    def yield_pct(self) -> Decimal | None:
        return yield_pct(self.passed, self.inspected)


@dataclass
class Lot(Rates):
    part_id: int
    part_number: str
    lot: str
    inspected: Decimal
    passed: Decimal
    results: int
    last: datetime
    by_code: list[tuple[str, Decimal]] = field(default_factory=list)
    stages: list[StageFigures] = field(default_factory=list)
    notices: list[AutomaticNotice] = field(default_factory=list)

    @property
    def defects(self) -> Decimal:
        return sum((q for _c, q in self.by_code), Decimal(0))

    @property
    def codes(self) -> list[tuple[str, Decimal, Decimal | None]]:
        """(code, defects, ppm) per defect code, most defects first."""
        return [(c, q, ppm(q, self.inspected)) for c, q in self.by_code]

    @property
    def notice(self) -> AutomaticNotice | None:
        """The lot's latest automatic notice."""
        return self.notices[0] if self.notices else None

    @property
    def key(self) -> tuple[int, str]:
        return (self.part_id, self.lot)


STAGE_LABELS = dict(InspectionResult.Stage.choices)


def production_lots_for(*, supplier: Supplier, search: str = "") -> QuerySet:
    """The supplier's lots, latest inspected first: one row per (part, lot) with its totals."""
    qs = InspectionResult.objects.filter(supplier=supplier)
    if search:
        qs = qs.filter(Q(lot__icontains=search) | Q(part__buyer_part_number__icontains=search))
    return (qs.values("part_id", "lot")
            .annotate(part_number=Max("part__buyer_part_number"), inspected=Sum("quantity_inspected"),
                      passed=Sum("quantity_passed"), results=Count("pk"), last=Max("inspected_at"))
            .order_by("-last", "lot", "part_id"))


def _pairs(rows: list[dict[str, Any]] | list[Lot], prefix: str = "") -> Q:
    q = Q()
    for r in rows:
        part_id, lot = (r.part_id, r.lot) if isinstance(r, Lot) else (r["part_id"], r["lot"])
        q |= Q(**{f"{prefix}part_id": part_id, f"{prefix}lot": lot})
    return q


def lots_with_details(*, supplier: Supplier, rows: list[dict[str, Any]]) -> list[Lot]:
    """The page's lots with defects by code, yield by stage and automatic notices: three queries."""
    lots = [Lot(part_id=r["part_id"], part_number=r["part_number"], lot=r["lot"], inspected=r["inspected"],
                passed=r["passed"], results=r["results"], last=r["last"]) for r in rows]
    if not lots:
        return lots
    by_key = {lot.key: lot for lot in lots}
    codes = (InspectionDefect.objects.filter(result__supplier=supplier).filter(_pairs(lots, "result__"))
             .values("result__part_id", "result__lot", "code").annotate(q=Sum("quantity"))
             .order_by("result__part_id", "result__lot", "-q", "code"))
    for c in codes:
        by_key[(c["result__part_id"], c["result__lot"])].by_code.append((c["code"], c["q"]))
    stages = (InspectionResult.objects.filter(supplier=supplier).filter(_pairs(lots))
              .values("part_id", "lot", "stage").annotate(inspected=Sum("quantity_inspected"),
                                                          passed=Sum("quantity_passed"))
              .order_by("part_id", "lot", "stage"))
    for s in stages:
        by_key[(s["part_id"], s["lot"])].stages.append(
            StageFigures(stage=s["stage"], label=str(STAGE_LABELS.get(s["stage"], s["stage"])),
                         inspected=s["inspected"], passed=s["passed"]))
    for lot in lots:
        order = list(STAGE_LABELS)
        lot.stages.sort(key=lambda s: order.index(s.stage) if s.stage in order else len(order))
    for n in (AutomaticNotice.objects.filter(supplier=supplier).filter(_pairs(lots))
              .select_related("notice").order_by("-raised_at", "-pk")):
        by_key[(n.part_id, n.lot)].notices.append(n)
    return lots


def production_lot_get(*, supplier: Supplier, part_pk: Any, lot: str) -> Lot:
    """One of the supplier's lots with its details; 404 for a lot that is not the supplier's."""
    rows = list(production_lots_for(supplier=supplier).filter(part_id=part_pk, lot=lot))
    if not rows:
        raise Http404("no such lot")
    return lots_with_details(supplier=supplier, rows=rows)[0]


def lot_results(*, supplier: Supplier, lot: Lot) -> QuerySet[InspectionResult]:
    """The inspection and test results behind one of the supplier's lots, latest first."""
    return (InspectionResult.objects.filter(supplier=supplier, part_id=lot.part_id, lot=lot.lot)
            .annotate(yield_pct=ExpressionWrapper(F("quantity_passed") * 100 / F("quantity_inspected"),
                                                  output_field=DecimalField(max_digits=9, decimal_places=4)))
            .select_related("plant").prefetch_related("defects").order_by("-inspected_at", "-pk"))


@dataclass
class ThresholdShown:
    code: str  # "" = total
    threshold: DefectRateThreshold
    rate_ppm: Decimal | None
    over: bool


def lot_thresholds(*, lot: Lot) -> list[ThresholdShown]:
    """The buyer's thresholds that apply to this lot's codes and total, with the lot's rate against each."""
    part = Part(pk=lot.part_id)
    thresholds = list(DefectRateThreshold.objects.filter(is_active=True)
                      .filter(Q(part=part) | Q(part=None)).select_related("part", "defect_code"))
    out = []
    for code, defects in [*lot.by_code, ("", lot.defects)]:
        t = applicable(thresholds, part_id=lot.part_id, code=code)
        if t is not None:
            rate = ppm(defects, lot.inspected)
            over = rate is not None and lot.inspected >= t.min_inspected and rate > t.limit_ppm
            out.append(ThresholdShown(code=code, threshold=t, rate_ppm=rate, over=over))
    return out


# --- 12-week trends ------------------------------------------------------------------------------

@dataclass
class Week(Rates):
    week: date
    inspected: Decimal | None = None
    passed: Decimal | None = None
    defects: Decimal = Decimal(0)


@dataclass
class PartTrend(Rates):
    part_id: int
    part_number: str
    weeks: list[Week]

    @property
    def inspected(self) -> Decimal:
        return sum((w.inspected or 0 for w in self.weeks), Decimal(0))

    @property
    def defects(self) -> Decimal:
        return sum((w.defects for w in self.weeks), Decimal(0))

    @property
    def passed(self) -> Decimal:
        return sum((w.passed or 0 for w in self.weeks), Decimal(0))


def trend_weeks(*, today: date | None = None, weeks: int = TREND_WEEKS) -> list[date]:
    """The Mondays of the last ``weeks`` ISO weeks, this one included, oldest first."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly_trend_for(*, supplier: Supplier, today: date | None = None, weeks: int = TREND_WEEKS) -> list[PartTrend]:
    """Defect rate (ppm) and yield per part and ISO week over the last ``weeks`` weeks, weeks in the
    current time zone. Two GROUP BY queries (results by part and week; defects by part and week),
    whatever the number of results; a week without inspections has no rate (a gap, not zero)."""
    mondays = trend_weeks(today=today, weeks=weeks)
    since = timezone.make_aware(datetime.combine(mondays[0], time.min))
    week = TruncWeek("inspected_at", output_field=DateField())
    results = (InspectionResult.objects.filter(supplier=supplier, inspected_at__gte=since)
               .annotate(week=week).values("part_id", "week")
               .annotate(part_number=Max("part__buyer_part_number"), inspected=Sum("quantity_inspected"),
                         passed=Sum("quantity_passed"))
               .order_by("part_id", "week"))
    defects = (InspectionDefect.objects.filter(result__supplier=supplier, result__inspected_at__gte=since)
               .annotate(week=TruncWeek("result__inspected_at", output_field=DateField()))
               .values("result__part_id", "week").annotate(q=Sum("quantity")).order_by())
    defects_at = {(d["result__part_id"], d["week"]): d["q"] for d in defects}
    index = {m: i for i, m in enumerate(mondays)}
    parts: dict[int, PartTrend] = {}
    for r in results:
        if r["week"] not in index:
            continue
        trend = parts.setdefault(r["part_id"], PartTrend(r["part_id"], r["part_number"], [Week(m) for m in mondays]))
        w = trend.weeks[index[r["week"]]]
        w.inspected, w.passed = r["inspected"], r["passed"]
        w.defects = defects_at.get((r["part_id"], r["week"]), Decimal(0))
    return sorted(parts.values(), key=lambda t: t.part_number)


def dashboard_for(*, supplier: Supplier, today: date | None = None, days: int = 28) -> dict[str, Any]:
    """Lots that raised an automatic notice in the last ``days`` days (latest first, at most 5 shown)."""
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
    recent = AutomaticNotice.objects.filter(supplier=supplier, raised_at__gte=since)
    counts = recent.aggregate(lots=Count("lot", distinct=True))
    first = list(recent.select_related("notice", "part").order_by("-raised_at", "-pk")[:5])
    return {"lots": counts["lots"], "notices": first}


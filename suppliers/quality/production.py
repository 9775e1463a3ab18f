"""Production quality shared back: a component lot's defect rate from the inspection and test
results the MES posts, the buyer's thresholds, and the quality notice raised automatically when a
lot goes over one.

The rules (docs/quality.md, "Production quality shared back"):

* A lot is (supplier, part, lot number); its figures are cumulative over every result posted for
  it, all stages together: inspected = Σ quantity inspected, defects of a code = Σ that code's
  defect quantities, total defects = Σ all defect quantities. Rate in ppm = defects / inspected × 10⁶.
* A threshold with a defect code limits that code's rate; one without limits the total rate.
  For each code (and for the total) the most specific active threshold applies: the part's own
  before the all-parts one. A threshold counts only once the lot's inspected quantity reaches
  its minimum; the rate must be above (not at) the limit.
* One automatic notice per lot while it is open: a lot with an open (or in-progress) automatic
  notice raises nothing more, whatever is posted for it. Once that notice is closed or
  cancelled, the next result posted for a lot still over a threshold raises a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from suppliers.audit import Actor, event_record
from suppliers.errors import DomainError
from suppliers.models import Part, Supplier, SupplierPart
from suppliers.quality.models import (
    AutomaticNotice,
    DefectCode,
    DefectRateThreshold,
    QualityNotice,
    Severity,
)

log = logging.getLogger(__name__)

AnyActor = Actor | AbstractBaseUser | None

# Used when none of the lot's MES defect codes is in the buyer's code list (suppliers/quality/codes.py).
LINE_RATE_CODE = "LINE-RATE"
SEVERITY_RANK = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}
MAX_RESULTS_LISTED = 20
MILLION = Decimal(1_000_000)


def ppm(defects: Decimal | int | None, inspected: Decimal | int | None) -> Decimal | None:
    """Defects per million inspected, to 0.1 ppm; None when nothing was inspected."""
    if not inspected:
        return None
    return (Decimal(defects or 0) * MILLION / Decimal(inspected)).quantize(Decimal("0.1"))


def applicable(thresholds: Iterable[DefectRateThreshold], *, part_id: int, code: str) -> DefectRateThreshold | None:
    """The threshold that applies to ``code`` ("" = the total rate) of a part: the part's own
    before the all-parts one; inactive thresholds never apply."""
    fallback = None
    for t in thresholds:
        if not t.is_active or (t.defect_code.code if t.defect_code_id else "") != code:
            continue
        if t.part_id == part_id:
            return t
        if t.part_id is None:
            fallback = t
    return fallback


@dataclass(frozen=True)
class LotFigures:
    inspected: Decimal
    passed: Decimal
    results: int
    by_code: dict[str, Decimal]

    @property
    def defects(self) -> Decimal:
        return sum(self.by_code.values(), Decimal(0))


@dataclass(frozen=True)
class Crossing:
    threshold: DefectRateThreshold
    code: str  # "" = the total rate
    defects: Decimal
    rate_ppm: Decimal

    @property
    def rank(self) -> tuple:
        return (SEVERITY_RANK.get(self.threshold.severity, 0), self.rate_ppm / self.threshold.limit_ppm)


def lot_figures(*, supplier: Supplier, part: Part, lot: str) -> LotFigures:
    """The lot's cumulative figures: two aggregate queries, whatever the number of results."""
    from suppliers.production.models import InspectionDefect, InspectionResult

    results = InspectionResult.objects.filter(supplier=supplier, part=part, lot=lot)
    totals = results.aggregate(inspected=Sum("quantity_inspected"), passed=Sum("quantity_passed"), n=Count("pk"))
    by_code = dict(InspectionDefect.objects.filter(result__supplier=supplier, result__part=part, result__lot=lot)
                   .values("code").annotate(q=Sum("quantity")).values_list("code", "q"))
    return LotFigures(inspected=totals["inspected"] or Decimal(0), passed=totals["passed"] or Decimal(0),
                      results=totals["n"], by_code=by_code)


def crossings(figures: LotFigures, thresholds: list[DefectRateThreshold], *, part_id: int) -> list[Crossing]:
    """Every threshold the lot is over (per code, and the total)."""
    out = []
    for code, defects in [*sorted(figures.by_code.items()), ("", figures.defects)]:
        threshold = applicable(thresholds, part_id=part_id, code=code)
        if threshold is None or figures.inspected < threshold.min_inspected or not defects:
            continue
        rate = ppm(defects, figures.inspected)
        if rate is not None and rate > threshold.limit_ppm:
            out.append(Crossing(threshold=threshold, code=code, defects=defects, rate_ppm=rate))
    return out


def thresholds_for(part: Part) -> list[DefectRateThreshold]:
    return list(DefectRateThreshold.objects.filter(is_active=True).filter(Q(part=part) | Q(part=None))
                .select_related("part", "defect_code"))


def open_automatic_notice(*, supplier: Supplier, part: Part, lot: str) -> AutomaticNotice | None:
    return (AutomaticNotice.objects.filter(supplier=supplier, part=part, lot=lot,
                                           notice__status__in=QualityNotice.OPEN_STATUSES)
            .select_related("notice").first())


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.1f}"


def _limit_text(t: DefectRateThreshold) -> str:
    if t.unit == DefectRateThreshold.Unit.PERCENT:
        return f"{t.limit.normalize():f} % ({_fmt(t.limit_ppm)} ppm)"
    return f"{_fmt(t.limit_ppm)} ppm"


def _notice_text(*, lot: str, part: Part, figures: LotFigures, found: list[Crossing],
                 results: list[dict[str, Any]]) -> tuple[str, str]:
    worst = found[0]
    code = worst.code or _("all defects")
    title = _("Defect rate %(rate)s ppm (%(code)s) over %(limit)s: lot %(lot)s") % {
        "rate": _fmt(worst.rate_ppm), "code": code, "limit": _limit_text(worst.threshold), "lot": lot}
    lines = [_("Lot %(lot)s of %(part)s, as inspected and tested on the line: %(inspected)s inspected, "
               "%(passed)s passed, in %(n)s inspection results.") % {
        "lot": lot, "part": part.buyer_part_number, "inspected": _fmt(figures.inspected),
        "passed": _fmt(figures.passed), "n": figures.results}, ""]
    for c in found:
        t = c.threshold
        lines.append(_("%(code)s: %(defects)s defects = %(rate)s ppm; threshold %(limit)s for %(scope)s, "
                       "counted from %(min)s inspected.") % {
            "code": c.code or _("All defects"), "defects": _fmt(c.defects), "rate": _fmt(c.rate_ppm),
            "limit": _limit_text(t), "min": _fmt(t.min_inspected),
            "scope": t.part.buyer_part_number if t.part_id else _("all parts")})
    lines += ["", _("Inspection results:")]
    for r in results[:MAX_RESULTS_LISTED]:
        codes = ", ".join(f"{d['code']} {_fmt(d['quantity'])}" for d in r["defects"]) or "—"
        lines.append(f"- {r['reference']} · {r['stage']} · {timezone.localtime(r['inspected_at']):%Y-%m-%d %H:%M} · "
                     + _("%(inspected)s inspected, %(passed)s passed; defects: %(codes)s") % {
                         "inspected": _fmt(r["inspected"]), "passed": _fmt(r["passed"]), "codes": codes})
    if len(results) > MAX_RESULTS_LISTED:
        lines.append(_("… and %(n)s more.") % {"n": len(results) - MAX_RESULTS_LISTED})
    return title[:120], "\n".join(lines)


def _results_behind(*, supplier: Supplier, part: Part, lot: str) -> list[dict[str, Any]]:
    from suppliers.production.models import InspectionResult

    rows = (InspectionResult.objects.filter(supplier=supplier, part=part, lot=lot)
            .order_by("inspected_at", "pk").prefetch_related("defects"))
    return [{"reference": r.reference, "stage": r.get_stage_display(), "inspected_at": r.inspected_at,
             "inspected": r.quantity_inspected, "passed": r.quantity_passed,
             "defects": [{"code": d.code, "quantity": d.quantity} for d in r.defects.all()]}
            for r in rows[:MAX_RESULTS_LISTED + 1]]


def _notice_code(worst: Crossing, figures: LotFigures) -> DefectCode | None:
    """The crossing code if the code list knows it; for the total rate the lot's most frequent
    known code; else LINE-RATE."""
    if worst.code:
        wanted = [worst.code]
    else:
        wanted = [c for c, _q in sorted(figures.by_code.items(), key=lambda kv: (-kv[1], kv[0]))]
    known = {c.code: c for c in DefectCode.objects.filter(is_active=True, code__in=[*wanted, LINE_RATE_CODE])}
    return next((known[c] for c in wanted if c in known), known.get(LINE_RATE_CODE))


def lot_defect_rate_check(*, supplier: Supplier | None, part: Part, lot: str,
                          actor: AnyActor = None) -> QualityNotice | None:
    """Raise a quality notice for a lot over a threshold, unless it has an open automatic one.

    Called by the production service right after it records an inspection result, inside its
    transaction. A notice the quality service refuses (the supplier no longer supplies the part, no
    usable defect code) is recorded as an event and never fails the MES's post. ``actor`` is who
    posted the result (kept in the event); the notice is raised by the system.
    """
    if supplier is None or not lot:
        return None
    thresholds = thresholds_for(part)
    if not thresholds:
        return None
    figures = lot_figures(supplier=supplier, part=part, lot=lot)
    found = sorted(crossings(figures, thresholds, part_id=part.pk), key=lambda c: c.rank, reverse=True)
    if not found:
        return None
    with transaction.atomic():
        # Two posts for one lot at once: the second waits here and then sees the first one's notice.
        if not list(SupplierPart.objects.select_for_update().filter(supplier=supplier, part=part).values("pk")):
            event_record(actor=actor, verb="quality.auto_notice_refused", supplier=supplier,
                         payload={"lot": lot, "part": part.buyer_part_number, "reason": "no supplier part"})
            return None
        if open_automatic_notice(supplier=supplier, part=part, lot=lot) is not None:
            return None
        worst = found[0]
        code = _notice_code(worst, figures)
        results = _results_behind(supplier=supplier, part=part, lot=lot)
        with translation.override(settings.LANGUAGE_CODE):
            title, description = _notice_text(lot=lot, part=part, figures=figures, found=found, results=results)
        try:
            with transaction.atomic():
                if code is None:
                    raise DomainError(f"No active defect code for {worst.code or LINE_RATE_CODE}.")
                notice = _raise(supplier=supplier, part=part, lot=lot, code=code, worst=worst, title=title,
                                description=description)
                AutomaticNotice.objects.create(
                    notice=notice, supplier=supplier, part=part, lot=lot, threshold=worst.threshold,
                    defect_code=worst.code, inspected=figures.inspected, defects=worst.defects,
                    rate_ppm=worst.rate_ppm, limit_ppm=worst.threshold.limit_ppm,
                    results=[r["reference"] for r in results])
                event_record(actor=actor, verb="quality.auto_raised", obj=notice, supplier=supplier, payload={
                    "lot": lot, "part": part.buyer_part_number, "code": worst.code, "rate_ppm": str(worst.rate_ppm),
                    "limit_ppm": str(worst.threshold.limit_ppm), "threshold": worst.threshold.pk,
                    "inspected": str(figures.inspected)})
        except DomainError as exc:
            log.warning("automatic quality notice for lot %s of %s refused: %s", lot, part.buyer_part_number, exc)
            event_record(actor=actor, verb="quality.auto_notice_refused", supplier=supplier,
                         payload={"lot": lot, "part": part.buyer_part_number, "reason": str(exc)[:300]})
            return None
    return notice


def _raise(*, supplier, part, lot, code, worst: Crossing, title: str, description: str) -> QualityNotice:
    from suppliers.quality.services import quality_notice_raise

    return quality_notice_raise(
        supplier=supplier, part=part, lot=lot, defect_code=code, rejected_quantity=worst.defects,
        severity=worst.threshold.severity, title=title, description=description,
        actor=Actor.system("production-quality"))

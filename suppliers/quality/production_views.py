"""Supplier pages of production quality shared back: the supplier's own component lots as the
buyer's line inspected and tested them, with 12-week trends per part. Every read goes through a
selector taking ``request.supplier``: another supplier's lot is a 404."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.views.common import paginate, supplier_required
from suppliers.quality import production_selectors as selectors
from suppliers.scorecards import charts


def _week_label(monday) -> str:
    return f"{monday:%m/%d}"


def _nice_top(values) -> float:
    """The y axis top: the next 1, 2, 2.5 or 5 × 10ⁿ above the highest value (quarters read well)."""
    high = max([float(v) for v in values if v is not None] + [0.0])
    if high <= 0:
        return 1000.0
    mag = 10 ** math.floor(math.log10(high))
    return next(k * mag for k in (1, 2, 2.5, 5, 10) if high <= k * mag)


def _compact(value: float) -> str:
    return f"{value / 1000:g}k" if value >= 1000 else f"{value:g}"


def _chart(trend: selectors.PartTrend, *, key: str, name: str, values, top, unit: str, digits: int):
    weeks = [w.week for w in trend.weeks]
    top = top if top is not None else _nice_top(values)
    labels = [[f"{_week_label(w.week)}: {v:,.{digits}f}{unit}" if v is not None else ""
               for w, v in zip(trend.weeks, values)]]
    chart = charts.trend(weeks, [(key, name, values, [])], top=top, labels=labels, height=220)
    chart.x_labels = [(x, _week_label(m)) for (x, _label), m in zip(chart.x_labels, weeks)]
    chart.y_ticks = [(y, _compact(top * i / 4)) for i, (y, _label) in enumerate(chart.y_ticks)]
    return chart


def trend_context(trends: list[selectors.PartTrend], wanted: str) -> dict:
    selected = next((t for t in trends if t.part_number == wanted), trends[0] if trends else None)
    context: dict = {"trends": [{"trend": t, "spark": charts.sparkline([w.rate_ppm for w in t.weeks], top=None)}
                                for t in trends], "selected": selected}
    if selected is not None:
        context["ppm_chart"] = _chart(selected, key="ppm", name=_("Defect rate (ppm)"),
                                      values=[w.rate_ppm for w in selected.weeks], top=None, unit=" ppm", digits=0)
        context["yield_chart"] = _chart(selected, key="yield", name=_("Yield (%)"),
                                        values=[w.yield_pct for w in selected.weeks], top=100.0, unit=" %", digits=2)
    return context


@require_safe
@supplier_required
def lot_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(request, selectors.production_lots_for(supplier=request.supplier, search=q))
    lots = selectors.lots_with_details(supplier=request.supplier, rows=list(page.object_list))
    trends = selectors.weekly_trend_for(supplier=request.supplier)
    return render(request, "production_quality/lots.html", {
        "page": page, "lots": lots, "q": q, **trend_context(trends, request.GET.get("part", "")[:35]),
    })


@require_safe
@supplier_required
def lot_detail(request: HttpRequest, part_pk: int, lot: str) -> HttpResponse:
    found = selectors.production_lot_get(supplier=request.supplier, part_pk=part_pk, lot=lot)
    results = paginate(request, selectors.lot_results(supplier=request.supplier, lot=found), per_page=50)
    return render(request, "production_quality/lot.html", {
        "lot": found, "page": results, "thresholds": selectors.lot_thresholds(lot=found),
        "back": reverse("production_quality:lots"),
    })

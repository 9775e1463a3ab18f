"""The supplier's own scorecard in the portal: grade, 12-month trend, every number's evidence, CSV.

Every read goes through a selector taking ``request.supplier``: another supplier's figure or
evidence is a 404, by page, link or export.
"""

from __future__ import annotations

import csv
from datetime import date

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from portal.views.common import supplier_required
from suppliers.scorecards import kpis, present, selectors


def _month_or_404(value: str) -> date:
    month = present.month_param(value)
    if month is None:
        raise Http404("bad month")
    return month


def _evidence_url(kpi: str, period: str, month: date) -> str:
    return reverse("scorecards:evidence", args=[kpi, period, f"{month:%Y-%m}"])


@supplier_required
def scorecard(request: HttpRequest) -> HttpResponse:
    month = present.month_param(request.GET.get("month"))
    page = selectors.scorecard_for(supplier=request.supplier, month=month)
    if page is None:
        return render(request, "scorecards/scorecard.html", {"sc": None}, status=404 if month else 200)
    context = present.scorecard_context(
        page, evidence_url=_evidence_url, month_url=lambda m: f"{reverse('scorecards:current')}?month={m:%Y-%m}")
    context["available"] = selectors.months_for(supplier=request.supplier)
    return render(request, "scorecards/scorecard.html", context)


def _evidence(request: HttpRequest, kpi: str, period: str, month: str):
    result = selectors.kpi_result_get(supplier=request.supplier, kpi=kpi, period=period, month=_month_or_404(month))
    misses = request.GET.get("misses") == "1"
    return result, selectors.evidence_for(supplier=request.supplier, result=result, misses_only=misses), misses


@supplier_required
def evidence(request: HttpRequest, kpi: str, period: str, month: str) -> HttpResponse:
    result, ev, misses = _evidence(request, kpi, period, month)
    page = Paginator(ev.rows, 50).get_page(request.GET.get("page"))
    links = present.PortalLinks()
    return render(request, "scorecards/evidence.html", {
        "result": result, "ev": ev, "kpi": kpis.BY_CODE[kpi], "page": page, "misses": misses,
        "headers": present.headers(kpi), "table": present.table(kpi, page.object_list, links, result.run.parameters),
        "notice_headers": present.NOTICE_HEADERS, "notices": present.notice_table(ev.notices, links),
        "value": present.value_text(kpi, result.value),
        "back": f"{reverse('scorecards:current')}?month={result.month:%Y-%m}",
        "export": reverse("scorecards:evidence_export", args=[kpi, period, month]),
        "rules": result.run.parameters,
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


def evidence_csv(ev: selectors.Evidence, kpi: str, links) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(present.headers(kpi) + ["ok"])
        for r in ev.rows:
            cells = present.table(kpi, [r], links)[0]
            yield writer.writerow([c.text for c in cells] + [int(r["verdict"])])
        if ev.notices:
            yield writer.writerow([])
            yield writer.writerow([str(h) for h in present.NOTICE_HEADERS])
            for cells in present.notice_table(ev.notices, links):
                yield writer.writerow([c.text for c in cells])

    return StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")


@supplier_required
def evidence_export(request: HttpRequest, kpi: str, period: str, month: str) -> StreamingHttpResponse:
    result, ev, _misses = _evidence(request, kpi, period, month)
    response = evidence_csv(ev, kpi, present.PortalLinks())
    response["Content-Disposition"] = (f'attachment; filename="scorecard-{request.supplier.code}-{kpi}-{period}-'
                                       f'{result.month:%Y-%m}.csv"')
    return response


def history_csv(*, supplier, month: date) -> HttpResponse:
    """Every KPI and the overall score, monthly and rolling, for the 12 months ending ``month``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(["supplier", "period", "month", "kpi", "weight", "evidence_rows", "rows_on_target", "qa", "qb",
                     "value", "score", "grade", "counted", "run", "computed_at"])
    results = list(selectors.history_for(supplier=supplier, month=month))
    first = min((r.month for r in results), default=month)
    for r in results:
        weight = (r.run.parameters.get("weights") or {}).get(r.kpi, "")
        writer.writerow([supplier.code, r.period, f"{r.month:%Y-%m}", r.kpi, weight, r.units, r.ok_units, r.qa, r.qb,
                         "" if r.value is None else r.value, "" if r.score is None else r.score, "",
                         int(r.score is not None), r.run_id, r.run.finished_at.isoformat() if r.run.finished_at else ""])
    for (period, m), card in sorted(selectors.scorecards_by_key(supplier=supplier, first=first, last=month).items()):
        # The overall row: weight = the weights of the KPIs that counted, counted = how many KPIs.
        writer.writerow([supplier.code, period, f"{m:%Y-%m}", "overall", card.weight_counted, "", "", "", "", "",
                         card.score, card.grade, card.kpis_counted, card.run_id, ""])
    response["Content-Disposition"] = f'attachment; filename="scorecard-{supplier.code}-{month:%Y-%m}.csv"'
    return response


@supplier_required
def export(request: HttpRequest) -> HttpResponse:
    month = present.month_param(request.GET.get("month")) or selectors.latest_month(supplier=request.supplier)
    if month is None:
        raise Http404("no scorecard yet")
    return history_csv(supplier=request.supplier, month=month)

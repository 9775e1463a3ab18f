"""Reads of supplier scorecards. Supplier-facing selectors take ``supplier=`` and filter by it; the
evidence behind a number is read with the same row queries that produced it (``facts``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from suppliers.models import Supplier
from suppliers.scorecards import facts, kpis
from suppliers.scorecards.compute import add_months, month_index
from suppliers.scorecards.facts import Rules, Scope
from suppliers.scorecards.models import KpiResult, Scorecard, ScorecardRun

# --- the scorecard page ---------------------------------------------------------------------------

@dataclass
class KpiRow:
    kpi: kpis.Kpi
    weight: int
    month: KpiResult | None
    rolling: KpiResult | None
    trend: list[Decimal | None]  # the monthly value, oldest first

    @property
    def code(self) -> str:
        return self.kpi.code


@dataclass
class ScorecardPage:
    supplier: Supplier
    month: date
    months: list[date]
    rolling: Scorecard | None
    monthly: Scorecard | None
    rows: list[KpiRow]
    trend_monthly: list[Scorecard | None]
    trend_rolling: list[Scorecard | None]
    run: ScorecardRun | None  # the run whose rules made the grade shown
    checked: ScorecardRun | None = None  # the latest run that computed this month (it may have changed nothing)
    available: list[date] = field(default_factory=list)

    @property
    def rules(self) -> dict[str, Any]:
        return self.run.parameters if self.run else {}

    @property
    def weight_total_counted(self) -> int:
        return self.rolling.weight_counted if self.rolling else 0


def latest_month(*, supplier: Supplier | None = None) -> date | None:
    qs = Scorecard.objects.filter(period=kpis.ROLLING)
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    return qs.aggregate(m=Max("month"))["m"]


def months_for(*, supplier: Supplier) -> list[date]:
    """The months that have a rolling scorecard, newest first (for the month picker)."""
    return list(Scorecard.objects.filter(supplier=supplier, period=kpis.ROLLING)
                .order_by("-month").values_list("month", flat=True)[:60])


def scorecard_for(*, supplier: Supplier, month: date | None = None) -> ScorecardPage | None:
    """The supplier's scorecard for ``month`` (default: the latest computed) with 12 months of trend."""
    month = (month or latest_month(supplier=supplier))
    if month is None:
        return None
    month = month.replace(day=1)
    first = add_months(month, -(kpis.ROLLING_MONTHS - 1))
    months = [add_months(first, i) for i in range(kpis.ROLLING_MONTHS)]
    cards = {(c.period, c.month): c for c in
             Scorecard.objects.filter(supplier=supplier, month__gte=first, month__lte=month).select_related("run")}
    results = {(r.period, r.month, r.kpi): r for r in
               KpiResult.objects.filter(supplier=supplier, month__gte=first, month__lte=month).select_related("run")}
    rolling, monthly = cards.get((kpis.ROLLING, month)), cards.get((kpis.MONTH, month))
    anchor = rolling or monthly or results.get((kpis.ROLLING, month, kpis.ON_TIME))
    run = anchor.run if anchor is not None else next(
        (r.run for (p, m, _k), r in results.items() if m == month), None)
    if run is None and not cards:
        return None
    weights = (run.parameters.get("weights") if run else None) or kpis.DEFAULT_WEIGHTS
    rows = []
    for k in kpis.KPIS:
        trend = []
        for m in months:
            r = results.get((kpis.MONTH, m, k.code))
            trend.append(r.value if r is not None and r.score is not None else None)
        rows.append(KpiRow(kpi=k, weight=int(weights.get(k.code, 0)), month=results.get((kpis.MONTH, month, k.code)),
                           rolling=results.get((kpis.ROLLING, month, k.code)), trend=trend))
    return ScorecardPage(
        supplier=supplier, month=month, months=months, rolling=rolling, monthly=monthly, rows=rows,
        trend_monthly=[cards.get((kpis.MONTH, m)) for m in months],
        trend_rolling=[cards.get((kpis.ROLLING, m)) for m in months], run=run,
        checked=last_run_for(supplier=supplier, month=month) or run,
    )


def last_run_for(*, supplier: Supplier, month: date) -> ScorecardRun | None:
    """The latest finished run that covered this supplier and month."""
    from django.db.models import Q

    return (ScorecardRun.objects.filter(Q(supplier=supplier) | Q(supplier__isnull=True), status=ScorecardRun.Status.DONE,
                                        first_month__lte=month, last_month__gte=month)
            .order_by("-finished_at").first())


def dashboard_summary_for(*, supplier: Supplier) -> dict[str, Any] | None:
    """The latest rolling scorecard and its 12-month trend, in two queries."""
    latest = (Scorecard.objects.filter(supplier=supplier, period=kpis.ROLLING).order_by("-month").first())
    if latest is None:
        return None
    first = add_months(latest.month, -(kpis.ROLLING_MONTHS - 1))
    by_month = {c.month: c for c in Scorecard.objects.filter(supplier=supplier, period=kpis.ROLLING,
                                                               month__gte=first, month__lte=latest.month)}
    trend = [by_month.get(add_months(first, i)) for i in range(kpis.ROLLING_MONTHS)]
    return {"latest": latest, "trend": [t for t in trend if t is not None], "trend_all": trend}


def kpi_result_get(*, supplier: Supplier, kpi: str, period: str, month: date) -> KpiResult:
    """One stored KPI figure of this supplier; 404 for another supplier's, or none."""
    if kpi not in kpis.BY_CODE or period not in kpis.PERIODS:
        raise Http404("no such KPI or period")
    qs = KpiResult.objects.filter(supplier=supplier).select_related("run", "supplier")
    return get_object_or_404(qs, kpi=kpi, period=period, month=month)


# --- evidence ---------------------------------------------------------------------------------

_DATES = {"day", "received_on", "due", "requested_date", "confirmed_date", "order_date", "invoice_date", "start", "end"}
_MOMENTS = {"asn_submitted_at", "issued_at", "published_at", "superseded_at", "raised_at"}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands dates and timestamps back as text from a raw cursor; PostgreSQL as objects."""
    for key in _DATES & row.keys():
        if isinstance(row[key], str):
            row[key] = date.fromisoformat(row[key][:10])
    for key in _MOMENTS & row.keys():
        value = row[key]
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # SQLite keeps UTC without a zone
        row[key] = value
    return row


class RowSet:
    """Rows of an evidence query, sliceable and countable so Django's Paginator can page them."""

    def __init__(self, sql: str, params: tuple, *, where: str, order: str):
        self.sql, self.params, self.where, self.order = sql, params, where, order
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cur:
                cur.execute(f"SELECT COUNT(*) FROM ({self.sql}) e WHERE {self.where}", self.params)
                self._count = int(cur.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _fetch(self, limit: int | None, offset: int) -> list[dict[str, Any]]:
        sql = f"SELECT * FROM ({self.sql}) e WHERE {self.where} ORDER BY {self.order}"
        params: tuple = self.params
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params = (*params, limit, offset)
        with connection.cursor() as cur:
            cur.execute(sql, params)
            names = [c[0] for c in cur.description]
            return [_clean(dict(zip(names, row))) for row in cur.fetchall()]

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = index.start or 0
            stop = index.stop
            return self._fetch(None if stop is None else max(stop - start, 0), start)
        rows = self._fetch(1, index)
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._fetch(None, 0))


@dataclass
class Evidence:
    result: KpiResult
    rows: RowSet
    units: int
    ok_units: int
    qa: Decimal = Decimal(0)
    qb: Decimal = Decimal(0)
    notices: list[dict[str, Any]] = field(default_factory=list)
    since: date | None = None
    until: date | None = None

    @property
    def matches(self) -> bool:
        """The evidence read now still gives the stored figures (the data did not change since)."""
        r = self.result
        same = self.units == r.units and self.ok_units == r.ok_units
        if r.kpi in (kpis.QUALITY, kpis.FORECAST_COMMIT):
            same = same and abs(self.qa - r.qa) < Decimal("0.01") and abs(self.qb - r.qb) < Decimal("0.01")
        return same


# kpi -> (family of rows, which rows are units, the verdict (1: on target), order: misses first)
_EVIDENCE = {
    kpis.ON_TIME: (facts.delivery_rows, "1 = 1", "x.on_time", "e.verdict, e.received_on, e.pk"),
    kpis.ASN_TIMELINESS: (facts.delivery_rows, "1 = 1", "x.asn_timely", "e.verdict, e.received_on, e.pk"),
    kpis.ASN_ACCURACY: (facts.delivery_rows, "e.has_asn = 1", "x.asn_accurate", "e.verdict, e.received_on, e.pk"),
    kpis.QUALITY: (facts.delivery_rows, "1 = 1", "CASE WHEN x.rejected > 0 THEN 0 ELSE 1 END",
                   "e.rejected DESC, e.received_on, e.pk"),
    kpis.QUANTITY: (facts.order_line_rows, "1 = 1", "x.ok", "e.verdict, e.due, e.pk"),
    kpis.RESPONSE: (facts.order_rows, "e.counted = 1", "x.ok", "e.verdict, e.issued_at, e.pk"),
    kpis.FORECAST_COMMIT: (facts.bucket_rows, "1 = 1", "x.ok", "e.verdict, e.published_at, e.start, e.pk"),
    kpis.PRICE: (facts.invoice_line_rows, "1 = 1", "x.ok", "e.verdict, e.invoice_date, e.pk"),
}


def evidence_for(*, supplier: Supplier, result: KpiResult, misses_only: bool = False) -> Evidence:
    """The lines that made ``result`` (one of ``supplier``'s), with their verdicts, as the run
    counted them: the run's rules and as-of moment, the same queries, this supplier only."""
    if result.supplier_id != supplier.pk:
        raise Http404("not this supplier's result")
    run = result.run
    rules = Rules.from_snapshot(run.parameters, as_of=run.as_of)
    since = result.month if result.period == kpis.MONTH else add_months(result.month, -(kpis.ROLLING_MONTHS - 1))
    scope = Scope(since=since, until=add_months(result.month, 1), supplier_id=supplier.pk, detail=True)
    builder, unit_filter, ok, order = _EVIDENCE[result.kpi]
    built = builder(rules, scope)
    if built is None:
        built = ("SELECT 1 AS pk, 0 AS ok WHERE 1 = 0", ())
    sql, params = built
    sql = f"SELECT x.*, {ok} AS verdict FROM ({sql}) x"
    where = unit_filter + (" AND e.verdict = 0" if misses_only else "")
    rows = RowSet(sql, params, where=where, order=order)
    extra = {"qa": "0", "qb": "0"}
    if result.kpi == kpis.QUALITY:
        extra = {"qa": "SUM(e.received)", "qb": "SUM(e.rejected)"}
    elif result.kpi == kpis.FORECAST_COMMIT:
        extra = {"qa": "SUM(e.forecast)", "qb": "SUM(e.committed)"}
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*), SUM(e.verdict), {extra['qa']}, {extra['qb']} FROM ({sql}) e WHERE {unit_filter}",
                    params)
        n, ok_n, qa, qb = cur.fetchone()
    evidence = Evidence(result=result, rows=rows, units=int(n or 0), ok_units=int(ok_n or 0),
                        qa=Decimal(str(qa or 0)), qb=Decimal(str(qb or 0)), since=since, until=scope.until)
    if result.kpi == kpis.QUALITY:
        notice_sql = facts.notice_rows(rules, scope)
        if notice_sql is not None:
            nsql, nparams = notice_sql
            with connection.cursor() as cur:
                cur.execute(f"SELECT * FROM ({nsql}) e ORDER BY e.day, e.pk", nparams)
                names = [c[0] for c in cur.description]
                evidence.notices = [_clean(dict(zip(names, r))) for r in cur.fetchall()]
            evidence.qb += sum((Decimal(str(n["excess"] or 0)) for n in evidence.notices), Decimal(0))
    return evidence


# --- the console ---------------------------------------------------------------------------------

def scorecards_list(*, period: str = kpis.ROLLING, month: date | None = None) -> QuerySet[Scorecard]:
    """Every supplier's scorecard of one period (buyer only)."""
    month = month or latest_month()
    return (Scorecard.objects.filter(period=period, month=month).select_related("supplier", "run")
            .order_by("score", "supplier__code"))


def history_for(*, supplier: Supplier, month: date, months: int = kpis.ROLLING_MONTHS) -> QuerySet[KpiResult]:
    """The KPI results of the ``months`` months ending with ``month`` (for the CSV export)."""
    first = add_months(month, -(months - 1))
    return (KpiResult.objects.filter(supplier=supplier, month__gte=first, month__lte=month)
            .select_related("run").order_by("period", "month", "kpi"))


def scorecards_by_key(*, supplier: Supplier, first: date, last: date) -> dict[tuple[str, date], Scorecard]:
    return {(c.period, c.month): c for c in
            Scorecard.objects.filter(supplier=supplier, month__gte=first, month__lte=last)}


__all__ = ["Evidence", "KpiRow", "RowSet", "ScorecardPage", "dashboard_summary_for", "evidence_for", "history_for",
           "kpi_result_get", "latest_month", "month_index", "months_for", "scorecard_for", "scorecards_list"]

"""The computation, in the database: a handful of statements, whatever the number of suppliers.

1. delete the results of the run's scope (suppliers, months);
2. one INSERT ... SELECT: every family of evidence (``facts``) grouped by supplier and month,
   unpivoted into one row per KPI with its inputs (units, ok_units, qa, qb);
3. one INSERT ... SELECT: rolling 12 months as sums of those monthly inputs;
4. one UPDATE: value and score of every row from its inputs (one formula per KPI);
5. one INSERT ... SELECT: the weighted score and grade, over the KPIs that had evidence.

Monthly rows are computed for the 11 months before the first month too, so that every rolling
figure of the run comes from rows of the same run. Nothing loops over lines in Python.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection

from suppliers.scorecards import facts, kpis
from suppliers.scorecards.facts import Rules, Scope, _lit
from suppliers.scorecards.models import KpiResult, Scorecard, ScorecardRun


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_of_index(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


def add_months(d: date, n: int) -> date:
    return month_of_index(month_index(d) + n)


def _q(table: type) -> str:
    return connection.ops.quote_name(table._meta.db_table)


def _kpi_list(codes: list[str]) -> str:
    return " UNION ALL ".join(f"SELECT '{c}' AS kpi" for c in codes)


def partials(rules: Rules, scope: Scope) -> tuple[str, tuple]:
    """(s_id, m, mi, kpi, units, ok, qa, qb) from every family; several rows per key may occur."""
    parts: list[str] = []
    params: list[Any] = []

    rows, p = facts.delivery_rows(rules, scope)
    delivery_kpis = [kpis.ON_TIME, kpis.ASN_TIMELINESS, kpis.ASN_ACCURACY, kpis.QUALITY]
    parts.append(
        "SELECT d.s_id, d.m, d.mi, k.kpi, "
        f"CASE k.kpi WHEN '{kpis.ASN_ACCURACY}' THEN d.n_asn ELSE d.n END AS units, "
        f"CASE k.kpi WHEN '{kpis.ON_TIME}' THEN d.on_time WHEN '{kpis.ASN_TIMELINESS}' THEN d.asn_timely "
        f"WHEN '{kpis.ASN_ACCURACY}' THEN d.asn_accurate ELSE d.clean END AS ok, "
        f"CASE k.kpi WHEN '{kpis.QUALITY}' THEN d.received ELSE 0 END AS qa, "
        f"CASE k.kpi WHEN '{kpis.QUALITY}' THEN d.rejected ELSE 0 END AS qb "
        "FROM (SELECT v.s_id, v.m, v.mi, COUNT(*) AS n, SUM(v.has_asn) AS n_asn, SUM(v.on_time) AS on_time, "
        "SUM(v.asn_timely) AS asn_timely, SUM(v.asn_accurate) AS asn_accurate, SUM(v.received) AS received, "
        "SUM(CASE WHEN v.rejected > 0 THEN 0 ELSE 1 END) AS clean, "
        f"SUM(v.rejected) AS rejected FROM ({rows}) v GROUP BY v.s_id, v.m, v.mi) d "
        f"CROSS JOIN ({_kpi_list(delivery_kpis)}) k"
    )
    params += p

    rows, p = facts.order_line_rows(rules, scope)
    parts.append(f"SELECT v.s_id, v.m, v.mi, '{kpis.QUANTITY}' AS kpi, COUNT(*) AS units, SUM(v.ok) AS ok, "
                 f"0 AS qa, 0 AS qb FROM ({rows}) v GROUP BY v.s_id, v.m, v.mi")
    params += p

    rows, p = facts.order_rows(rules, scope)
    parts.append(f"SELECT v.s_id, v.m, v.mi, '{kpis.RESPONSE}' AS kpi, SUM(v.counted) AS units, SUM(v.ok) AS ok, "
                 "CAST(SUM(CASE WHEN v.hours IS NULL THEN 0 ELSE v.hours END) AS DECIMAL(20, 3)) AS qa, "
                 "SUM(CASE WHEN v.hours IS NULL THEN 0 ELSE 1 END) AS qb "
                 f"FROM ({rows}) v GROUP BY v.s_id, v.m, v.mi")
    params += p

    bucket = facts.bucket_rows(rules, scope)
    if bucket is not None:
        rows, p = bucket
        parts.append(f"SELECT v.s_id, v.m, v.mi, '{kpis.FORECAST_COMMIT}' AS kpi, COUNT(*) AS units, "
                     "SUM(v.ok) AS ok, SUM(v.forecast) AS qa, SUM(v.committed) AS qb "
                     f"FROM ({rows}) v GROUP BY v.s_id, v.m, v.mi")
        params += p

    rows, p = facts.invoice_line_rows(rules, scope)
    parts.append(f"SELECT v.s_id, v.m, v.mi, '{kpis.PRICE}' AS kpi, COUNT(*) AS units, SUM(v.ok) AS ok, "
                 f"0 AS qa, 0 AS qb FROM ({rows}) v GROUP BY v.s_id, v.m, v.mi")
    params += p

    notices = facts.notice_rows(rules, scope)
    if notices is not None:
        rows, p = notices
        parts.append(f"SELECT v.s_id, v.m, v.mi, '{kpis.QUALITY}' AS kpi, 0 AS units, 0 AS ok, 0 AS qa, "
                     f"SUM(v.excess) AS qb FROM ({rows}) v GROUP BY v.s_id, v.m, v.mi")
        params += p

    return " UNION ALL ".join(parts), tuple(params)


def _value_sql(rules: Rules) -> tuple[str, str]:
    """SQL for a row's value and score, from its own inputs (the same for months and rolling)."""
    rate = "CASE WHEN units > 0 THEN ROUND(ok_units * 100.0 / units, 2) END"
    ppm = "qb * 1000000.0 / qa"
    limit = int(rules.ppm_limit)
    value = (f"CASE kpi WHEN '{kpis.QUALITY}' THEN CASE WHEN qa > 0 THEN ROUND({ppm}, 2) END "
             f"WHEN '{kpis.FORECAST_COMMIT}' THEN CASE WHEN qa > 0 THEN ROUND(qb * 100.0 / qa, 2) END "
             f"ELSE {rate} END")
    score = (f"CASE WHEN units = 0 THEN NULL "
             f"WHEN kpi = '{kpis.QUALITY}' THEN CASE WHEN qa > 0 THEN "
             f"CASE WHEN {ppm} >= {limit} THEN 0 ELSE ROUND(100 - qb * 100000000.0 / (qa * {limit}), 2) END END "
             f"ELSE {value} END")
    return value, score


def _weight_sql(rules: Rules) -> str:
    whens = " ".join(f"WHEN '{code}' THEN {int(rules.weights.get(code, 0))}" for code in kpis.CODES)
    return f"CASE r.kpi {whens} ELSE 0 END"


def _tune(cursor) -> None:
    if connection.vendor == "postgresql":
        # Sorts and hashes of a full recompute fit in memory; only this transaction is affected.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [getattr(settings, "SCORECARDS_WORK_MEM", "256MB")])


def compute(*, run: ScorecardRun) -> dict[str, int]:
    """Replace the results of the run's scope. Must run inside a transaction (the caller's)."""
    rules = Rules.from_snapshot(run.parameters, as_of=run.as_of)
    first_i, last_i = month_index(run.first_month), month_index(run.last_month)
    monthly_first_i = first_i - (kpis.ROLLING_MONTHS - 1)
    scope = Scope(since=month_of_index(monthly_first_i), until=month_of_index(last_i + 1), supplier_id=run.supplier_id)
    kr, sc = _q(KpiResult), _q(Scorecard)
    only = " AND supplier_id = %s" if run.supplier_id else ""
    who = [run.supplier_id] if run.supplier_id else []
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        _tune(cur)
        for table in (kr, sc):
            cur.execute(f"DELETE FROM {table} WHERE period = %s AND month_index BETWEEN %s AND %s{only}",
                        [kpis.MONTH, monthly_first_i, last_i, *who])
            cur.execute(f"DELETE FROM {table} WHERE period = %s AND month_index BETWEEN %s AND %s{only}",
                        [kpis.ROLLING, first_i, last_i, *who])

        union, params = partials(rules, scope)
        cur.execute(
            f"INSERT INTO {kr} (run_id, supplier_id, period, month, month_index, kpi, units, ok_units, qa, qb) "
            f"SELECT %s, u.s_id, %s, u.m, u.mi, u.kpi, SUM(u.units), SUM(u.ok), SUM(u.qa), SUM(u.qb) "
            f"FROM ({union}) u GROUP BY u.s_id, u.m, u.mi, u.kpi HAVING SUM(u.units) > 0 OR SUM(u.qb) > 0",
            [run.pk, kpis.MONTH, *params],
        )
        counts["monthly_kpis"] = cur.rowcount

        window = " UNION ALL ".join("SELECT %s AS month, %s AS mi" for _ in range(first_i, last_i + 1))
        window_params: list[Any] = []
        for i in range(first_i, last_i + 1):
            window_params += [connection.ops.adapt_datefield_value(month_of_index(i)), i]
        cur.execute(
            f"INSERT INTO {kr} (run_id, supplier_id, period, month, month_index, kpi, units, ok_units, qa, qb) "
            f"SELECT %s, r.supplier_id, %s, w.month, w.mi, r.kpi, SUM(r.units), SUM(r.ok_units), SUM(r.qa), SUM(r.qb) "
            f"FROM {kr} r JOIN ({window}) w ON r.month_index > w.mi - {kpis.ROLLING_MONTHS} AND r.month_index <= w.mi "
            f"WHERE r.run_id = %s AND r.period = %s GROUP BY r.supplier_id, w.month, w.mi, r.kpi",
            [run.pk, kpis.ROLLING, *window_params, run.pk, kpis.MONTH],
        )
        counts["rolling_kpis"] = cur.rowcount

        value, score = _value_sql(rules)
        cur.execute(f"UPDATE {kr} SET value = {value}, score = {score} WHERE run_id = %s", [run.pk])

        weight = _weight_sql(rules)
        g = rules.grades
        cur.execute(
            f"INSERT INTO {sc} (run_id, supplier_id, period, month, month_index, score, grade, weight_counted, "
            f"kpis_counted) SELECT %s, t.supplier_id, t.period, t.month, t.month_index, t.score, "
            f"CASE WHEN t.score >= {_lit(g['A'])} THEN 'A' WHEN t.score >= {_lit(g['B'])} THEN 'B' "
            f"WHEN t.score >= {_lit(g['C'])} THEN 'C' ELSE 'D' END, "
            f"t.w, t.k FROM (SELECT r.supplier_id, r.period, r.month, r.month_index, "
            f"ROUND(SUM(r.score * {weight}) / SUM({weight}), 2) AS score, SUM({weight}) AS w, COUNT(*) AS k "
            f"FROM {kr} r WHERE r.run_id = %s AND r.score IS NOT NULL AND {weight} > 0 "
            f"GROUP BY r.supplier_id, r.period, r.month, r.month_index) t",
            [run.pk, run.pk],
        )
        counts["scorecards"] = cur.rowcount
    return counts

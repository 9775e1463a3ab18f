"""The computation, in the database: a handful of statements, whatever the number of suppliers.

1. monthly inputs: every family of evidence (``facts``) grouped by supplier and month and
   unpivoted into one row per KPI with its inputs (units, ok_units, qa, qb), into a temporary table;
2. rolling 12 months: running sums of those monthly inputs;
3. value and score of every row from its inputs (one SQL formula per KPI), then the weighted
   score and grade per supplier and period over the KPIs that had evidence;
4. only the differences are written to the result tables.

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
    """(s_id, m, kpi, units, ok, qa, qb) from every family; several rows per key may occur."""
    parts: list[str] = []
    params: list[Any] = []

    def grouped(rows: str, select: str) -> str:
        m = facts.month_sql("v.day")
        return f"SELECT v.s_id, {m} AS m, {select} FROM ({rows}) v GROUP BY v.s_id, {m}"

    rows, p = facts.delivery_rows(rules, scope)
    monthly = grouped(rows, "COUNT(*) AS n, SUM(v.has_asn) AS n_asn, SUM(v.on_time) AS on_time, "
                            "SUM(v.asn_timely) AS asn_timely, SUM(v.asn_accurate) AS asn_accurate, "
                            "SUM(v.received) AS received, SUM(v.rejected) AS rejected, "
                            "SUM(CASE WHEN v.rejected > 0 THEN 0 ELSE 1 END) AS clean")
    delivery_kpis = [kpis.ON_TIME, kpis.ASN_TIMELINESS, kpis.ASN_ACCURACY, kpis.QUALITY]
    parts.append(
        "SELECT d.s_id, d.m, k.kpi, "
        f"CASE k.kpi WHEN '{kpis.ASN_ACCURACY}' THEN d.n_asn ELSE d.n END AS units, "
        f"CASE k.kpi WHEN '{kpis.ON_TIME}' THEN d.on_time WHEN '{kpis.ASN_TIMELINESS}' THEN d.asn_timely "
        f"WHEN '{kpis.ASN_ACCURACY}' THEN d.asn_accurate ELSE d.clean END AS ok, "
        f"CASE k.kpi WHEN '{kpis.QUALITY}' THEN d.received ELSE 0 END AS qa, "
        f"CASE k.kpi WHEN '{kpis.QUALITY}' THEN d.rejected ELSE 0 END AS qb "
        f"FROM ({monthly}) d CROSS JOIN ({_kpi_list(delivery_kpis)}) k"
    )
    params += p

    rows, p = facts.order_line_rows(rules, scope)
    parts.append(grouped(rows, f"'{kpis.QUANTITY}' AS kpi, COUNT(*) AS units, SUM(v.ok) AS ok, 0 AS qa, 0 AS qb"))
    params += p

    rows, p = facts.order_rows(rules, scope)
    parts.append(grouped(rows, f"'{kpis.RESPONSE}' AS kpi, SUM(v.counted) AS units, SUM(v.ok) AS ok, "
                               "CAST(SUM(CASE WHEN v.hours IS NULL THEN 0 ELSE v.hours END) AS DECIMAL(20, 3)) AS qa, "
                               "SUM(CASE WHEN v.hours IS NULL THEN 0 ELSE 1 END) AS qb"))
    params += p

    bucket = facts.bucket_rows(rules, scope)
    if bucket is not None:
        rows, p = bucket
        parts.append(grouped(rows, f"'{kpis.FORECAST_COMMIT}' AS kpi, COUNT(*) AS units, SUM(v.ok) AS ok, "
                                   "SUM(v.forecast) AS qa, SUM(v.committed) AS qb"))
        params += p

    rows, p = facts.invoice_line_rows(rules, scope)
    parts.append(grouped(rows, f"'{kpis.PRICE}' AS kpi, COUNT(*) AS units, SUM(v.ok) AS ok, 0 AS qa, 0 AS qb"))
    params += p

    notices = facts.notice_rows(rules, scope)
    if notices is not None:
        rows, p = notices
        parts.append(grouped(rows, f"'{kpis.QUALITY}' AS kpi, 0 AS units, 0 AS ok, 0 AS qa, SUM(v.excess) AS qb"))
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
        # Sorts and hashes of a full recompute fit in memory, and no JIT (compiling these wide plans
        # costs more than it saves); only this transaction is affected.
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                       [getattr(settings, "SCORECARDS_WORK_MEM", "256MB")])
        workers = getattr(settings, "SCORECARDS_PARALLEL_WORKERS", None)
        if workers is not None:  # cores PostgreSQL may use for one step (default: the server's setting)
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [str(int(workers))])


STAGING = ("scorecards_month", "scorecards_rolling", "scorecards_new", "scorecards_cards")


def compute(*, run: ScorecardRun) -> dict[str, int]:
    """Bring the results of the run's scope up to date. Must run inside a transaction (the caller's).

    Everything is computed into temporary tables, then only the differences are written: a
    recompute of unchanged data changes no row (and says so in its counts), which is both the
    reproducibility check and what keeps a nightly run cheap.
    """
    rules = Rules.from_snapshot(run.parameters, as_of=run.as_of)
    first_i, last_i = month_index(run.first_month), month_index(run.last_month)
    monthly_first_i = first_i - (kpis.ROLLING_MONTHS - 1)
    scope = Scope(since=month_of_index(monthly_first_i), until=month_of_index(last_i + 1), supplier_id=run.supplier_id)
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        _tune(cur)
        for table in STAGING:
            cur.execute(f"DROP TABLE IF EXISTS {table}")

        # 1. Monthly inputs. A CREATE TABLE AS, because PostgreSQL runs that on several cores
        #    (never an INSERT ... SELECT).
        union, params = partials(rules, scope)
        cur.execute(
            f"CREATE TEMPORARY TABLE scorecards_month AS SELECT t.s_id, t.m, {facts.month_index_sql('t.m')} AS mi, "
            "t.kpi, t.units, t.ok_units, t.qa, t.qb FROM (SELECT u.s_id, u.m, u.kpi, SUM(u.units) AS units, "
            "SUM(u.ok) AS ok_units, ROUND(SUM(u.qa), 3) AS qa, ROUND(SUM(u.qb), 3) AS qb "
            f"FROM ({union}) u GROUP BY u.s_id, u.m, u.kpi HAVING SUM(u.units) > 0 OR SUM(u.qb) > 0) t",
            params,
        )
        # 2. Rolling 12 months: sums of the monthly inputs (never averages of averages), as a
        #    running sum over every supplier and KPI's months, gaps included.
        months = " UNION ALL ".join("SELECT %s AS month, %s AS mi" for _ in range(monthly_first_i, last_i + 1))
        month_params: list[Any] = []
        for i in range(monthly_first_i, last_i + 1):
            month_params += [connection.ops.adapt_datefield_value(month_of_index(i)), i]
        frame = f"PARTITION BY g.s_id, g.kpi ORDER BY w.mi ROWS BETWEEN {kpis.ROLLING_MONTHS - 1} PRECEDING AND CURRENT ROW"
        sums = ", ".join(f"SUM(CASE WHEN r.{c} IS NULL THEN 0 ELSE r.{c} END) OVER ({frame}) AS {c}"
                         for c in ("units", "ok_units", "qa", "qb"))
        cur.execute(
            "CREATE TEMPORARY TABLE scorecards_rolling AS SELECT x.s_id, x.m, x.mi, x.kpi, x.units, x.ok_units, x.qa, x.qb "
            f"FROM (SELECT g.s_id, g.kpi, w.month AS m, w.mi, {sums}, COUNT(r.s_id) OVER ({frame}) AS months_with_rows "
            f"FROM (SELECT DISTINCT s_id, kpi FROM scorecards_month) g CROSS JOIN ({months}) w "
            "LEFT JOIN scorecards_month r ON r.s_id = g.s_id AND r.kpi = g.kpi AND r.mi = w.mi) x "
            "WHERE x.mi >= %s AND x.months_with_rows > 0",
            [*month_params, first_i],
        )
        # 3. Value and score of every row, from its own inputs.
        value, score = _value_sql(rules)
        each = f"s_id, m, mi, kpi, units, ok_units, qa, qb, {value} AS value, {score} AS score"
        cur.execute(
            f"CREATE TEMPORARY TABLE scorecards_new AS SELECT '{kpis.MONTH}' AS period, {each} FROM scorecards_month "
            f"UNION ALL SELECT '{kpis.ROLLING}' AS period, {each} FROM scorecards_rolling"
        )
        # 4. The weighted score and grade over the KPIs with evidence.
        weight = _weight_sql(rules)
        g = rules.grades
        cur.execute(
            "CREATE TEMPORARY TABLE scorecards_cards AS SELECT t.s_id, t.period, t.m, t.mi, t.score, "
            f"CASE WHEN t.score >= {_lit(g['A'])} THEN 'A' WHEN t.score >= {_lit(g['B'])} THEN 'B' "
            f"WHEN t.score >= {_lit(g['C'])} THEN 'C' ELSE 'D' END AS grade, t.w, t.k "
            "FROM (SELECT r.s_id, r.period, r.m, r.mi, "
            f"ROUND(SUM(r.score * {weight}) / SUM({weight}), 2) AS score, SUM({weight}) AS w, COUNT(*) AS k "
            f"FROM scorecards_new r WHERE r.score IS NOT NULL AND {weight} > 0 "
            "GROUP BY r.s_id, r.period, r.m, r.mi) t"
        )
        if connection.vendor == "postgresql":
            # Temporary tables get no statistics by themselves; without them the joins below go
            # row by row.
            for table in ("scorecards_new", "scorecards_cards"):
                cur.execute(f"ANALYZE {table}")
        # 5. Write the differences.
        in_scope = ("((period = %s AND month_index BETWEEN %s AND %s) OR (period = %s AND month_index BETWEEN %s AND %s))"
                    + (" AND supplier_id = %s" if run.supplier_id else ""))
        scope_params = [kpis.MONTH, monthly_first_i, last_i, kpis.ROLLING, first_i, last_i]
        scope_params += [run.supplier_id] if run.supplier_id else []
        counts.update(_sync(cur, KpiResult, "scorecards_new", run=run, keys=["kpi"], in_scope=in_scope,
                            scope_params=scope_params, values={"month_index": "mi", "units": "units", "ok_units": "ok_units",
                                                               "qa": "qa", "qb": "qb", "value": "value", "score": "score"},
                            label="kpis"))
        counts.update(_sync(cur, Scorecard, "scorecards_cards", run=run, keys=[], in_scope=in_scope,
                            scope_params=scope_params, values={"month_index": "mi", "score": "score", "grade": "grade",
                                                               "weight_counted": "w", "kpis_counted": "k"},
                            label="scorecards"))
        written = sum(v for k, v in counts.items() if k.endswith(("_added", "_removed")))
        if connection.vendor == "postgresql" and written:
            # Fresh statistics for the next run's plans (autovacuum may not have looked yet).
            cur.execute(f"ANALYZE {_q(KpiResult)}")
            cur.execute(f"ANALYZE {_q(Scorecard)}")
        cur.execute("SELECT (SELECT COUNT(*) FROM scorecards_month), (SELECT COUNT(*) FROM scorecards_rolling), "
                    "(SELECT COUNT(*) FROM scorecards_cards)")
        counts["monthly_kpis"], counts["rolling_kpis"], counts["scorecards"] = (int(n) for n in cur.fetchone())
        for table in STAGING:
            cur.execute(f"DROP TABLE {table}")
    return counts


def _sync(cur, model, staging: str, *, run: ScorecardRun, keys: list[str], in_scope: str, scope_params: list,
          values: dict[str, str], label: str) -> dict[str, int]:
    """Make ``model``'s rows in scope equal to ``staging``: update rows whose figures changed,
    insert new ones, delete the ones no longer there. Unchanged rows keep the run that wrote them."""
    t = _q(model)
    match = " AND ".join([f"{t}.supplier_id = s.s_id", f"{t}.period = s.period", f"{t}.month = s.m"]
                         + [f"{t}.{k} = s.{k}" for k in keys])
    differs = " OR ".join(f"{t}.{col} IS DISTINCT FROM s.{src}" for col, src in values.items())
    cur.execute(f"UPDATE {t} SET run_id = %s, " + ", ".join(f"{col} = s.{src}" for col, src in values.items())
                + f" FROM {staging} s WHERE {match} AND ({differs})", [run.pk])
    changed = cur.rowcount
    cols = ["run_id", "supplier_id", "period", "month", *keys, *values]
    srcs = ["%s", "s.s_id", "s.period", "s.m", *[f"s.{k}" for k in keys], *[f"s.{src}" for src in values.values()]]
    # Rows whose evidence went away, before the inserts (so they are not scanned again).
    cur.execute(f"DELETE FROM {t} WHERE {in_scope} AND NOT EXISTS (SELECT 1 FROM {staging} s WHERE {match})",
                scope_params)
    removed = cur.rowcount
    exists = match.replace(f"{t}.", "x.")
    # The new rows are picked out first: an INSERT whose NOT EXISTS reads the table it writes would
    # scan its own new rows again for every row (quadratic when the table looks empty).
    cur.execute("DROP TABLE IF EXISTS scorecards_added")
    cur.execute(f"CREATE TEMPORARY TABLE scorecards_added AS SELECT s.* FROM {staging} s "
                f"WHERE NOT EXISTS (SELECT 1 FROM {t} x WHERE {exists})")
    cur.execute(f"INSERT INTO {t} ({', '.join(cols)}) SELECT {', '.join(srcs)} FROM scorecards_added s", [run.pk])
    added = cur.rowcount
    cur.execute("DROP TABLE scorecards_added")
    return {f"{label}_changed": changed, f"{label}_added": added, f"{label}_removed": removed}

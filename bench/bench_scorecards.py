"""Scorecard benchmark: a full recompute of 1,000 suppliers and 1,000,000 goods receipt lines.

    .venv/bin/python bench/bench_scorecards.py [--suppliers 1000] [--orders 125] [--runs 3] [--keep]

Needs PostgreSQL (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``
for the server; the benchmark creates and drops its own database ``tsunagi_bench_scorecards``).
The data is generated in the database with INSERT ... SELECT over generate_series (not timed):
per supplier 10 parts and ``--orders`` purchase orders over the last 12 months, 4 lines each,
an ASN per order with 2 lots per line, a goods receipt per ASN with one line per lot (1,000 x
125 x 4 x 2 = 1,000,000 receipt lines), an order response per order, an invoice per order,
monthly forecast versions with commitments, and quality notices.

Prints ``BENCH`` lines:
- scorecards_recompute_seconds: all suppliers, 12 months + rolling 12, from empty result tables
  (every figure computed and written; the median of ``--runs``);
- scorecards_recompute_unchanged_seconds: the same again on unchanged data (the nightly case:
  everything computed, nothing written);
- scorecards_recompute_cpu_seconds: the full recompute again on one core (no parallel workers),
  as CPU seconds of the PostgreSQL backend: the cost that does not depend on what else the
  (shared) machine is doing; on an idle core the wall time equals it;
- scorecards_recompute_one_supplier_seconds: the same for one supplier (on-demand recompute);
- scorecards_evidence_seconds: one supplier's rolling-12 on-time evidence (count + first page);
- scorecards_receipt_lines, scorecards_suppliers, scorecards_result_rows: the size of the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import admin_sql, cpu_seconds, server_url, setup_django, with_db  # noqa: E402

DB_NAME = "tsunagi_bench_scorecards"


GENERATE = """
SET session_replication_role = replica;
SELECT setseed(0.4242);
INSERT INTO suppliers_plant (id, code, name, gln, address) VALUES (1, 'PLT1', 'Bench plant', '', '');
INSERT INTO suppliers_supplier (id, code, name, status, edi_enabled, require_mfa, contact_email, created_at, updated_at,
                                gs1_company_prefix, sscc_next_serial)
SELECT s, 'S' || lpad(s::text, 5, '0'), 'Supplier ' || s, 'active', false, false, '', now(), now(), '', 1
FROM generate_series(1, %(S)s) s;
INSERT INTO suppliers_part (id, buyer_part_number, description, unit, commodity_class, is_active)
SELECT p, 'P-' || lpad(p::text, 7, '0'), 'Part ' || p, 'PCE', 'passive', true FROM generate_series(1, %(S)s * 10) p;

-- Orders: supplier (p-1) %% S + 1, spread over the period, sent in office hours on the order date.
CREATE TEMP TABLE o AS
SELECT p AS id, (p - 1) %% %(S)s + 1 AS supplier_id,
       (%(start)s::date + (((p - 1) / %(S)s) * %(span)s / %(P)s) + (random() * 3)::int) AS order_date
FROM generate_series(1, %(S)s * %(P)s) p;
INSERT INTO suppliers_purchaseorder (id, number, revision, status, currency, order_date, allow_rejection, note, source,
                                     issued_at, created_at, updated_at, ship_to_id, supplier_id)
SELECT id, 'PO' || lpad(id::text, 9, '0'), 0, 'confirmed', 'USD', order_date, true, '', 'api',
       order_date + interval '9 hours' + random() * interval '8 hours', now(), now(), 1, supplier_id FROM o;

-- Lines: 4 per order, one delivery date per order; 10 %% confirmed 3 days later.
CREATE TEMP TABLE l AS
SELECT (o.id - 1) * 4 + i AS id, o.id AS order_id, o.supplier_id, i * 10 AS line_no,
       (o.supplier_id - 1) * 10 + ((o.id + i) %% 10) + 1 AS part_id,
       (100 + (random() * 9)::int * 100)::numeric AS quantity, round((0.05 + random() * 5)::numeric, 5) AS price,
       o.order_date + 21 AS requested_date, o.order_date + 21 + CASE WHEN random() < 0.1 THEN 3 ELSE 0 END AS confirmed_date
FROM o, generate_series(1, 4) i;
INSERT INTO suppliers_purchaseorderline (id, line_no, supplier_part_number, quantity, unit, price, requested_date,
                                         confirmation, confirmed_quantity, confirmed_date, rejection_reason, cancelled,
                                         order_id, part_id, reason_code)
SELECT id, line_no, '', quantity, 'PCE', price, requested_date, 'accepted', quantity, confirmed_date, '', false,
       order_id, part_id, '' FROM l;

-- Deliveries: one ASN and one receipt per order; arrival around the confirmed date.
CREATE TEMP TABLE d AS
SELECT o.id, o.supplier_id, o.order_date + 21 + (random() * 9)::int - 6 AS received_on, random() AS asn_roll FROM o;
INSERT INTO suppliers_despatchadvice (id, number, status, source, ship_date, expected_delivery, carrier, tracking_number,
                                      submitted_at, created_at, updated_at, ship_to_id, supplier_id, erp_file)
SELECT id, 'ASN' || lpad(id::text, 9, '0'), 'received', 'api', received_on - 3, received_on, '', '',
       CASE WHEN asn_roll < 0.05 THEN received_on + 1 ELSE received_on - 3 END + interval '10 hours', now(), now(), 1,
       supplier_id, '' FROM d;
INSERT INTO suppliers_despatchadviceline (id, line_no, quantity, unit, advice_id, part_id, order_line_id)
SELECT id, line_no / 10, quantity, 'PCE', order_id, part_id, id FROM l;
INSERT INTO suppliers_despatchlot (id, lot, quantity, line_id)
SELECT (l.id - 1) * 2 + k, 'L' || l.id || chr(64 + k), l.quantity / 2, l.id FROM l, generate_series(1, 2) k;
INSERT INTO suppliers_goodsreceipt (id, number, received_on, created_at, advice_id, plant_id, supplier_id)
SELECT id, 'GR' || lpad(id::text, 9, '0'), received_on, now(), id, 1, supplier_id FROM d;
INSERT INTO suppliers_goodsreceiptline (id, line_no, lot, received_quantity, rejected_quantity, received_on, advice_line_id,
                                        receipt_id, part_id, order_line_id)
SELECT (l.id - 1) * 2 + k, ((l.line_no / 10) - 1) * 2 + k, 'L' || l.id || chr(64 + k),
       CASE WHEN r < 0.02 THEN l.quantity / 2 - 5 ELSE l.quantity / 2 END,
       CASE WHEN r > 0.95 THEN 1 + (r * 10)::int ELSE 0 END, d.received_on, l.id, l.order_id, l.part_id, l.id
FROM l JOIN d ON d.id = l.order_id, generate_series(1, 2) k, LATERAL (SELECT random() + k * 0 AS r) x;

-- Order responses: within 0-96 hours of sending.
INSERT INTO suppliers_orderresponse (id, number, source, status, actor_label, created_at, document, erp_file, order_id)
SELECT id, 'R' || id, 'web', 'accepted', 'bench', issued_at + random() * interval '96 hours', '{}', '', id
FROM suppliers_purchaseorder;

-- Invoices: one per order, a line per order line; 3 %% of lines at another price.
INSERT INTO suppliers_invoice (id, number, kind, invoice_date, currency, total, tax, source, created_at, order_id, supplier_id)
SELECT id, 'INV' || id, 'invoice', received_on + 2, 'USD', 0, 0, 'api', now(), id, supplier_id FROM d
WHERE received_on + 2 <= %(today)s::date;
INSERT INTO suppliers_invoiceline (id, line_no, buyer_part, quantity, price, amount, invoice_id, order_line_id, part_id)
SELECT l.id, (l.line_no / 10)::text, '', l.quantity, CASE WHEN random() < 0.03 THEN l.price * 1.05 ELSE l.price END, NULL,
       l.order_id, l.id, l.part_id FROM l JOIN suppliers_invoice i ON i.id = l.order_id;

-- Forecasts: a version per supplier and month, 3 parts x 8 weekly buckets (4 firm, 4 planning).
INSERT INTO forecasts_forecastversion (id, number, source, reference, horizon_start, horizon_end, firm_until, planning_until,
                                       note, published_at, superseded_at, supplier_id)
SELECT (s - 1) * 12 + m, m, 'api', '', %(start)s::date + (m - 1) * 30, %(start)s::date + (m - 1) * 30 + 55,
       %(start)s::date + (m - 1) * 30 + 27, %(start)s::date + (m - 1) * 30 + 55, '',
       (%(start)s::date + (m - 1) * 30)::timestamptz + interval '8 hours',
       CASE WHEN m < 12 THEN (%(start)s::date + m * 30)::timestamptz + interval '8 hours' END, s
FROM generate_series(1, %(S)s) s, generate_series(1, 12) m;
INSERT INTO forecasts_forecastline (id, line_no, supplier_part_number, unit, part_id, version_id)
SELECT (v.id - 1) * 3 + k, k, '', 'PCE', (v.supplier_id - 1) * 10 + k, v.id
FROM forecasts_forecastversion v, generate_series(1, 3) k;
INSERT INTO forecasts_forecastbucket (id, index, start, "end", kind, zone, quantity, committed_quantity, comment,
                                      carried_over, line_id, reason_id)
SELECT (fl.id - 1) * 8 + w, w - 1, v.horizon_start + (w - 1) * 7, v.horizon_start + (w - 1) * 7 + 6, 'week',
       CASE WHEN w <= 4 THEN 'firm' ELSE 'planning' END, 1000,
       CASE WHEN x < 0.1 THEN NULL WHEN x < 0.15 THEN 800 ELSE 1000 END, '', false, fl.id,
       CASE WHEN x >= 0.1 AND x < 0.15 THEN (SELECT min(id) FROM forecasts_reasoncode) END
FROM forecasts_forecastline fl JOIN forecasts_forecastversion v ON v.id = fl.version_id, generate_series(1, 8) w,
     LATERAL (SELECT random() + w * 0 AS x) r;

-- Quality notices: 5 per supplier, about a received lot.
INSERT INTO quality_qualitynotice (id, number, lot, rejected_quantity, unit, severity, title, description, status, raised_at,
                                   supplier_reference, updated_at, advice_id, defect_code_id, order_id, part_id, receipt_id,
                                   supplier_id)
SELECT n, 'QN-' || n, g.lot, 20, 'PCE', 'major', 'Bench', 'Bench', 'open', g.received_on + interval '1 day', '', now(),
       g.receipt_id, (SELECT min(id) FROM quality_defectcode), g.receipt_id, g.part_id, g.receipt_id, r.supplier_id
FROM generate_series(1, %(S)s * 5) n
JOIN suppliers_goodsreceiptline g ON g.id = (n * 197) %% (%(S)s * %(P)s * 8) + 1
JOIN suppliers_goodsreceipt r ON r.id = g.receipt_id;
SET session_replication_role = DEFAULT;
"""

SEQUENCES = ["suppliers_plant", "suppliers_supplier", "suppliers_part", "suppliers_purchaseorder",
             "suppliers_purchaseorderline", "suppliers_despatchadvice", "suppliers_despatchadviceline",
             "suppliers_despatchlot", "suppliers_goodsreceipt", "suppliers_goodsreceiptline", "suppliers_orderresponse",
             "suppliers_invoice", "suppliers_invoiceline", "forecasts_forecastversion", "forecasts_forecastline",
             "forecasts_forecastbucket", "quality_qualitynotice"]


def generate(*, suppliers: int, orders: int) -> int:
    from datetime import date

    from django.db import connection

    from suppliers.scorecards.compute import add_months

    today = date.today()
    start = add_months(today.replace(day=1), -11)
    span = (today - start).days - 40  # every order is delivered by today
    params = {"S": suppliers, "P": orders, "start": start.isoformat(), "span": span, "today": today.isoformat()}
    with connection.cursor() as cur:
        for statement in [s.strip() for s in GENERATE.split(";\n") if s.strip()]:
            cur.execute(statement % {k: (f"'{v}'" if isinstance(v, str) else v) for k, v in params.items()})
        for table in SEQUENCES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("SELECT count(*) FROM suppliers_goodsreceiptline")
        lines = cur.fetchone()[0]
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suppliers", type=int, default=1000)
    ap.add_argument("--orders", type=int, default=125, help="purchase orders per supplier (x 8 receipt lines)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()

    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    try:
        setup_django(with_db(server_url(), DB_NAME))
        from django.core.management import call_command
        from django.db import connection

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"# schema in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        lines = generate(suppliers=args.suppliers, orders=args.orders)
        print(f"# generated {lines:,} receipt lines in {time.perf_counter() - t:.1f} s", flush=True)

        from suppliers.models import Supplier
        from suppliers.scorecards import kpis, selectors
        from suppliers.scorecards.models import KpiResult
        from suppliers.scorecards.services import SYSTEM, scorecards_recompute

        times, run = [], None
        for i in range(args.runs):
            # A full recompute from empty result tables: every figure computed and written.
            with connection.cursor() as cur:
                cur.execute("TRUNCATE scorecards_kpiresult, scorecards_scorecard")
                cur.execute("VACUUM ANALYZE scorecards_kpiresult")
            t = time.perf_counter()
            run = scorecards_recompute(actor=SYSTEM)
            times.append(time.perf_counter() - t)
            print(f"# full run {i + 1}: {times[-1]:.2f} s, {run.counts}", flush=True)
        again = []
        for i in range(args.runs):
            # The nightly case: the same data again; nothing changes, nothing is written.
            t = time.perf_counter()
            rerun = scorecards_recompute(actor=SYSTEM)
            again.append(time.perf_counter() - t)
            print(f"# rerun {i + 1}: {again[-1]:.2f} s, {rerun.counts}", flush=True)
        load = os.getloadavg()[0]

        # The same full recompute on one core (no parallel workers), timed by the PostgreSQL
        # backend's own CPU time: what it costs, whatever else the machine is doing.
        from django.test.utils import override_settings

        with connection.cursor() as cur:
            cur.execute("TRUNCATE scorecards_kpiresult, scorecards_scorecard")
            cur.execute("VACUUM ANALYZE scorecards_kpiresult")
            cur.execute("SELECT pg_backend_pid()")
            backend = cur.fetchone()[0]
        with override_settings(SCORECARDS_PARALLEL_WORKERS=0):
            before, t = cpu_seconds(backend), time.perf_counter()
            scorecards_recompute(actor=SYSTEM)
            cpu, one_core_wall = cpu_seconds(backend) - before, time.perf_counter() - t
        print(f"# one core: {cpu:.2f} s of PostgreSQL CPU, {one_core_wall:.2f} s wall", flush=True)
        rows = KpiResult.objects.count()

        supplier = Supplier.objects.order_by("pk")[args.suppliers // 2]
        one = []
        for _ in range(args.runs):
            t = time.perf_counter()
            scorecards_recompute(actor=SYSTEM, supplier=supplier)
            one.append(time.perf_counter() - t)

        result = KpiResult.objects.get(supplier=supplier, period=kpis.ROLLING, kpi=kpis.ON_TIME,
                                       month=run.last_month)
        t = time.perf_counter()
        ev = selectors.evidence_for(supplier=supplier, result=result)
        first_page = ev.rows[0:50]
        evidence = time.perf_counter() - t
        assert ev.matches and len(first_page) == 50, (ev.units, result.units)
        connection.close()

        print(f"# load average during the runs: {load:.1f} on {os.cpu_count()} cores")
        print(f"BENCH scorecards_recompute_seconds {statistics.median(times):.2f} s")
        print(f"BENCH scorecards_recompute_unchanged_seconds {statistics.median(again):.2f} s")
        print(f"BENCH scorecards_recompute_cpu_seconds {cpu:.2f} s")
        print(f"BENCH scorecards_recompute_one_supplier_seconds {statistics.median(one):.3f} s")
        print(f"BENCH scorecards_evidence_seconds {evidence:.3f} s")
        print(f"BENCH scorecards_receipt_lines {lines} lines")
        print(f"BENCH scorecards_suppliers {args.suppliers} suppliers")
        print(f"BENCH scorecards_result_rows {rows} rows")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

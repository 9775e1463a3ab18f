"""Lot traceability benchmark: the console page's selector on a realistic genealogy.

    .venv/bin/python bench/bench_trace.py [--runs 5] [--keep]

Needs PostgreSQL (``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``
for the server; the benchmark creates and drops its own database ``tsunagi_bench_trace``).
The data is generated in the database with INSERT ... SELECT over generate_series (not timed):

- 200 purchased parts from 20 suppliers, 200 lots each: 40,000 lots, each on its own PO line,
  ASN and goods receipt (40,000 of each);
- 50,000 work orders on three levels, 10 component lots each (500,000 component links):
  30,000 sub-assembly orders (10 purchased lots -> 1 sub-assembly lot), 15,000 module orders
  (2 sub-assembly lots + 8 purchased -> 1 module lot), 5,000 final-assembly orders (3 module
  lots + 7 purchased -> 10 finished serials: 50,000 serials);
- one wide component lot, ``WIDE-LOT`` (a reel in every 30th sub-assembly, 1,000 orders): forward
  it reaches 3,000 work orders and 10,000 finished serials (15,000 nodes). The page lists every
  finished serial and shows the first 1,000 rows of the tree.

Prints ``BENCH`` lines (medians of ``--runs``, warm cache):
- trace_wide_forward_ms: ``lot_trace`` of WIDE-LOT (origin + the whole forward tree, flattened);
- trace_serial_backward_ms: ``lot_trace`` of a finished serial (10 work orders, back to its 92 bought-in
  component lots);
- trace_page_wide_ms / trace_page_serial_ms: the whole console page (request, selector,
  template) through Django's test client as a Buyer;
- trace_page_wide_cpu_ms: the wide page's CPU in this process plus the PostgreSQL backend's (what
  it costs on an idle machine; the wall times above depend on what else the machine is doing);
- trace_wide_work_orders, trace_wide_finished, trace_wide_queries: the size of the wide tree and
  the queries of its page.
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

DB_NAME = "tsunagi_bench_trace"


GENERATE = """
SET session_replication_role = replica;
INSERT INTO suppliers_plant (id, code, name, gln, address) VALUES (1, 'PLT1', 'Bench plant', '', '');
INSERT INTO suppliers_supplier (id, code, name, status, edi_enabled, require_mfa, contact_email, created_at, updated_at,
                                gs1_company_prefix, sscc_next_serial)
SELECT s, 'S' || lpad(s::text, 3, '0'), 'Supplier ' || s, 'active', false, false, '', now(), now(), '', 1
FROM generate_series(1, 20) s;
-- parts 1..200 purchased (supplier (p-1)/10+1), 201 sub-assembly, 202 module, 203 finished good, 204 the wide one
INSERT INTO suppliers_part (id, buyer_part_number, description, unit, commodity_class, is_active)
SELECT p, 'C-' || lpad(p::text, 4, '0'), 'Component ' || p, 'PCE', 'passive', true FROM generate_series(1, 200) p;
INSERT INTO suppliers_part (id, buyer_part_number, description, unit, commodity_class, is_active) VALUES
  (201, 'SUB-1', 'Sub-assembly', 'PCE', 'other', true), (202, 'MOD-1', 'Module', 'PCE', 'other', true),
  (203, 'FG-1', 'Finished good', 'PCE', 'other', true), (204, 'C-WIDE', 'Wide component', 'PCE', 'passive', true);
-- one PO per purchased part (and the wide one), one line
INSERT INTO suppliers_purchaseorder (id, number, revision, status, currency, order_date, allow_rejection, note, source,
                                     issued_at, created_at, updated_at, ship_to_id, supplier_id)
SELECT p, 'PO' || lpad(p::text, 6, '0'), 0, 'confirmed', 'USD', date '2026-01-05', true, '', 'api', now(), now(), now(), 1,
       CASE WHEN p = 204 THEN 1 ELSE (p - 1) / 10 + 1 END
FROM generate_series(1, 204) p WHERE p <= 200 OR p = 204;
INSERT INTO suppliers_purchaseorderline (id, line_no, supplier_part_number, quantity, unit, price, requested_date,
                                         confirmation, confirmed_quantity, confirmed_date, rejection_reason, cancelled,
                                         order_id, part_id, reason_code)
SELECT id, 10, '', 1000000, 'PCE', 1, date '2026-02-01', 'accepted', 1000000, date '2026-02-01', '', false, id, id, ''
FROM suppliers_purchaseorder;
-- lots: 200 per purchased part, each shipped on its own ASN and received on its own goods receipt
CREATE TEMP TABLE lots AS
SELECT (p - 1) * 200 + j + 1 AS id, p AS part_id, (p - 1) / 10 + 1 AS supplier_id, 'L' || p || '-' || j AS lot
FROM generate_series(1, 200) p, generate_series(0, 199) j
UNION ALL SELECT 40001, 204, 1, 'WIDE-LOT';
INSERT INTO suppliers_despatchadvice (id, number, status, source, ship_date, expected_delivery, carrier, tracking_number,
                                      submitted_at, created_at, updated_at, ship_to_id, supplier_id, erp_file)
SELECT id, 'ASN' || lpad(id::text, 7, '0'), 'received', 'api', date '2026-01-20', date '2026-01-25', '', '', now(), now(),
       now(), 1, supplier_id, '' FROM lots;
INSERT INTO suppliers_despatchadviceline (id, line_no, quantity, unit, advice_id, part_id, order_line_id)
SELECT id, 1, 5000, 'PCE', id, part_id, part_id FROM lots;
INSERT INTO suppliers_despatchlot (id, lot, quantity, line_id) SELECT id, lot, 5000, id FROM lots;
INSERT INTO suppliers_goodsreceipt (id, number, received_on, created_at, advice_id, plant_id, supplier_id)
SELECT id, 'GR' || lpad(id::text, 7, '0'), date '2026-01-25', now(), id, 1, supplier_id FROM lots;
INSERT INTO suppliers_goodsreceiptline (id, line_no, lot, received_quantity, rejected_quantity, received_on, advice_line_id,
                                        receipt_id, part_id, order_line_id)
SELECT id, 1, lot, 5000, CASE WHEN id %% 50 = 0 THEN 20 ELSE 0 END, date '2026-01-25', id, id, part_id, part_id FROM lots;
INSERT INTO production_inspectionresult (id, reference, lot, stage, inspected_at, quantity_inspected, quantity_passed,
                                         work_order, note, created_at, updated_at, part_id, plant_id, supplier_id)
SELECT id, 'INS' || id, lot, 'incoming', now(), 50, 49, '', '', now(), now(), part_id, 1, supplier_id FROM lots;
-- work orders: 1..30000 sub-assemblies, 30001..45000 modules, 45001..50000 finished goods
INSERT INTO production_workorder (id, number, started_on, completed_on, updated_at, part_id, plant_id)
SELECT w, 'WO' || lpad(w::text, 6, '0'), date '2026-02-01' + (w %% 60), date '2026-02-02' + (w %% 60), now(),
       CASE WHEN w <= 30000 THEN 201 WHEN w <= 45000 THEN 202 ELSE 203 END, 1
FROM generate_series(1, 50000) w;
-- purchased component lots: 10 / 8 / 7 per order, a different part each (so (order, part, lot) is unique)
INSERT INTO production_workordercomponent (work_order_id, part_id, lot, supplier_id, quantity)
SELECT w, p, 'L' || p || '-' || ((w / 7 + k * 13) %% 200), (p - 1) / 10 + 1, 10
FROM generate_series(1, 50000) w,
     generate_series(1, 10) k,
     LATERAL (SELECT ((w * 11 + k) %% 200) + 1 AS p) x
WHERE k <= CASE WHEN w <= 30000 THEN 10 WHEN w <= 45000 THEN 8 ELSE 7 END;
-- the wide lot: in every 30th sub-assembly order (1,000 orders)
INSERT INTO production_workordercomponent (work_order_id, part_id, lot, supplier_id, quantity)
SELECT w, 204, 'WIDE-LOT', 1, 5 FROM generate_series(30, 30000, 30) w;
-- sub-assembly lots into modules (2 each), module lots into finished goods (3 each)
INSERT INTO production_workordercomponent (work_order_id, part_id, lot, supplier_id, quantity)
SELECT 30000 + m, 201, 'S' || (2 * m - i), NULL, 1 FROM generate_series(1, 15000) m, generate_series(0, 1) i;
INSERT INTO production_workordercomponent (work_order_id, part_id, lot, supplier_id, quantity)
SELECT 45000 + f, 202, 'M' || (3 * f - i), NULL, 1 FROM generate_series(1, 5000) f, generate_series(0, 2) i;
-- outputs: a lot per sub-assembly and module order, 10 serials per finished-goods order
INSERT INTO production_workorderoutput (work_order_id, serial, lot, quantity)
SELECT w, '', CASE WHEN w <= 30000 THEN 'S' || w ELSE 'M' || (w - 30000) END, 1 FROM generate_series(1, 45000) w;
INSERT INTO production_workorderoutput (work_order_id, serial, lot, quantity)
SELECT 45000 + f, 'FG' || f || '-' || s, '', 1 FROM generate_series(1, 5000) f, generate_series(1, 10) s;
SET session_replication_role = DEFAULT
"""
SEQUENCES = ["suppliers_plant", "suppliers_supplier", "suppliers_part", "suppliers_purchaseorder",
             "suppliers_purchaseorderline", "suppliers_despatchadvice", "suppliers_despatchadviceline",
             "suppliers_despatchlot", "suppliers_goodsreceipt", "suppliers_goodsreceiptline",
             "production_inspectionresult", "production_workorder"]


def generate() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        for statement in [s.strip() for s in GENERATE.split(";\n") if s.strip()]:
            cur.execute(statement.replace("%%", "%"))
        for table in SEQUENCES:
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        counts = {}
        for table in ("production_workorder", "production_workordercomponent", "production_workorderoutput",
                      "suppliers_despatchlot"):
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    return counts


def median_cpu_ms(fn, runs: int, backend: int) -> float:
    """CPU of this process and of the database backend: the cost whatever else the machine does."""
    times = []
    for _ in range(runs):
        before_db, before = cpu_seconds(backend), time.process_time()
        fn()
        times.append((time.process_time() - before + cpu_seconds(backend) - before_db) * 1000)
    return statistics.median(times)


def median_ms(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    try:
        setup_django(with_db(server_url(), DB_NAME))
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"# schema in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        counts = generate()
        print(f"# generated {counts} in {time.perf_counter() - t:.1f} s", flush=True)

        from suppliers.production.trace import lot_trace
        from suppliers.roles import BUYER

        serial = "FG2500-5"
        lot_trace(query="WIDE-LOT")  # warm the cache and the connection
        wide_ms, wide = median_ms(lambda: lot_trace(query="WIDE-LOT"), args.runs)
        back_ms, back = median_ms(lambda: lot_trace(query=serial), args.runs)
        forward = next(m for m in wide.matches if m.part and m.part.buyer_part_number == "C-WIDE").forward
        backward = back.matches[0].backward
        assert forward.end_items >= 10000 and not forward.truncated, (forward.end_items, forward.truncated)
        assert backward.work_orders == 10 and backward.end_items > 50, (backward.work_orders, backward.end_items)
        print(f"# wide lot: {forward.work_orders} work orders, {forward.end_items} finished serials, "
              f"{len(forward.rows)} rows; serial back: {backward.work_orders} work orders, "
              f"{backward.end_items} component lots", flush=True)

        setup_test_environment()
        from django.conf import settings

        # DEBUG is off: the manifest storage would need collectstatic; the page's own work is timed
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        user = get_user_model().objects.create_user(username="bench@buyer.test", email="bench@buyer.test",
                                                    password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=BUYER))
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.get("/console/traceability/")

        def page(q: str):
            response = client.get("/console/traceability/", {"q": q})
            assert response.status_code == 200, response.status_code
            return response

        page_wide_ms, _ = median_ms(lambda: page("WIDE-LOT"), args.runs)
        page_serial_ms, _ = median_ms(lambda: page(serial), args.runs)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            backend = cur.fetchone()[0]
        page_wide_cpu_ms = median_cpu_ms(lambda: page("WIDE-LOT"), args.runs, backend)
        with CaptureQueriesContext(connection) as ctx:
            body = page("WIDE-LOT").content
        assert b"FG5000-10" in body and b"FG5-1" in body  # the first and the last finished serial
        connection.close()
        print(f"# load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"BENCH trace_wide_forward_ms {wide_ms:.0f} ms")
        print(f"BENCH trace_serial_backward_ms {back_ms:.0f} ms")
        print(f"BENCH trace_page_wide_ms {page_wide_ms:.0f} ms")
        print(f"BENCH trace_page_serial_ms {page_serial_ms:.0f} ms")
        print(f"BENCH trace_page_wide_cpu_ms {page_wide_cpu_ms:.0f} ms")
        print(f"BENCH trace_wide_work_orders {forward.work_orders} count")
        print(f"BENCH trace_wide_finished {forward.end_items} count")
        print(f"BENCH trace_wide_queries {len(ctx)} count")
        print(f"BENCH trace_component_links {counts['production_workordercomponent']} count")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bulk data for the load benchmark: 1,000 suppliers, 200,000 PO lines, 50,000 ASNs, forecasts.

Written with ``INSERT ... SELECT generate_series`` inside PostgreSQL (seconds, not the hours the
services would take for the same rows). The rows are what the services would write for the
pages under test; audit events are one per order and per ASN so the history panes have data.

    seed(conn, password_hash=...)  # on a migrated, empty database
"""

from __future__ import annotations

from datetime import date, timedelta

SUPPLIERS = 1000
ORDERS_PER_SUPPLIER = 50
LINES_PER_ORDER = 4  # 1,000 x 50 x 4 = 200,000 PO lines
ASNS_PER_SUPPLIER = 50  # 50,000 ASNs
PARTS = 2000
PARTS_PER_SUPPLIER = 20  # also the lines of each supplier's current forecast
SEED_VERSION = "load-v1"


def _one(cur, sql: str, params=()) -> object:
    cur.execute(sql, params)
    return cur.fetchone()[0]


def seed(conn, *, password_hash: str) -> dict[str, int]:
    """Fill an empty, migrated database. Returns row counts by table."""
    from suppliers.forecasts.buckets import layout

    with conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("""INSERT INTO suppliers_plant (code, name, gln, address)
                       SELECT 'PL' || g, 'Plant ' || g, '', '' FROM generate_series(1, 3) g""")
        plants = [r[0] for r in cur.execute("SELECT id FROM suppliers_plant ORDER BY id").fetchall()]
        cur.execute("""INSERT INTO suppliers_part (buyer_part_number, description, unit, commodity_class, is_active)
                       SELECT 'BP-' || lpad(g::text, 5, '0'), 'Ceramic capacitor ' || g, 'PCE', 'passive', true
                       FROM generate_series(1, %s) g""", (PARTS,))
        part0 = _one(cur, "SELECT min(id) FROM suppliers_part")
        assert _one(cur, "SELECT max(id) - min(id) + 1 FROM suppliers_part") == PARTS
        cur.execute("""INSERT INTO suppliers_supplier (code, name, status, edi_enabled, require_mfa, contact_email,
                           created_at, updated_at, gs1_company_prefix, sscc_next_serial)
                       SELECT 'S' || lpad(g::text, 4, '0'), 'Supplier ' || g || ' Co., Ltd.', 'active', false, false,
                              '', now(), now(), '45' || lpad(g::text, 5, '0'), 1
                       FROM generate_series(1, %s) g""", (SUPPLIERS,))
        cur.execute("""INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined)
                       SELECT %s, false, lower(code) || '@load.example', '', '', lower(code) || '@load.example',
                              false, true, now() FROM suppliers_supplier""", (password_hash,))
        cur.execute("""INSERT INTO suppliers_suppliermembership (role, is_active, created_at, supplier_id, user_id)
                       SELECT 'admin', true, now(), s.id, u.id
                       FROM suppliers_supplier s JOIN auth_user u ON u.username = lower(s.code) || '@load.example'""")
        # supplier s (1-based number n) sells parts (n-1)*20 .. (n-1)*20+19, modulo the catalogue
        cur.execute("""CREATE TEMP TABLE sn AS SELECT id AS supplier_id, substr(code, 2)::int AS n, code
                       FROM suppliers_supplier""")
        cur.execute("""INSERT INTO suppliers_supplierpart (supplier_part_number, lead_time_days, price, currency,
                           part_id, supplier_id)
                       SELECT sn.code || '-' || k, 28, 0.05 + k / 100.0, 'USD',
                              %s + ((sn.n - 1) * %s + k) %% %s, sn.supplier_id
                       FROM sn, generate_series(0, %s - 1) k""",
                    (part0, PARTS_PER_SUPPLIER, PARTS, PARTS_PER_SUPPLIER))
        # orders: every 10th closed, every 3rd (else) awaiting confirmation, the rest confirmed
        cur.execute("""INSERT INTO suppliers_purchaseorder (number, revision, status, currency, order_date,
                           allow_rejection, note, source, issued_at, created_at, updated_at, ship_to_id, supplier_id)
                       SELECT 'PO-' || sn.code || '-' || lpad(k::text, 3, '0'), 0,
                              CASE WHEN k %% 10 = 0 THEN 'closed' WHEN k %% 3 = 0 THEN 'issued' ELSE 'confirmed' END,
                              'USD', date '2025-01-06' + ((sn.n * 7 + k * 11) %% 540), true, '', 'demo', now(), now(),
                              now(), (%s::bigint[])[1 + k %% 3], sn.supplier_id
                       FROM sn, generate_series(1, %s) k""", (plants, ORDERS_PER_SUPPLIER))
        cur.execute("""INSERT INTO suppliers_purchaseorderline (line_no, supplier_part_number, quantity, unit, price,
                           requested_date, confirmation, confirmed_quantity, confirmed_date, rejection_reason,
                           cancelled, order_id, part_id, reason_code)
                       SELECT l * 10, sn.code || '-' || ((k * 4 + l) %% %s), 100 * l, 'PCE', 0.125,
                              o.order_date + 30 + l,
                              CASE WHEN o.status = 'issued' THEN 'pending' ELSE 'accepted' END,
                              CASE WHEN o.status = 'issued' THEN NULL ELSE 100 * l END,
                              CASE WHEN o.status = 'issued' THEN NULL ELSE o.order_date + 30 + l END,
                              '', false, o.id, %s + ((sn.n - 1) * %s + (k * 4 + l) %% %s) %% %s, ''
                       FROM suppliers_purchaseorder o
                       JOIN sn ON sn.supplier_id = o.supplier_id
                       CROSS JOIN LATERAL (SELECT substr(o.number, length(o.number) - 2)::int AS k) kk
                       CROSS JOIN generate_series(1, %s) l""",
                    (PARTS_PER_SUPPLIER, part0, PARTS_PER_SUPPLIER, PARTS_PER_SUPPLIER, PARTS, LINES_PER_ORDER))
        # ASN j of a supplier ships line ((j-1) div n)+1 of its ((j-1) mod n)+1-th confirmed or closed order
        cur.execute("""CREATE TEMP TABLE eligible AS
                       SELECT o.id AS order_id, o.supplier_id, o.ship_to_id, o.order_date,
                              row_number() OVER (PARTITION BY o.supplier_id ORDER BY o.id) AS rn,
                              count(*) OVER (PARTITION BY o.supplier_id) AS cnt
                       FROM suppliers_purchaseorder o WHERE o.status IN ('confirmed', 'closed')""")
        cur.execute("""CREATE TEMP TABLE asn_plan AS
                       SELECT sn.supplier_id, sn.code, j, e.ship_to_id, e.order_date, li.id AS line_id, li.part_id
                       FROM sn CROSS JOIN generate_series(1, %s) j
                       JOIN eligible e ON e.supplier_id = sn.supplier_id AND e.rn = (j - 1) %% e.cnt + 1
                       JOIN suppliers_purchaseorderline li ON li.order_id = e.order_id
                            AND li.line_no = ((j - 1) / e.cnt %% %s + 1) * 10""",
                    (ASNS_PER_SUPPLIER, LINES_PER_ORDER))
        cur.execute("""INSERT INTO suppliers_despatchadvice (number, status, source, ship_date, expected_delivery,
                           carrier, tracking_number, submitted_at, created_at, updated_at, ship_to_id, supplier_id,
                           erp_file, published_at)
                       SELECT 'ASN-' || code || '-' || lpad(j::text, 3, '0'),
                              CASE WHEN j > %s - 5 THEN 'submitted' ELSE 'received' END, 'demo',
                              order_date + 20, order_date + 23, 'DHL Express', 'TRK' || supplier_id || j, now(), now(),
                              now(), ship_to_id, supplier_id, '', NULL
                       FROM asn_plan""", (ASNS_PER_SUPPLIER,))
        cur.execute("""INSERT INTO suppliers_despatchadviceline (line_no, quantity, unit, advice_id, package_id,
                           part_id, order_line_id)
                       SELECT 1, 10, 'PCE', a.id, NULL, p.part_id, p.line_id
                       FROM asn_plan p JOIN suppliers_despatchadvice a
                         ON a.supplier_id = p.supplier_id AND a.number = 'ASN-' || p.code || '-' || lpad(p.j::text, 3, '0')""")
        # one audit event per order and per ASN, as their creation would have written
        for model, verb, table, label in (("purchaseorder", "purchase_order.created", "suppliers_purchaseorder", "number"),
                                          ("despatchadvice", "despatch_advice.created", "suppliers_despatchadvice", "number")):
            ct = _one(cur, "SELECT id FROM django_content_type WHERE app_label = 'suppliers' AND model = %s", (model,))
            cur.execute(f"""INSERT INTO suppliers_event (occurred_at, actor_label, verb, object_id, object_repr,
                                payload, actor_id, content_type_id, supplier_id)
                            SELECT now(), 'system:load', %s, id::text, {label}, '{{}}'::jsonb, NULL, %s, supplier_id
                            FROM {table}""", (verb, ct))
        # the current forecast of every supplier: its 20 parts, 13 weekly and then monthly buckets
        start = date.today() - timedelta(days=date.today().weekday())
        cols = layout(start)
        cur.execute("""INSERT INTO forecasts_forecastversion (number, source, reference, horizon_start, horizon_end,
                           firm_until, planning_until, note, published_at, superseded_at, previous_id,
                           published_by_id, ship_to_id, supplier_id)
                       SELECT 1, 'demo', '', %s, %s, %s, %s, '', now(), NULL, NULL, NULL, %s, supplier_id FROM sn""",
                    (start, cols[-1].end, start + timedelta(weeks=4) - timedelta(days=1),
                     start + timedelta(weeks=13) - timedelta(days=1), plants[0]))
        cur.execute("""INSERT INTO forecasts_forecastline (line_no, supplier_part_number, unit, part_id, version_id)
                       SELECT k + 1, sp.supplier_part_number, 'PCE', sp.part_id, v.id
                       FROM forecasts_forecastversion v
                       JOIN LATERAL (SELECT row_number() OVER (ORDER BY id) - 1 AS k, supplier_part_number, part_id
                                     FROM suppliers_supplierpart WHERE supplier_id = v.supplier_id) sp ON true""")
        cur.execute("CREATE TEMP TABLE cols (idx int, s date, e date, kind text, zone text)")
        with cur.copy("COPY cols FROM STDIN") as copy:
            for b in cols:
                copy.write_row((b.index, b.start, b.end, b.kind, b.zone))
        cur.execute("""INSERT INTO forecasts_forecastbucket (index, start, "end", kind, zone, quantity,
                           previous_quantity, committed_quantity, comment, committed_at, carried_over,
                           committed_by_id, line_id, reason_id)
                       SELECT c.idx, c.s, c.e, c.kind, c.zone, 1000 + (l.id % 7) * 100 + c.idx,
                              CASE WHEN c.idx % 5 = 0 THEN 1000 ELSE NULL END,
                              CASE WHEN c.zone = 'firm' THEN 1000 + (l.id % 7) * 100 + c.idx ELSE NULL END,
                              '', NULL, false, NULL, l.id, NULL
                       FROM forecasts_forecastline l CROSS JOIN cols c""")
        cur.execute("CREATE TABLE IF NOT EXISTS bench_seed (version text)")
        cur.execute("INSERT INTO bench_seed VALUES (%s)", (SEED_VERSION,))
        counts = {t: _one(cur, f"SELECT count(*) FROM {t}") for t in (
            "suppliers_supplier", "suppliers_purchaseorder", "suppliers_purchaseorderline",
            "suppliers_despatchadvice", "forecasts_forecastbucket", "suppliers_event")}
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")
    conn.autocommit = False
    return counts

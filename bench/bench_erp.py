"""ERP integration at scale: weekly consumption over two years, the change feed, PO upserts by API,
IDoc read/write.

Runs on a fresh SQLite database in a temporary folder, or on ``BENCH_DATABASE_URL`` (an empty
PostgreSQL database) when given.

    BENCH erp_consumption_rows <n> rows                   daily rows loaded (parts x plants x 730 days)
    BENCH erp_weekly_consumption_2y_one_part <ms> ms       median of 50 parts, all plants, 104 weeks
    BENCH erp_feed_append_per_s <n> entries/s              10,000 entries, 100 per transaction
    BENCH erp_feed_read_per_s <n> entries/s                all of them in pages of 500 (positions given on the way)
    BENCH erp_api_po_upsert <ms> ms                        median POST /api/v1/purchase-orders/ (10 lines, new order)
    BENCH erp_idoc_delvry03_read <mb/s> MB/s               a 2,000-line DELVRY03
    BENCH erp_idoc_delvry03_write <mb/s> MB/s
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="tsunagi-bench-erp-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["TSUNAGI_VAR_DIR"] = str(TMP)
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["CELERY_BROKER_URL"] = "memory://"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

PARTS = int(os.environ.get("BENCH_ERP_PARTS", "500"))
PLANTS = 2
DAYS = 730


def bench(name: str, value: float, unit: str) -> None:
    print(f"BENCH {name} {value:.4g} {unit}", flush=True)


def load_consumption(parts, plants) -> int:
    """Two years of daily consumption for every part at every plant, in one SQL statement."""
    from suppliers.production.models import Consumption

    table = Consumption._meta.db_table
    start = date(2024, 1, 1)  # a Monday
    part_ids = ",".join(str(p.pk) for p in parts)
    plant_ids = ",".join(str(p.pk) for p in plants)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"""
                INSERT INTO {table} (part_id, plant_id, day, week, quantity, updated_at)
                SELECT p, pl, d::date, date_trunc('week', d)::date, (p * 7 + extract(doy from d)) %% 97, now()
                FROM unnest(ARRAY[{part_ids}]) p, unnest(ARRAY[{plant_ids}]) pl,
                     generate_series(%s::date, %s::date, interval '1 day') d""",
                        [start, start + timedelta(days=DAYS - 1)])
            # what autovacuum does soon after a load: the visibility map lets the weekly query
            # read the covering index alone
            cur.execute(f"VACUUM ANALYZE {table}")
        else:
            cur.execute(f"""
                WITH RECURSIVE days(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM days WHERE n < {DAYS - 1})
                INSERT INTO {table} (part_id, plant_id, day, week, quantity, updated_at)
                SELECT p.id, pl.id, date('{start}', '+' || n || ' days'),
                       date('{start}', '+' || (n - n % 7) || ' days'), (p.id * 7 + n) % 97, datetime('now')
                FROM days, suppliers_part p, suppliers_plant pl
                WHERE p.id IN ({part_ids}) AND pl.id IN ({plant_ids})""")
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        return cur.fetchone()[0]


def main() -> None:
    from portal.celery import app

    app.conf.task_always_eager = True
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)

    from edi.codecs import idoc
    from suppliers import services
    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_create, erp_feed_append, feed_read
    from suppliers.models import Part, Plant, SupplierPart
    from suppliers.production.selectors import consumption_weekly

    actor = Actor.system("bench")
    supplier = services.supplier_create(code="BENCH", name="Bench Ltd", actor=actor)
    parts = Part.objects.bulk_create(Part(buyer_part_number=f"B-{i:05d}", description=f"Bench part {i}",
                                          commodity_class="passive") for i in range(PARTS))
    SupplierPart.objects.bulk_create(SupplierPart(supplier=supplier, part=p, supplier_part_number=f"S-{i:05d}",
                                                  price=1) for i, p in enumerate(parts))
    plants = [Plant.objects.create(code=f"PL{i}", name=f"Plant {i}") for i in range(PLANTS)]

    # --- consumption ------------------------------------------------------------------------
    rows = load_consumption(parts, plants)
    bench("erp_consumption_rows", rows, "rows")
    timings = []
    for part in parts[:: max(1, PARTS // 50)][:50]:
        t = time.perf_counter()
        weeks = consumption_weekly(part=part)
        timings.append(time.perf_counter() - t)
        assert len(weeks) == DAYS // 7 + (1 if DAYS % 7 else 0), len(weeks)
    bench("erp_weekly_consumption_2y_one_part", statistics.median(timings) * 1000, "ms")

    # --- change feed --------------------------------------------------------------------------
    n = 10_000
    t = time.perf_counter()
    for batch in range(n // 100):
        with transaction.atomic():
            for i in range(100):
                erp_feed_append(kind="invoice", supplier=supplier, actor=actor, publish=False,
                                document={"type": "invoice", "id": f"INV-{batch}-{i}", "total": "1"})
    bench("erp_feed_append_per_s", n / (time.perf_counter() - t), "entries/s")
    t = time.perf_counter()
    after, seen = 0, 0
    while True:
        page = feed_read(after=after, limit=500)
        seen += len(page.entries)
        after = page.next_cursor
        if not page.has_more:
            break
    assert seen == n, seen
    bench("erp_feed_read_per_s", n / (time.perf_counter() - t), "entries/s")

    # --- API: PO upsert -------------------------------------------------------------------------
    from rest_framework.test import APIClient
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = {"api_key": "1000000/min"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key_create(name='BENCH', scope='write', actor=actor).key}")
    timings = []
    for k in range(60):
        doc = {"id": f"45{k:08d}", "issued": "2026-03-01", "supplier": {"id": "BENCH"}, "ship_to": {"id": "PL0"},
               "lines": [{"line": str(10 * (j + 1)), "buyer_part": parts[j].buyer_part_number, "quantity": "100",
                          "price": "1.5", "delivery_date": "2026-04-01"} for j in range(10)]}
        t = time.perf_counter()
        response = client.post("/api/v1/purchase-orders/", doc, format="json")
        timings.append(time.perf_counter() - t)
        assert response.status_code == 201, response.content
    bench("erp_api_po_upsert", statistics.median(timings) * 1000, "ms")

    # --- IDoc ------------------------------------------------------------------------------------
    asn = {"type": "despatch_advice", "id": "ASN-BENCH", "issued": "2026-03-01", "sender": "BENCH",
           "receiver": "TSUNAGI", "control_number": "1", "shipped": "2026-03-01", "order": "4500000001",
           "lines": [{"line": str(i + 1), "buyer_part": f"B-{i % PARTS:05d}", "quantity": "1000", "unit": "PCE",
                      "order": "4500000001", "order_line": str(10 * (i + 1)), "lot": f"LOT-{i:06d}",
                      "serials": [f"SN{i:06d}A", f"SN{i:06d}B"]} for i in range(2000)]}
    t = time.perf_counter()
    for _ in range(5):
        data = idoc.write_documents([asn])
    write_s = (time.perf_counter() - t) / 5
    t = time.perf_counter()
    for _ in range(5):
        back = idoc.read_documents(data)
    read_s = (time.perf_counter() - t) / 5
    assert back == [asn]
    mb = len(data) / 1e6
    bench("erp_idoc_delvry03_read", mb / read_s, "MB/s")
    bench("erp_idoc_delvry03_write", mb / write_s, "MB/s")


if __name__ == "__main__":
    main()

"""Supplier portal at scale: the order list and detail, a web ASN, labels and the packing list.

One supplier with 5,000 purchase orders of 4 lines (20,000 lines), 2,500 of them confirmed.
Runs on a fresh SQLite database in a temporary folder, or on ``BENCH_DATABASE_URL`` (an empty
PostgreSQL database) when given. Times are the median CPU time of several rendered requests.

    BENCH portal_order_list_5000_orders <ms> ms         list page, no filter
    BENCH portal_order_list_filtered <ms> ms            search + ship-to + date range + needs confirmation
    BENCH portal_order_detail_40_lines <ms> ms          detail page with a confirmation form per line
    BENCH portal_confirm_line <ms> ms                   one line's answer: POST, response, canonical document
    BENCH portal_dashboard <ms> ms                      dashboard with every registered panel
    BENCH portal_asn_submit_20_lines_40_packages <ms> ms  despatch_advice_submit_web incl. SSCC allocation
    BENCH portal_labels_40_packages <ms> ms             GS1-128 label PDF, 40 pages
    BENCH portal_packing_list_20_lines <ms> ms          packing list PDF
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="tsunagi-bench-portal-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["TSUNAGI_VAR_DIR"] = str(TMP)
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["CELERY_BROKER_URL"] = "memory://"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ORDERS = 5000
LINES = 4


def median_ms(fn, runs: int = 7) -> float:
    """Median CPU time of this process (the shared box is noisy; with SQLite the database work is
    in-process too, so this is the whole request)."""
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    from portal.celery import app

    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    setup_test_environment()
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    from edi.models import HubSettings
    from suppliers import services
    from suppliers.audit import Actor
    from suppliers.models import (
        Part,
        Plant,
        PurchaseOrder,
        PurchaseOrderLine,
        SupplierMembership,
    )

    hub = HubSettings.get()
    hub.erp_outbox = str(TMP / "erp-out")
    hub.save()
    actor = Actor.system("bench")
    plants = [Plant.objects.create(code=f"P{i}", name=f"Plant {i}") for i in range(3)]
    supplier = services.supplier_create(code="BENCH", name="Bench Ltd", actor=actor)
    supplier.gs1_company_prefix = "4512345"
    supplier.save()
    user = get_user_model().objects.create_user(username="b@bench.example", email="b@bench.example", password="x" * 12)
    SupplierMembership.objects.create(user=user, supplier=supplier, role="admin")
    parts = Part.objects.bulk_create(Part(buyer_part_number=f"BP-{i:05d}", description=f"Part {i}",
                                          commodity_class="passive") for i in range(200))
    # Bulk-load the orders (the services would take minutes for 5,000): same rows, no events.
    start = date(2025, 1, 1)
    orders = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(number=f"PO{n:06d}", supplier=supplier, ship_to=plants[n % 3], order_date=start + timedelta(days=n % 365),
                      status="confirmed" if n % 2 else "issued", source="demo")
        for n in range(ORDERS)
    )
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(order=o, line_no=(k + 1) * 10, part=parts[(n + k) % 200], quantity=Decimal(100),
                          price=Decimal("0.1"), requested_date=o.order_date + timedelta(days=30),
                          confirmation="accepted" if o.status == "confirmed" else "pending",
                          confirmed_quantity=Decimal(100) if o.status == "confirmed" else None,
                          confirmed_date=o.order_date + timedelta(days=30) if o.status == "confirmed" else None)
        for n, o in enumerate(orders) for k in range(LINES)
    )
    big = services.purchase_order_create(
        number="PO-BIG", supplier=supplier, ship_to=plants[0], order_date=date(2025, 6, 1), actor=actor,
        lines=[services.LineInput(line_no=i, part=parts[i], quantity=Decimal(500), price=Decimal(1),
                                  requested_date=date(2025, 7, 1)) for i in range(1, 41)],
    )
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def get(url: str, **params):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    print(f"BENCH portal_order_list_{ORDERS}_orders {median_ms(lambda: get('/orders/')):.1f} ms")
    print("BENCH portal_order_list_filtered {:.1f} ms".format(median_ms(lambda: get(
        "/orders/", q="BP-0001", ship_to=plants[1].pk, date_from="2025-03-01", date_to="2025-09-30", needs="on"))))
    print(f"BENCH portal_order_detail_40_lines {median_ms(lambda: get(f'/orders/{big.pk}/')):.1f} ms")
    lines = list(big.lines.order_by("line_no"))
    answers = iter(lines)

    def confirm():
        line = next(answers)
        response = client.post(f"/orders/{big.pk}/lines/{line.pk}/respond/", {
            f"line-{line.pk}-decision": "changed", f"line-{line.pk}-quantity": "400",
            f"line-{line.pk}-delivery_date": "2025-07-15", f"line-{line.pk}-reason_code": "capacity"})
        assert response.status_code == 302, response.status_code

    print(f"BENCH portal_confirm_line {median_ms(confirm, runs=15):.1f} ms")
    print(f"BENCH portal_dashboard {median_ms(lambda: get('/')):.1f} ms")

    # finish confirming the big order, then ship 20 of its lines in 40 packages (20 cartons on 20 pallets)
    for line in answers:
        services.purchase_order_respond(order=big, actor=user, responses=[services.LineResponse(line=line, status="accepted")])
    counter = iter(range(1000))

    def submit():
        n = next(counter)
        with transaction.atomic():
            return services.despatch_advice_submit_web(
                supplier=supplier, number=f"ASN-B-{n}", ship_date=date(2025, 6, 20), actor=user,
                packages=[services.WebPackage(ref=f"p{i}", type="pallet") for i in range(20)]
                + [services.WebPackage(ref=f"c{i}", parent_ref=f"p{i}") for i in range(20)],
                lines=[services.WebAsnLine(order_line=line, quantity=Decimal(1),
                                           lots=[("L1", Decimal("0.5")), ("L2", Decimal("0.5"))], package_ref=f"c{i}")
                       for i, line in enumerate(lines[:20])],
            )

    print(f"BENCH portal_asn_submit_20_lines_40_packages {median_ms(submit, runs=5):.1f} ms")
    advice = submit()
    print(f"BENCH portal_labels_40_packages {median_ms(lambda: get(f'/shipments/{advice.pk}/labels.pdf'), runs=5):.1f} ms")
    print(f"BENCH portal_packing_list_20_lines {median_ms(lambda: get(f'/shipments/{advice.pk}/packing-list.pdf'), runs=5):.1f} ms")


if __name__ == "__main__":
    main()

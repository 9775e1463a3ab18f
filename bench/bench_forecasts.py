"""Forecast collaboration at scale: publish, commit, the commit-gap report and the supplier's grid.

One supplier with 500 parts: 13 weekly periods and one 9-month period each, spread over 13 weekly
and ~10 monthly buckets (about 11,500 buckets per version). Runs on a fresh SQLite database in a
temporary folder, or on ``BENCH_DATABASE_URL`` (an empty PostgreSQL database) when given.

    BENCH forecasts_publish_500_parts <s> s      first version
    BENCH forecasts_republish_500_parts <s> s    second version: comparison and carried commitments
    BENCH forecasts_commit_6500_buckets <s> s    one commit call for the 13 weekly buckets of every part
    BENCH forecasts_gap_report_500_rows <ms> ms  the console's commit-gap query, all rows
    BENCH forecasts_grid_page_50_parts <ms> ms  the supplier's grid page (50 parts, GET, rendered)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="tsunagi-bench-forecasts-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["TSUNAGI_VAR_DIR"] = str(TMP)
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["CELERY_BROKER_URL"] = "memory://"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PARTS = 500


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

    from suppliers import services
    from suppliers.audit import Actor
    from suppliers.forecasts import buckets, selectors
    from suppliers.forecasts.models import ForecastBucket
    from suppliers.forecasts.services import BucketCommit, forecast_commit, forecast_publish
    from suppliers.models import Part, SupplierMembership, SupplierPart

    actor = Actor.system("bench")
    supplier = services.supplier_create(code="BENCH", name="Bench Ltd", actor=actor)
    parts = Part.objects.bulk_create(Part(buyer_part_number=f"B-{i:05d}", description=f"Bench part {i}",
                                          commodity_class="passive") for i in range(PARTS))
    SupplierPart.objects.bulk_create(SupplierPart(supplier=supplier, part=p, supplier_part_number=f"S-{i:05d}",
                                                  price=Decimal(1)) for i, p in enumerate(parts))
    monday = buckets.monday_of(django.utils.timezone.localdate())
    end = buckets.horizon_end(monday)

    def lines(bump: int):
        return [{"buyer_part": p.buyer_part_number, "schedule": [
            *({"start": monday + timedelta(weeks=w), "end": monday + timedelta(weeks=w, days=6),
               "quantity": 1000 + (w * bump) % 300} for w in range(13)),
            {"start": monday + timedelta(weeks=13), "end": end, "quantity": 40000}]} for p in parts]

    t = time.perf_counter()
    v1 = forecast_publish(supplier=supplier, lines=lines(0), actor=actor, source="api", horizon_start=monday)
    print(f"BENCH forecasts_publish_500_parts {time.perf_counter() - t:.2f} s", flush=True)

    weekly = list(ForecastBucket.objects.filter(line__version=v1, kind="week").values_list("pk", "quantity"))
    t = time.perf_counter()
    forecast_commit(version=v1, actor=actor, commits=[
        BucketCommit(pk, q if pk % 7 else q - 100, "" if pk % 7 else "CAPACITY") for pk, q in weekly])
    print(f"BENCH forecasts_commit_6500_buckets {time.perf_counter() - t:.2f} s", flush=True)

    t = time.perf_counter()
    v2 = forecast_publish(supplier=supplier, lines=lines(7), actor=actor, source="api", horizon_start=monday)
    print(f"BENCH forecasts_republish_500_parts {time.perf_counter() - t:.2f} s", flush=True)

    rows = None
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        rows = list(selectors.commit_gaps().order_by("-gap"))
        best = min(best, time.perf_counter() - t)
    assert len(rows) == PARTS
    print(f"BENCH forecasts_gap_report_500_rows {best * 1000:.0f} ms", flush=True)

    user = get_user_model().objects.create_user("bench@bench.example", "bench@bench.example", "x" * 12)
    SupplierMembership.objects.create(user=user, supplier=supplier, role="member")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/forecasts/{v2.pk}/"  # the first page: 50 parts
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - t)
    assert response.status_code == 200 and response.content.count(b"class=\"fc-cell") >= 50 * 20
    print(f"BENCH forecasts_grid_page_50_parts {best * 1000:.0f} ms", flush=True)
    print(f"# database: {connection.vendor}", flush=True)


if __name__ == "__main__":
    main()

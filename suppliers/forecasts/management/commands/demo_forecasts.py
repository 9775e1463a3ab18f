"""Demo forecasts (after ``manage.py demo``): two versions per supplier for its parts, the second
with changes, and some commitments, one of them short. Idempotent per week: a version published
this week is not published again."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from suppliers.audit import Actor
from suppliers.forecasts import buckets
from suppliers.forecasts.models import ForecastVersion
from suppliers.forecasts.services import BucketCommit, forecast_commit, forecast_publish
from suppliers.models import Supplier


class Command(BaseCommand):
    help = "Publish demo forecasts (two versions per supplier) with a few commitments."

    def handle(self, *args, **options):
        monday = buckets.monday_of(timezone.localdate())
        actor = Actor.system("demo")
        for supplier in Supplier.objects.filter(supplier_parts__isnull=False).distinct().order_by("code"):
            if ForecastVersion.objects.filter(supplier=supplier, horizon_start=monday).exists():
                continue
            rng = random.Random(supplier.code)
            offers = list(supplier.supplier_parts.select_related("part").order_by("part__buyer_part_number")[:8])
            base = {o.part_id: rng.choice([500, 1000, 2000, 5000, 10000]) for o in offers}

            def lines(wobble: float):
                out = []
                for o in offers:
                    schedule = [{"start": monday + timedelta(weeks=i), "end": monday + timedelta(weeks=i, days=6),
                                 "quantity": int(base[o.part_id] * (1 + rng.uniform(-wobble, wobble)) // 10 * 10)}
                                for i in range(13)]
                    month = monday + timedelta(weeks=13)
                    end = buckets.horizon_end(monday)
                    schedule.append({"start": month, "end": end, "quantity": base[o.part_id] * 40})
                    out.append({"buyer_part": o.part.buyer_part_number, "schedule": schedule})
                return out

            forecast_publish(supplier=supplier, lines=lines(0.0), actor=actor, source="demo", horizon_start=monday)
            version = forecast_publish(supplier=supplier, lines=lines(0.25), actor=actor, source="demo",
                                       horizon_start=monday, note="Demand refreshed after the monthly S&OP.")
            first = version.lines.order_by("line_no").first()
            if first is not None:
                commits = []
                for b in first.buckets.filter(zone__in=("firm", "planning")).order_by("index")[:6]:
                    if b.index == 2:
                        commits.append(BucketCommit(b.pk, (b.quantity * Decimal("0.8")).quantize(Decimal(1)),
                                                    "CAPACITY", "Second SMT line in maintenance that week"))
                    else:
                        commits.append(BucketCommit(b.pk, b.quantity))
                forecast_commit(version=version, commits=commits, actor=actor, source="demo")
            self.stdout.write(f"Forecasts for {supplier.code}: version {version.number}")

"""``manage.py demand_forecast``: statistical forecasts for every part and plant with consumption."""

from __future__ import annotations

import os
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from suppliers.audit import Actor
from suppliers.models import Part, Plant
from suppliers.planning import forecasting
from suppliers.planning.models import PartForecast


class Command(BaseCommand):
    help = ("Compute statistical demand forecasts (model per part chosen by rolling-origin backtest on MASE) "
            "from weekly consumption.")

    def add_arguments(self, parser):
        parser.add_argument("--part", action="append", default=[], help="Buyer part number (repeatable)")
        parser.add_argument("--plant", action="append", default=[], help="Plant code (repeatable)")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Pretend today is YYYY-MM-DD")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="Processes to fit in (default: one per CPU)")
        parser.add_argument("--queue", action="store_true", help="Queue the Celery task instead (analytics queue)")

    def handle(self, *args, part, plant, today, workers, queue, verbosity, **options):
        parts = self._ids(Part, "buyer_part_number", part)
        plants = self._ids(Plant, "code", plant)
        if queue:
            from suppliers.planning.tasks import forecast_run

            result = forecast_run.delay(parts=parts, plants=plants)
            self.stdout.write(f"Queued forecast run (task {result.id}).")
            return
        from suppliers.planning.services import forecast_run

        run = forecast_run(actor=Actor.system("forecast"), today=today, parts=parts, plants=plants, workers=workers)
        s = run.summary
        self.stdout.write(self.style.SUCCESS(
            f"Forecast run #{run.pk}: {run.series} series from week {run.first_week} in {run.seconds:.2f} s."))
        self.stdout.write(f"  demand classes: {_fmt(s.get('classes'))}")
        self.stdout.write(f"  models chosen:  {_fmt(s.get('models'))}")
        self.stdout.write(f"  mean MASE {s.get('mean_mase')} against the baseline's {s.get('mean_baseline_mase')}; "
                          f"{s.get('beats_baseline')} series beat the baseline")
        if verbosity > 1:
            self.stdout.write(f"  {'part':<18} {'plant':<6} {'demand':<13} {'model':<15} {'MASE':>6} {'base':>6} "
                              f"{'WAPE':>6} {'bias':>7}")
            for f in PartForecast.objects.filter(run=run).select_related("part", "plant"):
                self.stdout.write(
                    f"  {f.part.buyer_part_number:<18} {f.plant.code:<6} "
                    f"{f.demand_class + (' (s)' if f.seasonal else ''):<13} {f.model:<15} {_n(f.mase):>6} "
                    f"{_n(f.baseline_mase):>6} {_n(f.wape):>6} {_n(f.bias):>7}")

    def _ids(self, model, field: str, values: list[str]) -> list[int] | None:
        if not values:
            return None
        found = dict(model.objects.filter(**{f"{field}__in": values}).values_list(field, "pk"))
        missing = sorted(set(values) - set(found))
        if missing:
            raise CommandError(f"Unknown {model._meta.verbose_name}: {', '.join(missing)}")
        return list(found.values())


def _fmt(counts: dict | None) -> str:
    return ", ".join(f"{forecasting.MODEL_LABELS.get(k, k)} {v}" for k, v in sorted((counts or {}).items())) or "-"


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"

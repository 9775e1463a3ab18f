"""``manage.py scorecards recompute``: compute supplier scorecards now, in this process."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from suppliers.models import Supplier
from suppliers.scorecards.models import ScorecardRun
from suppliers.scorecards.services import SYSTEM, scorecards_recompute


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(f"Not a month (YYYY-MM): {value!r}") from None


class Command(BaseCommand):
    help = "Compute supplier scorecards (all suppliers, or one) for the last months and rolling 12 months."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="compute now")
        recompute.add_argument("--supplier", help="supplier code (default: every supplier)")
        recompute.add_argument("--months", type=int, default=12, help="months to compute, ending with --last-month")
        recompute.add_argument("--last-month", type=_month, default=None, help="YYYY-MM (default: this month)")

    def handle(self, *args, action: str, supplier: str | None = None, months: int = 12,
               last_month: date | None = None, **options):
        target = None
        if supplier:
            target = Supplier.objects.filter(code=supplier).first()
            if target is None:
                raise CommandError(f"No supplier {supplier!r}.")
        run = scorecards_recompute(actor=SYSTEM, supplier=target, months=months, last_month=last_month,
                                   trigger=ScorecardRun.Trigger.COMMAND)
        self.stdout.write(self.style.SUCCESS(
            f"Scorecard run {run.pk}: {run.first_month:%Y-%m}..{run.last_month:%Y-%m}, "
            f"{run.counts.get('scorecards', 0)} scorecards in {run.seconds:.2f} s "
            f"({run.counts.get('kpis_changed', 0)} KPI figures changed, {run.counts.get('kpis_added', 0)} added, "
            f"{run.counts.get('kpis_removed', 0)} removed)."))

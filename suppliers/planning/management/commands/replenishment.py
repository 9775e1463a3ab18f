"""``manage.py replenishment run`` and ``manage.py replenishment simulate``."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from suppliers.audit import Actor


class Command(BaseCommand):
    help = ("run: evaluate every replenishment policy (autonomous parts are ordered, others wait for approval). "
            "simulate: replay the last 12 months of consumption under the reorder-point policy and a "
            "fixed-schedule baseline.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Evaluate the policies now")
        run.add_argument("--today", type=date.fromisoformat, default=None)
        run.add_argument("--queue", action="store_true", help="Queue the Celery task instead (analytics queue)")
        sim = sub.add_parser("simulate", help="Replay 12 months of consumption")
        sim.add_argument("--today", type=date.fromisoformat, default=None)
        sim.add_argument("--weeks", type=int, default=52, help="Weeks to replay (default 52)")
        sim.add_argument("--refit", type=int, default=4, help="Recompute the forecast every N weeks (default 4)")
        sim.add_argument("--period", type=int, default=4, help="Baseline orders every N weeks (default 4)")

    def handle(self, *args, action, **options):
        if action == "run":
            return self._run(**options)
        return self._simulate(**options)

    def _run(self, *, today, queue, verbosity, **_):
        if queue:
            from suppliers.planning.tasks import replenishment_run

            self.stdout.write(f"Queued replenishment run (task {replenishment_run.delay().id}).")
            return
        from suppliers.planning.services import replenishment_run

        report = replenishment_run(actor=Actor.system("replenishment"), today=today)
        for e in report.evaluations:
            if verbosity > 1 or e.outcome not in ("enough",):
                extra = f" position {e.position:g} ≤ ROP {e.reorder_point:g}, order {e.quantity:g}" \
                    if e.quantity else (f" position {e.position:g}, ROP {e.reorder_point:g}" if e.position is not None else "")
                self.stdout.write(f"  {e.part:<18} {e.plant:<6} {e.outcome:<10}{extra} {e.note}")
        self.stdout.write(self.style.SUCCESS(
            f"Replenishment: {len(report.evaluations)} parts evaluated, {len(report.orders)} orders released "
            f"({', '.join(o.number for o in report.orders) or 'none'}), "
            f"awaiting approval: {report.awaiting}."))

    def _simulate(self, *, today, weeks, refit, period, verbosity, **_):
        import time

        from suppliers.planning.services import simulation_series
        from suppliers.planning.simulation import compare

        series = simulation_series(today=today, replay_weeks=weeks)
        if not series:
            raise CommandError(f"No part has {weeks + 26} weeks of consumption to replay (run `manage.py demo`).")
        started = time.perf_counter()
        result = compare(series, refit_weeks=refit, period=period)
        seconds = time.perf_counter() - started
        if verbosity > 1:
            self.stdout.write(f"{'part@plant':<22} {'ROP out':>8} {'fixed out':>9} {'ROP inv':>10} {'fixed inv':>10} "
                              f"{'ROP ord':>7} {'fixed ord':>9}")
            for key, rop, fixed in result.rows:
                self.stdout.write(f"{key:<22} {rop.stockout_weeks:>8} {fixed.stockout_weeks:>9} "
                                  f"{rop.average_inventory:>10.0f} {fixed.average_inventory:>10.0f} "
                                  f"{rop.orders:>7} {fixed.orders:>9}")
            self.stdout.write("")
        a, b = result.total(1), result.total(2)
        self.stdout.write(f"Replay of {weeks} weeks, {result.series} parts × plants "
                          f"({a['part_weeks']} part-weeks), in {seconds:.1f} s")
        self.stdout.write(f"{'':<28} {'reorder point':>14} {'fixed schedule':>15}")
        rows = [
            ("stock-out part-weeks", f"{a['stockout_weeks']}", f"{b['stockout_weeks']}"),
            ("units short", f"{a['short_units']:,.0f}", f"{b['short_units']:,.0f}"),
            ("fill rate", f"{a['fill_rate']:.2%}", f"{b['fill_rate']:.2%}"),
            ("average inventory (units)", f"{a['average_inventory']:,.0f}", f"{b['average_inventory']:,.0f}"),
            ("average weeks of cover", f"{a['weeks_of_cover']:.2f}", f"{b['weeks_of_cover']:.2f}"),
            ("orders placed", f"{a['orders']}", f"{b['orders']}"),
        ]
        for label, x, y in rows:
            self.stdout.write(f"{label:<28} {x:>14} {y:>15}")
        for name, t in (("rop", a), ("fixed", b)):
            self.stdout.write(f"BENCH replenishment_{name}_stockout_part_weeks {t['stockout_weeks']} part-weeks")
            self.stdout.write(f"BENCH replenishment_{name}_fill_rate {t['fill_rate'] * 100:.2f} %")
            self.stdout.write(f"BENCH replenishment_{name}_average_inventory {t['average_inventory']:.0f} units")
            self.stdout.write(f"BENCH replenishment_{name}_weeks_of_cover {t['weeks_of_cover']:.2f} weeks")
            self.stdout.write(f"BENCH replenishment_{name}_orders {t['orders']} orders")
        self.stdout.write(f"BENCH replenishment_simulation_seconds {seconds:.1f} s")

"""``manage.py purge``: apply the retention period to raw interchanges and attachments.

Dry run unless ``--execute``. Either way the run is recorded (console → Operations → Purge runs)
with what was, or would be, deleted and what was kept and why.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.ops.services import purge_plan, retention_days, retention_purge
from suppliers.audit import Actor


class Command(BaseCommand):
    help = "Delete raw interchanges and attachments older than the retention period (dry run unless --execute)."

    def add_arguments(self, parser):
        parser.add_argument("--execute", action="store_true", help="really delete (default: report only)")
        parser.add_argument("--days", type=int, default=None,
                            help=f"retention in days (default: RETENTION_DAYS, now {retention_days()})")
        parser.add_argument("--actor", default="purge", help="who runs this, for the audit trail")

    def handle(self, *args, execute: bool, days: int | None, actor: str, **options):
        run = retention_purge(actor=Actor.system(actor), dry_run=not execute, days=days)
        verb = "Deleted" if execute else "Would delete"
        self.stdout.write(f"Retention {run.retention_days} days: older than {run.cutoff:%Y-%m-%d %H:%M %Z}")
        for what, n in sorted(run.counts.items()):
            self.stdout.write(f"  {verb}: {n} {what}")
        for reason, n in sorted(run.kept.items()):
            self.stdout.write(f"  Kept: {n} ({reason})")
        if not execute:
            self.stdout.write(self.style.WARNING("Dry run: nothing was deleted. Run again with --execute to delete."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Purge run #{run.pk} recorded."))


__all__ = ["Command", "purge_plan"]

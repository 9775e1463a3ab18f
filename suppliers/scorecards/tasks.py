"""Celery tasks of supplier scorecards (queue ``analytics``, portal/queues.py): thin and idempotent."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True)
def scorecards_nightly(months: int = 12) -> int:
    """Nightly (beat): every supplier, the last ``months`` months to date and rolling 12 months.
    Running it twice recomputes the same numbers (a new run replaces the previous one's rows)."""
    from suppliers.scorecards.models import ScorecardRun
    from suppliers.scorecards.services import SYSTEM, scorecards_recompute

    return scorecards_recompute(actor=SYSTEM, months=months, trigger=ScorecardRun.Trigger.NIGHTLY).pk


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=10, retry_jitter=True, max_retries=5)
def scorecard_run(self, run_id: int) -> str:
    """A run requested from the console (all suppliers or one). A run already done is left alone."""
    from suppliers.scorecards.services import scorecard_run_execute

    run = scorecard_run_execute(run_id=run_id)
    return run.status if run is not None else "missing"

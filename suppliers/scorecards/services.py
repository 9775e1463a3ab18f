"""Writes of supplier scorecards: the buyer's rules, and runs of the computation."""

from __future__ import annotations

import logging
import time
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from suppliers.audit import Actor, as_actor, event_record
from suppliers.errors import DomainError
from suppliers.models import Supplier
from suppliers.scorecards import compute, kpis
from suppliers.scorecards.models import ScorecardRun, ScorecardSettings
from suppliers.services import AnyActor

log = logging.getLogger(__name__)

SYSTEM = Actor.system("scorecards")
RULE_FIELDS = [f.name for f in ScorecardSettings._meta.fields if f.name not in ("id", "updated_at", "updated_by")]


def scorecard_settings_get() -> ScorecardSettings:
    """The rules (created with the defaults on first use)."""
    return ScorecardSettings.objects.get_or_create(pk=1)[0]


def validate_rules(values: dict[str, Any]) -> dict[str, str]:
    """Errors by field for a set of rules: weights must add up to 100, grade bands must descend."""
    errors: dict[str, str] = {}
    total = sum(int(values.get(f) or 0) for f in kpis.WEIGHT_FIELDS.values())
    if total != 100:
        errors[kpis.WEIGHT_FIELDS[kpis.ON_TIME]] = f"The weights add up to {total}; they must add up to 100."
    a, b, c = (values.get(f"grade_{x}_min") for x in "abc")
    if None not in (a, b, c) and not (100 >= a > b > c >= 0):
        errors["grade_a_min"] = "Grade bands must descend: 100 ≥ A > B > C ≥ 0."
    return errors


@transaction.atomic
def scorecard_settings_update(*, actor: AnyActor, **values: Any) -> ScorecardSettings:
    """Change the rules. Refuses weights that do not add up to 100 and bands that do not descend.
    The change applies from the next computation; results already computed keep the rules they
    were computed with."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise DomainError(f"Unknown scorecard rules: {', '.join(sorted(unknown))}.")
    rules = ScorecardSettings.objects.select_for_update().get_or_create(pk=1)[0]
    merged = {name: values.get(name, getattr(rules, name)) for name in RULE_FIELDS}
    errors = validate_rules(merged)
    if errors:
        raise ValidationError(errors)
    changed = {}
    for name, value in values.items():
        if getattr(rules, name) != value:
            changed[name] = {"from": str(getattr(rules, name)), "to": str(value)}
            setattr(rules, name, value)
    if not changed:
        return rules
    who = as_actor(actor)
    rules.updated_by = who.user
    rules.full_clean()
    rules.save()
    event_record(actor=who, verb="scorecards.rules_changed", obj=rules, payload={"fields": changed})
    return rules


def month_range(*, months: int = 12, last_month: date | None = None, as_of: datetime | None = None) -> tuple[date, date]:
    """The ``months`` months ending with ``last_month`` (default: the month of ``as_of``, to date)."""
    if not 1 <= months <= 60:
        raise DomainError("Compute between 1 and 60 months.")
    last = (last_month or timezone.localdate(as_of or timezone.now())).replace(day=1)
    return compute.add_months(last, -(months - 1)), last


@transaction.atomic
def scorecard_run_request(
    *, actor: AnyActor, supplier: Supplier | None = None, months: int = 12, last_month: date | None = None,
    trigger: str = ScorecardRun.Trigger.CONSOLE,
) -> ScorecardRun:
    """Queue a computation (all suppliers, or one) on the analytics queue; returns the queued run."""
    who = as_actor(actor)
    first, last = month_range(months=months, last_month=last_month)
    run = ScorecardRun.objects.create(
        trigger=trigger, supplier=supplier, first_month=first, last_month=last, as_of=timezone.now(),
        requested_by=who.user,
    )
    event_record(actor=who, verb="scorecards.requested", obj=run, supplier=supplier,
                 payload={"run": run.pk, "months": f"{first:%Y-%m}..{last:%Y-%m}"})
    from suppliers.scorecards.tasks import scorecard_run

    pk = run.pk
    transaction.on_commit(lambda: scorecard_run.delay(pk))
    return run


def scorecard_run_execute(*, run_id: int) -> ScorecardRun:
    """Compute a queued run: all of it in one transaction, so readers see the old results or the
    new ones, never a mix. Idempotent: a run already done (or failed) is returned unchanged.

    The as-of moment is the one the run was requested at: computing the same run again, with
    the same data, gives the same numbers.
    """
    with transaction.atomic():
        run = ScorecardRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (ScorecardRun.Status.DONE, ScorecardRun.Status.FAILED):
            return run
        run.status, run.started_at = ScorecardRun.Status.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
    started = time.perf_counter()
    try:
        with transaction.atomic():
            # One computation at a time: they replace overlapping rows.
            rules = ScorecardSettings.objects.select_for_update().get_or_create(pk=1)[0]
            run = ScorecardRun.objects.select_for_update().get(pk=run_id)
            if run.status != ScorecardRun.Status.RUNNING:
                return run
            run.parameters = rules.snapshot()
            run.save(update_fields=["parameters"])
            counts = compute.compute(run=run)
            run.status, run.finished_at = ScorecardRun.Status.DONE, timezone.now()
            run.seconds = round(time.perf_counter() - started, 3)
            run.counts = counts
            run.save(update_fields=["status", "finished_at", "seconds", "counts"])
            event_record(actor=SYSTEM, verb="scorecards.computed", obj=run, supplier=run.supplier, payload={
                "run": run.pk, "months": f"{run.first_month:%Y-%m}..{run.last_month:%Y-%m}", **counts,
                "seconds": run.seconds,
            })
            return run
    except (OperationalError, InterfaceError):
        # The database went away: the run stays running, and the task's retry (or the next
        # delivery of its message) computes it again from the start.
        log.warning("scorecard run %s interrupted; it will be retried", run_id, exc_info=True)
        raise
    except Exception as exc:
        log.exception("scorecard run %s failed", run_id)
        with transaction.atomic():
            ScorecardRun.objects.filter(pk=run_id).update(
                status=ScorecardRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            failed = ScorecardRun.objects.get(pk=run_id)
            event_record(actor=SYSTEM, verb="scorecards.failed", obj=failed, supplier=failed.supplier,
                         payload={"run": run_id, "error": type(exc).__name__})
        raise


def scorecards_recompute(
    *, actor: AnyActor, supplier: Supplier | None = None, months: int = 12, last_month: date | None = None,
    as_of: datetime | None = None, trigger: str = ScorecardRun.Trigger.COMMAND,
) -> ScorecardRun:
    """Compute now, in this process (the nightly task, the command line, the demo)."""
    who = as_actor(actor)
    as_of = as_of or timezone.now()
    first, last = month_range(months=months, last_month=last_month, as_of=as_of)
    with transaction.atomic():
        run = ScorecardRun.objects.create(trigger=trigger, supplier=supplier, first_month=first, last_month=last,
                                          as_of=as_of, requested_by=who.user)
        event_record(actor=who, verb="scorecards.requested", obj=run, supplier=supplier,
                     payload={"run": run.pk, "months": f"{first:%Y-%m}..{last:%Y-%m}"})
    return scorecard_run_execute(run_id=run.pk)

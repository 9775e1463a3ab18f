"""Nightly and on-demand computation: routing to the analytics queue, beat, idempotence, failures."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from tests.scorecards.conftest import Line


def test_scorecard_tasks_go_to_the_analytics_queue(settings):
    from portal import queues

    for name in ("suppliers.scorecards.tasks.scorecards_nightly", "suppliers.scorecards.tasks.scorecard_run"):
        assert queues.concern_of(name) == queues.ANALYTICS
    nightly = settings.CELERY_BEAT_SCHEDULE["scorecards-nightly"]
    assert nightly["task"] == "suppliers.scorecards.tasks.scorecards_nightly"


@pytest.mark.django_db
def test_the_nightly_task_computes_every_supplier_and_a_rerun_changes_nothing(book_a, book_b):
    from suppliers.scorecards.models import ScorecardRun
    from suppliers.scorecards.tasks import scorecards_nightly

    order = book_a.order(Line(requested=date(2026, 2, 10)))
    book_a.deliver(order, received_on=date(2026, 2, 10))

    first = ScorecardRun.objects.get(pk=scorecards_nightly.delay().get())
    second = ScorecardRun.objects.get(pk=scorecards_nightly.delay().get())

    assert first.trigger == "nightly" and first.supplier is None and first.status == "done"
    assert first.counts["kpis_added"] > 0
    assert (second.counts["kpis_changed"], second.counts["kpis_added"], second.counts["kpis_removed"]) == (0, 0, 0)


@pytest.mark.django_db
def test_a_requested_run_is_executed_once(book_a, django_capture_on_commit_callbacks):
    from suppliers.scorecards.models import ScorecardRun
    from suppliers.scorecards.services import SYSTEM, scorecard_run_execute, scorecard_run_request

    with django_capture_on_commit_callbacks(execute=True):
        run = scorecard_run_request(actor=SYSTEM, supplier=book_a.tenant.supplier, last_month=date(2026, 3, 1))
    run.refresh_from_db()
    assert run.status == "done"
    finished = run.finished_at

    again = scorecard_run_execute(run_id=run.pk)  # a redelivered message

    assert again.status == "done" and again.finished_at == finished
    assert ScorecardRun.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_run_is_marked_and_audited(book_a, monkeypatch):
    from suppliers.models import Event
    from suppliers.scorecards import compute
    from suppliers.scorecards.models import ScorecardRun
    from suppliers.scorecards.services import SYSTEM, scorecards_recompute

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(compute, "compute", boom)
    with pytest.raises(RuntimeError):
        scorecards_recompute(actor=SYSTEM)

    run = ScorecardRun.objects.get()
    assert run.status == "failed" and "disk full" in run.error
    assert Event.objects.filter(verb="scorecards.failed").exists()


@pytest.mark.django_db
def test_the_command_computes_one_supplier(book_a, capsys):
    from suppliers.scorecards.models import ScorecardRun

    call_command("scorecards", "recompute", "--supplier", book_a.tenant.supplier.code, "--last-month", "2026-03",
                 "--months", "3")

    run = ScorecardRun.objects.get()
    assert (run.supplier, run.first_month, run.last_month, run.trigger) == (
        book_a.tenant.supplier, date(2026, 1, 1), date(2026, 3, 1), "command")
    assert "Scorecard run" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_run_interrupted_by_the_database_is_computed_again_on_retry(book_a, monkeypatch):
    from django.db import OperationalError

    from suppliers.scorecards import compute
    from suppliers.scorecards.models import ScorecardRun
    from suppliers.scorecards.services import SYSTEM, scorecard_run_execute, scorecards_recompute

    real = compute.compute
    monkeypatch.setattr(compute, "compute", lambda **kw: (_ for _ in ()).throw(OperationalError("server closed")))
    with pytest.raises(OperationalError):
        scorecards_recompute(actor=SYSTEM)
    run = ScorecardRun.objects.get()
    assert run.status == "running"

    monkeypatch.setattr(compute, "compute", real)
    assert scorecard_run_execute(run_id=run.pk).status == "done"

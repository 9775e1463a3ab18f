"""The scorecard tasks travel through the real broker to a worker that consumes only the analytics
queue, and compute there on the test database."""

from __future__ import annotations

import time
from datetime import date

import pytest

from tests.scorecards.conftest import Line
from tests.worker import WorkerProcess, private_queues

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("worker")]


@pytest.fixture
def analytics_worker(transactional_db, tmp_path, settings):
    from portal.celery import app
    from portal.queues import ANALYTICS, queue_name

    broker = app.conf.broker_url or ""
    if not broker.startswith(("redis://", "amqp://")):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    with private_queues(settings, broker):
        # Only the analytics queue (the readiness ping is sent there too): a task routed anywhere
        # else would never run.
        analytics = queue_name(ANALYTICS)
        proc = WorkerProcess(broker_url=broker, queue=analytics, log_path=tmp_path / "worker.log",
                             queues=[analytics]).start()
        try:
            proc.wait_ready(app)
            yield proc
        finally:
            proc.stop()


def test_a_console_request_is_computed_by_the_analytics_worker(analytics_worker, tenant_a, tmp_path):
    from suppliers.scorecards.models import KpiResult, ScorecardRun
    from suppliers.scorecards.services import SYSTEM, scorecard_run_request
    from tests.scorecards.conftest import Book

    book = Book(tenant_a)
    order = book.order(Line(requested=date(2026, 2, 10)))
    book.deliver(order, received_on=date(2026, 2, 11))

    run = scorecard_run_request(actor=SYSTEM, last_month=date(2026, 3, 1), months=3)  # queued on commit

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ScorecardRun.Status.DONE, ScorecardRun.Status.FAILED):
            break
        time.sleep(0.3)
    assert run.status == ScorecardRun.Status.DONE, (tmp_path / "worker.log").read_text()[-3000:]
    on_time = KpiResult.objects.get(supplier=tenant_a.supplier, kpi="on_time", period="month", month=date(2026, 2, 1))
    assert (on_time.units, on_time.ok_units) == (1, 0)

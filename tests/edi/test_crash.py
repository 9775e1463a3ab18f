"""A worker killed with SIGKILL in the middle of a batch loses nothing and duplicates nothing.

Real PostgreSQL, real Redis, real Celery worker processes. The killed worker's unacknowledged
messages stay with the broker; the sweeper (`resume_stalled`, run by beat every minute) queues
again whatever is not moving, and the pipeline's recorded state makes the repeats harmless.
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest

from edi.models import Interchange
from suppliers.models import DespatchAdvice
from tests.edi.conftest import despatch_advice, drop, interchange_bytes, make_partner
from tests.worker import WorkerProcess, private_queues

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("worker")]

BATCH = 120


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def broker(settings):
    from portal.celery import app

    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "amqp://")):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    with private_queues(settings, url):
        yield app


def test_sigkill_mid_batch_then_a_new_worker_processes_everything_exactly_once(
    transactional_db, hub, tenant_a, broker, tmp_path,
):
    from edi.services.poll import poll_folders, resume_stalled

    partner = make_partner(tenant_a, code="CRASH", standard="edifact", interchange_id="CRASHEDI", ack=False)
    line = tenant_a.order.lines.get()
    line.quantity = 10**6
    line.save()
    for n in range(BATCH):
        doc = despatch_advice(tenant_a, number=f"ASN-K-{n:04d}", lot=f"L{n}", quantity="1")
        drop(hub, partner, f"asn-{n:04d}.edi", interchange_bytes(partner, [doc], control_number=1000 + n))

    first = WorkerProcess(broker_url=broker.conf.broker_url, queue=broker.conf.task_default_queue,
                          concurrency=2, log_path=tmp_path / "worker1.log").start()
    try:
        first.wait_ready(broker)
        assert poll_folders(settle_seconds=0)["received"] == BATCH  # queues one task per file on commit
        _wait(lambda: Interchange.objects.filter(state="processed").count() >= BATCH // 4, 120, "a quarter done")
        first.stop(sig=signal.SIGKILL)
    finally:
        first.stop(sig=signal.SIGKILL)
    done_at_kill = Interchange.objects.filter(state="processed").count()
    assert done_at_kill < BATCH, "the worker finished before it could be killed; raise BATCH"

    second = WorkerProcess(broker_url=broker.conf.broker_url, queue=broker.conf.task_default_queue,
                           concurrency=2, log_path=tmp_path / "worker2.log").start()
    try:
        second.wait_ready(broker)
        resume_stalled(older_than=timedelta(0))  # what beat does every minute
        _wait(lambda: Interchange.objects.filter(state="processed").count() == BATCH, 240, "all processed")
        time.sleep(1.0)  # let any repeated task finish, then count
    finally:
        second.stop()

    assert Interchange.objects.filter(direction="in").count() == BATCH
    assert not Interchange.objects.filter(state="failed").exists()
    numbers = list(DespatchAdvice.objects.filter(number__startswith="ASN-K-").values_list("number", flat=True))
    assert len(numbers) == BATCH and len(set(numbers)) == BATCH
    assert len(list(hub.erp_outbox.glob("despatch_advice-*.json"))) == BATCH

"""Tasks travel through the real broker (Redis) to a real worker process on the test database."""

from __future__ import annotations

import pytest

from tests.worker import WorkerProcess, private_queues

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("worker")]


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    from portal.celery import app

    broker = app.conf.broker_url or ""
    if not broker.startswith(("redis://", "amqp://")):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    with private_queues(settings, broker) as queue:
        proc = WorkerProcess(
            broker_url=broker, queue=queue, log_path=tmp_path / "worker.log",
            extra_env={"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                       "EMAIL_FILE_PATH": str(tmp_path / "mail")},
        ).start()
        try:
            proc.wait_ready(app)
            yield proc
        finally:
            proc.stop()


def test_task_round_trip_through_broker_and_worker(worker):
    from suppliers.tasks import ping

    result = ping.delay("hello")
    assert result.get(timeout=30) == "pong:hello"


def test_worker_reads_the_database_and_sends_the_invitation(worker, tmp_path):
    from suppliers import services
    from suppliers.audit import Actor
    from tests.conftest import make_tenant

    tenant = make_tenant("WORKR")
    issued = services.invitation_create(supplier=tenant.supplier, email="w@workr.example", actor=Actor.system())
    # the task was queued on commit; the worker loads the invitation and writes the e-mail
    import time

    deadline = time.monotonic() + 30
    invitation = ""
    while time.monotonic() < deadline and not invitation:
        folder = tmp_path / "mail"
        texts = [p.read_text() for p in folder.glob("*.log")] if folder.exists() else []
        invitation = next((t for t in texts if issued.path in t), "")
        time.sleep(0.2)
    assert invitation, (tmp_path / "worker.log").read_text()
    text = invitation
    assert "w@workr.example" in text and issued.path in text

"""The inbound pipeline on Redis and on RabbitMQ: the broker really is swappable.

Real processes: Celery beat polls the partners' folders, a worker (every queue but
``analytics``) claims the dropped files, parses, maps, acknowledges and sends the
acknowledgements; the test only drops files and reads the database. Along the way: a task
routed to ``analytics`` waits in its own queue and never runs on the inbound worker, and the
worker's JSON log lines name the interchange, partner and document.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.edi.conftest import despatch_advice, drop, interchange_bytes
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("worker")]

ROOT = Path(__file__).resolve().parents[2]
AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _reachable(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 5672), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request, settings) -> str:
    if request.param == "redis":
        url = settings.CELERY_BROKER_URL
        if not url.startswith("redis://"):
            pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
        return url
    if not _reachable(AMQP_URL):
        pytest.skip(f"RabbitMQ is not running at {AMQP_URL} (.ci/run starts it)")
    return AMQP_URL


def _delete_queues(url: str, names: list[str]) -> None:
    from kombu import Connection

    with Connection(url, connect_timeout=5) as conn:
        for name in names:
            channel = conn.channel()
            try:
                channel.queue_delete(queue=name)
            except Exception:  # noqa: BLE001 - never declared
                pass
            finally:
                try:
                    channel.close()
                except Exception:  # noqa: BLE001
                    pass


def test_inbound_pipeline_on_the_broker(broker, transactional_db, hub, edifact_partner, x12_partner, tenant_a,
                                        tenant_b, settings, tmp_path):
    from kombu import Connection

    from edi.models import Interchange
    from portal.celery import app
    from portal.metrics import queue_stats
    from portal.queues import CONCERNS
    from suppliers.models import DespatchAdvice

    # given: queues of our own on the shared broker, a worker on every queue but analytics, and beat
    default_queue = f"ops-{uuid.uuid4().hex[:8]}"
    prefix = f"{default_queue}."
    settings.CELERY_BROKER_URL = broker
    settings.CELERY_QUEUE_PREFIX = prefix
    settings.CELERY_TASK_DEFAULT_QUEUE = default_queue
    queues = [default_queue] + [prefix + c for c in CONCERNS]
    env = {"CELERY_TASK_DEFAULT_QUEUE": default_queue, "EDI_FILEDROP_SETTLE_SECONDS": "0", "EDI_POLL_SECONDS": "1",
           "LOG_FORMAT": "json", "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/0" if broker.startswith("redis") else "rpc://"}
    worker = WorkerProcess(broker_url=broker, queue=default_queue, concurrency=2, log_path=tmp_path / "worker.log",
                           queues=[q for q in queues if not q.endswith(".analytics")], extra_env=env)
    beat_env = {**worker.env, **env}
    try:
        worker.start()
        beat_log = open(tmp_path / "beat.log", "wb")  # noqa: SIM115 - the beat process writes it until the end
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
             f"--schedule={tmp_path / 'beat-schedule'}", f"--pidfile={tmp_path / 'beat.pid'}"],
            cwd=ROOT, env=beat_env, stdout=beat_log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            # a slow analytics job is queued first; it must not hold anything up, nor run here
            # (an explicit connection: Celery prefers CELERY_BROKER_URL from the environment to any setting)
            with Connection(broker) as connection:
                app.send_task("suppliers.scorecards.tasks.recompute_all", args=[2026], connection=connection,
                              ignore_result=True)

            # when: partners drop files
            numbers = [f"ASN-BRK-{n}" for n in range(3)]
            for n, number in enumerate(numbers):
                drop(hub, edifact_partner, f"asn-{n}.edi",
                     interchange_bytes(edifact_partner, [despatch_advice(tenant_a, number=number)], control_number=700 + n))
            drop(hub, x12_partner, "asn.x12", interchange_bytes(x12_partner, [despatch_advice(tenant_b, number="ASN-BRK-X")],
                                                                 control_number=800))

            # then: every file becomes a processed interchange, its ASN and a delivered acknowledgement
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                inbound = list(Interchange.objects.filter(direction="in").values_list("state", flat=True))
                acks = Interchange.objects.filter(direction="out", state="delivered").count()
                if len(inbound) == 4 and set(inbound) == {"processed"} and acks == 4:
                    break
                if worker.proc.poll() is not None or beat.poll() is not None:
                    break
                time.sleep(0.5)
            logs = (tmp_path / "worker.log").read_text(errors="replace")
            assert sorted(Interchange.objects.filter(direction="in").values_list("state", flat=True)) == ["processed"] * 4, \
                logs[-4000:] + (tmp_path / "beat.log").read_text(errors="replace")[-2000:]
            assert Interchange.objects.filter(direction="out", state="delivered").count() == 4
            assert set(DespatchAdvice.objects.filter(number__startswith="ASN-BRK").values_list("number", flat=True)) == \
                {*numbers, "ASN-BRK-X"}

            # the analytics message is still waiting in its own queue
            waiting = {name: count for name, count, _age in queue_stats()}
            assert waiting[prefix + "analytics"] == 1
            assert waiting[prefix + "edi_inbound"] == 0
            assert "suppliers.scorecards.tasks.recompute_all[" not in logs  # never delivered to the inbound worker

            # the worker's JSON log names interchange, partner and document (the line is written after the
            # task returns, so moments after the database says processed)
            def finished() -> list[dict]:
                text = (tmp_path / "worker.log").read_text(errors="replace")
                records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
                return [r for r in records if r.get("logger") == "tsunagi.tasks" and r.get("state") == "processed"]

            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not {r["document"] for r in finished()} >= {*numbers, "ASN-BRK-X"}:
                time.sleep(0.2)
            done = finished()
            assert {r["document"] for r in done} >= {*numbers, "ASN-BRK-X"}
            assert {r["partner"] for r in done} == {"ALPHA-EDI", "BRAVO-X12"}
            assert all(isinstance(r["interchange_id"], int) for r in done)
        finally:
            os.killpg(beat.pid, 15)
            beat.wait(timeout=20)
            beat_log.close()
    finally:
        worker.stop()
        _delete_queues(broker, queues)

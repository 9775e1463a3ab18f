"""A real Celery worker process for tests: same code, real broker, the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("The worker tests need PostgreSQL (DATABASE_URL=postgres://...).")
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


@contextmanager
def private_queues(settings, broker_url: str) -> Iterator[str]:
    """Queues no other process knows of, for one test: its default queue's name is yielded, and every
    queue by concern sits under ``<name>.``. A worker left over from an interrupted run, or another
    checkout's test run on the same broker, can never take this test's messages, nor this test
    theirs. The queues are deleted afterwards."""
    from kombu import Connection

    from portal.celery import app
    from portal.queues import CONCERNS

    name = f"t-{uuid.uuid4().hex[:10]}"
    previous = app.conf.task_default_queue
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    settings.CELERY_QUEUE_PREFIX = f"{name}."
    app.conf.task_default_queue = name
    try:
        yield name
    finally:
        app.conf.task_default_queue = previous
        with Connection(broker_url, connect_timeout=5) as conn:
            for queue in [name] + [f"{name}.{concern}" for concern in CONCERNS]:
                channel = conn.channel()
                try:
                    channel.queue_delete(queue=queue)
                except Exception:  # noqa: BLE001, S110 - never declared
                    pass
                finally:
                    channel.close()


class WorkerProcess:
    def __init__(self, *, broker_url: str, queue: str, extra_env: dict[str, str] | None = None,
                 concurrency: int = 1, log_path: Path | None = None, queues: list[str] | None = None) -> None:
        from portal.queues import CONCERNS, prefix_from

        self.broker_url = broker_url
        self.queue = queue
        # The default queue and every queue by concern under its prefix, unless told fewer.
        prefix = prefix_from(explicit=os.environ.get("CELERY_QUEUE_PREFIX"), default_queue=queue)
        self.queues = queues or [queue] + [f"{prefix}{concern}" for concern in CONCERNS]
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url if broker_url.startswith("redis") else "rpc://",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "SECRET_KEY": settings.SECRET_KEY,
            **(extra_env or {}),
        }
        self.concurrency = concurrency
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115 - the worker writes it until stopped
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", ",".join(self.queues), "--loglevel=INFO",
             f"--concurrency={self.concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat",
             f"--hostname=test-{self.queue}-{os.getpid()}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def stop(self, sig: int = 15) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()

    def wait_ready(self, app, timeout: float = 60) -> None:
        from suppliers.tasks import ping

        deadline = time.monotonic() + timeout
        result = ping.apply_async(args=["ready"], queue=self.queue)
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited with code {self.proc.returncode}")
            if result.ready():
                assert result.get() == "pong:ready"
                return
            time.sleep(0.2)
        raise TimeoutError("Celery worker did not answer in time")

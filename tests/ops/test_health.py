"""/healthz and /readyz: what a load balancer and an orchestrator see."""

from __future__ import annotations

import pytest


def test_healthz_answers_without_touching_anything(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # broken on purpose: liveness must not care
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")  # a probe's Host header, not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture
def archive(db, tmp_path, settings):
    from edi.models import HubSettings

    hub = HubSettings.get()
    hub.drop_root = str(tmp_path / "edi")
    hub.save()
    settings.READYZ_MIN_FREE_BYTES = 1
    return tmp_path / "edi"


def test_readyz_is_ready_when_database_broker_and_archive_are(client, archive, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "broker", "archive"}
    assert all(check["ok"] for check in body["checks"].values())
    assert archive.is_dir() and not list(archive.iterdir())  # the write probe cleaned up after itself


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:1/0", "amqp://guest:guest@127.0.0.1:1//"])
def test_readyz_is_not_ready_when_the_broker_is_down(client, archive, settings, broker):
    settings.CELERY_BROKER_URL = broker
    settings.READYZ_BROKER_TIMEOUT = 1.0
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "not ready"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"]["ok"] is True
    assert "error" in body["checks"]["broker"]


def test_readyz_fails_when_the_archive_disk_is_nearly_full(client, archive, settings):
    settings.CELERY_BROKER_URL = "filesystem://"  # keep the broker out of this one
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(archive.parent)}
    settings.READYZ_MIN_FREE_BYTES = 1 << 62
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["archive"]
    assert "below READYZ_MIN_FREE_BYTES" in response.json()["checks"]["archive"]["error"]


def test_readyz_fails_when_the_archive_is_not_writable(client, archive, settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(archive.parent)}
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_text("a file where the archive folder should be")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["archive"]


def test_readyz_fails_when_the_database_is_unreachable(client, archive, settings, monkeypatch):
    from django.db import OperationalError

    from portal.views import health

    def broken():
        raise OperationalError("connection refused")

    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(archive.parent)}
    archive.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]

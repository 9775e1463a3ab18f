"""Liveness and readiness, for load balancers, orchestrators and monitoring.

``/healthz``: the process is up and serving requests; nothing else is touched, so a database
outage never gets healthy web processes restarted. ``/readyz``: this process can do its work
now: the database answers, the broker accepts a connection, and the EDI archive is writable
with enough free space. 200 when all pass, 503 with a JSON body naming what failed otherwise.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


class CheckFailed(Exception):
    pass


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path((settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("data_folder_in", ""))
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CheckFailed(f"broker folder {folder} is not writable")
        return {"transport": "filesystem"}
    from kombu import Connection

    timeout = settings.READYZ_BROKER_TIMEOUT
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout} if url.startswith("redis") else {}
    with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        if url.startswith("redis"):
            conn.default_channel.client.ping()
        return {"transport": conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type}


def archive_root() -> Path:
    """The EDI archive's root (the file-drop root), read without writing to the database."""
    from django.db import DatabaseError

    from edi.models import HubSettings

    try:
        value = HubSettings.objects.filter(pk=1).values_list("drop_root", flat=True).first()
    except DatabaseError:
        value = None  # the database check reports that; the disk is checked at the default place
    if value is None:
        value = HubSettings._meta.get_field("drop_root").default
    path = Path(value)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def check_archive() -> dict[str, Any]:
    root = archive_root()
    root.mkdir(parents=True, exist_ok=True)
    probe = root / f".readyz-{uuid.uuid4().hex[:8]}"
    try:
        probe.write_bytes(b"ok")
    except OSError as exc:
        raise CheckFailed(f"{root} is not writable: {exc.strerror or exc}") from exc
    finally:
        probe.unlink(missing_ok=True)
    free = shutil.disk_usage(root).free
    if free < settings.READYZ_MIN_FREE_BYTES:
        raise CheckFailed(f"{root}: {free} bytes free, below READYZ_MIN_FREE_BYTES={settings.READYZ_MIN_FREE_BYTES}")
    return {"free_bytes": free}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "broker": check_broker,
    "archive": check_archive,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, **detail}
        except Exception as exc:  # noqa: BLE001 - every failure is an answer here, not an error page
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Database, broker and archive disk; 503 with the names of the failed checks."""
    ok, results = run_checks()
    body: dict[str, Any] = {"status": "ready" if ok else "not ready", "checks": results}
    if not ok:
        body["failed"] = [name for name, r in results.items() if not r["ok"]]
    return JsonResponse(body, status=200 if ok else 503)

"""Cross-cutting hooks, connected in ``OpsConfig.ready``: no other app has to call anything.

* Every task message gets a ``sent_at`` header (the age of the oldest waiting message is a
  metric) and carries the log context of the code that queued it.
* A task starts with that log context, plus the interchange it works on; it ends with one
  structured line and its duration in the task histogram (and, for an AS2 send, the AS2 one).
* Saving an interchange or mapping a message binds its id, partner and document number to the
  log context of the request or task doing it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.signals import (
    before_task_publish,
    task_failure,
    task_postrun,
    task_prerun,
    worker_ready,
)
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal import logging as log_context

log = logging.getLogger("tsunagi.tasks")

HEADER_SENT_AT = "tsunagi_sent_at"
HEADER_CONTEXT = "tsunagi_log"
INTERCHANGE_TASKS = {"edi.tasks.process_interchange", "edi.tasks.send_interchange"}

_started: dict[str, float] = {}


@before_task_publish.connect(dispatch_uid="ops.before_task_publish")
def _stamp_message(sender: str | None = None, headers: dict | None = None, **_: Any) -> None:
    if headers is None:
        return
    headers.setdefault(HEADER_SENT_AT, time.time())
    ctx = log_context.current()
    ctx.pop("task_id", None)
    if ctx:
        headers.setdefault(HEADER_CONTEXT, ctx)


@task_prerun.connect(dispatch_uid="ops.task_prerun")
def _task_started(task_id: str | None = None, task: Any = None, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    log_context.clear()
    inherited = getattr(task.request, HEADER_CONTEXT, None) if task is not None else None
    if isinstance(inherited, dict):
        log_context.bind(**inherited)
    log_context.bind(task_id=task_id)
    name = getattr(task, "name", "")
    if name in INTERCHANGE_TASKS:
        interchange_id = (args or [None])[0] if args else (kwargs or {}).get("interchange_id")
        if interchange_id is not None:
            log_context.bind(interchange_id=interchange_id)
            _bind_interchange_facts(interchange_id)
    if task_id:
        _started[task_id] = time.monotonic()


def _bind_interchange_facts(interchange_id: int) -> None:
    from django.db import DatabaseError

    try:
        from edi.models import Interchange, InterchangeMessage

        partner = Interchange.objects.filter(pk=interchange_id).values_list("partner__code", flat=True).first()
        documents = list(InterchangeMessage.objects.filter(interchange_id=interchange_id).exclude(document_id="")
                         .values_list("document_id", flat=True)[:5])
    except DatabaseError:
        return  # the task itself will meet the problem and report it
    log_context.bind_missing(partner=partner, document=",".join(documents) or None)


@task_postrun.connect(dispatch_uid="ops.task_postrun")
def _task_finished(task_id: str | None = None, task: Any = None, args: Any = None, retval: Any = None,
                   state: str | None = None, **_: Any) -> None:
    from portal import metrics

    started = _started.pop(task_id or "", None)
    name = getattr(task, "name", "?")
    duration = time.monotonic() - started if started is not None else None
    queue = ((getattr(task.request, "delivery_info", None) or {}).get("routing_key") or "") if task else ""
    outcome = (state or "unknown").lower()
    if duration is not None:
        metrics.TASK_SECONDS.labels(task=name, queue=queue, outcome=outcome).observe(duration)
    if name == "edi.tasks.send_interchange" and args and duration is not None:
        _observe_as2_send(args[0], duration, retval, outcome)
    if name in INTERCHANGE_TASKS and args:
        _bind_interchange_facts(args[0])
        log.info("interchange task %s finished: %s", name.rsplit(".", 1)[-1], retval if isinstance(retval, str) else outcome,
                 extra={"task": name, "state": retval if isinstance(retval, str) else outcome,
                        "duration_ms": round(duration * 1000, 1) if duration is not None else None})
    log_context.clear()


def _observe_as2_send(interchange_id: int, duration: float, retval: Any, outcome: str) -> None:
    from django.db import DatabaseError

    from portal import metrics

    try:
        from edi.models import Interchange

        row = Interchange.objects.filter(pk=interchange_id).values_list("partner__code", "partner__transport").first()
    except DatabaseError:
        return
    if not row or row[1] != "as2":
        return
    result = retval if isinstance(retval, str) else outcome
    metrics.AS2_SEND_SECONDS.labels(partner=row[0], outcome=result).observe(duration)


@task_failure.connect(dispatch_uid="ops.task_failure")
def _task_failed(task_id: str | None = None, exception: BaseException | None = None, sender: Any = None, **_: Any) -> None:
    log.error("task %s failed: %s", getattr(sender, "name", "?"), exception,
              extra={"task": getattr(sender, "name", "?")})


@receiver(post_save, sender="edi.Interchange", dispatch_uid="ops.interchange_saved")
def _interchange_saved(sender: Any, instance: Any, **_: Any) -> None:
    # The first interchange a request or task touches is its subject; children (split parts,
    # acknowledgements) saved along the way do not take its place.
    if log_context.current().get("interchange_id") in (None, instance.pk):
        partner = instance.partner.code if instance.partner_id else None
        log_context.bind(interchange_id=instance.pk, partner=partner)


@receiver(post_save, sender="edi.InterchangeMessage", dispatch_uid="ops.message_saved")
def _message_saved(sender: Any, instance: Any, **_: Any) -> None:
    if instance.document_id and log_context.current().get("interchange_id") in (None, instance.interchange_id):
        log_context.bind(interchange_id=instance.interchange_id, document=instance.document_id)


@worker_ready.connect(dispatch_uid="ops.worker_ready")
def _serve_worker_metrics(**_: Any) -> None:
    """``TSUNAGI_WORKER_METRICS_PORT``: the worker serves what its pool processes observed."""
    import os

    port = os.environ.get("TSUNAGI_WORKER_METRICS_PORT")
    if not port:
        return
    from prometheus_client import CollectorRegistry, start_http_server

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from portal.metrics import REGISTRY as registry  # a solo pool: this process did the work
    start_http_server(int(port), addr=os.environ.get("TSUNAGI_WORKER_METRICS_ADDR", "0.0.0.0"), registry=registry)
    log.info("worker metrics on port %s", port)

"""Celery tasks of the EDI hub: thin wrappers that load by id and call a service.

All are ``acks_late`` (a worker killed mid-task gets the message redelivered) and idempotent
(the services resume from the recorded state). Transient trouble (database or network) is
retried with exponential backoff up to a limit, then the interchange is marked failed; it is
never swallowed and never retried forever.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from edi.services.outbound import TransientSendError

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, OSError, TransientSendError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 5, "retry_backoff_max": 900, "retry_jitter": True,
         "max_retries": 8, "acks_late": True, "reject_on_worker_lost": True}


class InterchangeTask(Task):
    """On the final failure of a task, record it on the interchange where people look."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):  # noqa: D401 - Celery hook
        interchange_id = args[0] if args else kwargs.get("interchange_id")
        if interchange_id is None:
            return
        try:
            from edi.models import Interchange
            from edi.services.inbound import interchange_fail

            interchange = Interchange.objects.filter(pk=interchange_id).first()
            if interchange is not None and interchange.state not in ("processed", "delivered", "duplicate", "split"):
                interchange_fail(interchange=interchange, error=f"{type(exc).__name__}: {exc}")
        except DatabaseError:
            log.exception("could not record the failure of interchange %s", interchange_id)


@shared_task(bind=True, base=InterchangeTask, **RETRY)
def process_interchange(self, interchange_id: int) -> str:
    from edi.services.inbound import interchange_process

    return interchange_process(interchange_id=interchange_id).state


@shared_task(bind=True, base=InterchangeTask, **RETRY)
def send_interchange(self, interchange_id: int) -> str:
    from edi.services.outbound import interchange_send

    return interchange_send(interchange_id=interchange_id).state


@shared_task(bind=True, **RETRY)
def dispatch_purchase_order(self, order_id: int, revision: int) -> int | None:
    from edi.services.outbound import purchase_order_dispatch

    interchange = purchase_order_dispatch(order_id=order_id, revision=revision)
    return interchange.pk if interchange else None


@shared_task(bind=True, **RETRY)
def deliver_async_mdn(self, url: str, headers: dict, body_path: str) -> None:
    from edi.services.as2 import deliver_async_mdn as deliver

    deliver(url=url, headers=headers, body_path=body_path)


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_edi_administrators(self, interchange_id: int, what: str) -> int:
    from edi.services.notify_mail import send_interchange_alert

    return send_interchange_alert(interchange_id=interchange_id, what=what)


@shared_task(acks_late=True)
def poll_everything() -> dict:
    """One pass of every poller (beat runs this every few seconds)."""
    from edi.services.poll import poll_folders

    return poll_folders()


@shared_task(acks_late=True)
def resume_stalled() -> dict:
    """Re-queue work whose task message was lost (a broker restarted without persistence)."""
    from edi.services.as2 import SPOOL_GRACE_SECONDS, as2_fail_overdue_mdns, deliver_spooled_mdns
    from edi.services.poll import resume_stalled as resume

    stats = resume()
    # async MDNs whose task gave up or was never queued (the broker was down at the time)
    stats["async_mdns"] = deliver_spooled_mdns(older_than=SPOOL_GRACE_SECONDS, limit=20)
    # our messages whose partner never sent the asynchronous MDN
    stats["mdn_overdue"] = as2_fail_overdue_mdns()
    return stats

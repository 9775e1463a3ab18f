"""Celery queues by concern, and the router that sends each task to its queue.

Work is split so that one kind cannot starve another: a slow scorecard run (``analytics``) or a
burst of e-mails never sits in front of an inbound ASN (``edi_inbound``). Operators start
workers per queue (``celery -A portal worker -Q edi_inbound``) on as many machines as they
like; a development stack runs one worker on every queue.

Queue names carry an optional prefix (``CELERY_QUEUE_PREFIX``), so two installations, or the
parallel test processes, can share one broker without taking each other's messages. When the
prefix is not set and ``CELERY_TASK_DEFAULT_QUEUE`` is changed from ``celery``, the default
queue's name becomes the prefix: that keeps test processes, which each set their own default
queue, apart without more configuration.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

# Concern → the queue's base name. ``default`` takes whatever has no better place (ping, ...).
EDI_INBOUND = "edi_inbound"
EDI_OUTBOUND = "edi_outbound"
AS2_MDN = "as2_mdn"
EMAIL = "email"
ANALYTICS = "analytics"
PERIODIC = "periodic"
CONCERNS = (EDI_INBOUND, EDI_OUTBOUND, AS2_MDN, EMAIL, ANALYTICS, PERIODIC)

# Task name (or glob) → concern; the first match wins, so exact names come before patterns.
ROUTES: list[tuple[str, str]] = [
    ("edi.tasks.process_interchange", EDI_INBOUND),
    ("edi.tasks.send_interchange", EDI_OUTBOUND),
    ("edi.tasks.dispatch_purchase_order", EDI_OUTBOUND),
    ("edi.tasks.deliver_async_mdn", AS2_MDN),
    ("edi.tasks.poll_everything", PERIODIC),
    ("edi.tasks.resume_stalled", PERIODIC),
    ("suppliers.tasks.invitation_send", EMAIL),
    ("suppliers.forecasts.tasks.forecast_send_edi", EDI_OUTBOUND),
    ("suppliers.quality.tasks.quality_notice_send_edi", EDI_OUTBOUND),
    ("suppliers.quality.tasks.remind_overdue", PERIODIC),
    ("edi.tasks.notify_edi_administrators", EMAIL),
    ("suppliers.scorecards.tasks.*", ANALYTICS),
    ("suppliers.forecasts.tasks.*", ANALYTICS),
    ("suppliers.replenishment.tasks.*", ANALYTICS),
    ("suppliers.planning.tasks.*", ANALYTICS),
    ("*.analytics.*", ANALYTICS),
    ("*scorecard*", ANALYTICS),
    ("*notify*", EMAIL),
    ("*mail*", EMAIL),
    ("ops.tasks.*", PERIODIC),
]


def prefix_from(*, explicit: str | None, default_queue: str) -> str:
    """The queue-name prefix: the explicit one, else derived from a non-standard default queue."""
    if explicit is not None:
        return explicit
    return "" if default_queue == "celery" else f"{default_queue}."


def concern_of(task_name: str) -> str | None:
    """The concern a task belongs to, or None for the default queue."""
    for pattern, concern in ROUTES:
        if fnmatchcase(task_name, pattern):
            return concern
    return None


def queue_name(concern: str, *, prefix: str | None = None) -> str:
    return f"{current_prefix() if prefix is None else prefix}{concern}"


def current_prefix() -> str:
    from django.conf import settings

    return settings.CELERY_QUEUE_PREFIX


def all_queues() -> list[str]:
    """Every queue a worker must consume to do all the work: the default and one per concern."""
    from django.conf import settings

    return [settings.CELERY_TASK_DEFAULT_QUEUE] + [queue_name(c) for c in CONCERNS]


def route_task(name: str, args: Any, kwargs: Any, options: dict, task: Any = None, **kw: Any) -> dict | None:
    """Celery router (``task_routes``): an explicit ``queue=`` on the call still wins."""
    concern = concern_of(name)
    if concern is None:
        return None
    return {"queue": queue_name(concern)}

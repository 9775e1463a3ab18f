"""Celery tasks of demand planning (the ``analytics`` queue): thin, retried on transient errors.

Both are safe to run twice: a second forecast run replaces the first run's forecasts, and a
second replenishment run finds the first one's orders on order.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError)


def _actor(user_id: int | None, what: str):
    from django.contrib.auth import get_user_model

    from suppliers.audit import Actor

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return Actor.of(user) if user is not None else Actor.system(what)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=30, retry_jitter=True, max_retries=3)
def forecast_run(self, parts: list[int] | None = None, plants: list[int] | None = None,
                 user_id: int | None = None) -> int:
    from suppliers.planning.services import forecast_run as run

    return run(actor=_actor(user_id, "forecast"), parts=parts, plants=plants).pk


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=30, retry_jitter=True, max_retries=3)
def replenishment_run(self, user_id: int | None = None) -> dict:
    from suppliers.planning.services import replenishment_run as run

    report = run(actor=_actor(user_id, "replenishment"))
    return {"evaluated": len(report.evaluations), "orders": [o.number for o in report.orders],
            "proposed": report.awaiting}

"""Celery tasks of forecast collaboration: thin, idempotent, retried with backoff."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError, OSError)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_jitter=True, max_retries=8)
def forecast_send_edi(self, version_id: int) -> int | None:
    """DELFOR / 830 to the supplier's partner. The outbound pipeline is idempotent by reference."""
    from suppliers.forecasts.services import forecast_send_to_partner

    interchange = forecast_send_to_partner(version_id=version_id)
    return interchange.pk if interchange else None


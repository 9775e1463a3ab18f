"""Celery tasks of quality feedback: thin, idempotent, retried with backoff."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError, OSError)


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5, retry_jitter=True, max_retries=8)
def quality_notice_send_edi(self, notice_id: int, purpose: str) -> int | None:
    """QALITY to the supplier's partner. The outbound pipeline is idempotent by reference."""
    from suppliers.quality.services import quality_notice_send_to_partner

    interchange = quality_notice_send_to_partner(notice_id=notice_id, purpose=purpose)
    return interchange.pk if interchange else None


@shared_task(acks_late=True)
def remind_overdue() -> int:
    """Daily (beat): one e-mail per notice listing its overdue 8D steps; once per step per day."""
    from suppliers.quality.services import remind_overdue as remind

    return remind()


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def quality_answer_mail(self, step_id: int) -> int:
    from suppliers.quality.mail import send_answer_awaits_review

    return send_answer_awaits_review(step_id=step_id)

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send(self, invitation_id: int, path: str) -> None:
    from suppliers.models import Invitation

    invitation = Invitation.objects.select_related("supplier", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.state != "pending":
        return
    context = {"invitation": invitation, "url": settings.SITE_URL.rstrip("/") + path}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("suppliers/email/invitation_subject.txt", context).strip()
        body = render_to_string("suppliers/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


@shared_task
def ping(value: str) -> str:
    """Round trip through the broker: used by health checks and the worker test."""
    return f"pong:{value}"

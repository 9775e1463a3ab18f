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
    # The invited person has no preferences yet: write in the language of whoever invited them.
    language = getattr(getattr(invitation.invited_by, "preferences", None), "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string("suppliers/email/invitation_subject.txt", context).strip()
        body = render_to_string("suppliers/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


@shared_task
def ping(value: str) -> str:
    """Round trip through the broker: used by health checks and the worker test."""
    return f"pong:{value}"


# --- ERP hand-off of portal documents ----------------------------------------------------------

@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def erp_publish_order_response(self, response_id: int) -> str:
    """Write a portal order response for the ERP; the file name is fixed per response, so a
    second run rewrites the same file."""
    from django.utils import timezone

    from edi.services.erp import erp_publish
    from suppliers.models import OrderResponse

    response = OrderResponse.objects.select_related("order__supplier").filter(pk=response_id).first()
    if response is None:
        return ""
    name = erp_publish(document=response.document, supplier_code=response.order.supplier.code,
                       source=response.source, key=f"{response.source}-ordrsp-{response.pk}")
    OrderResponse.objects.filter(pk=response.pk).update(erp_file=name, published_at=timezone.now())
    return name


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def erp_publish_despatch_advice(self, advice_id: int) -> str:
    from django.utils import timezone

    from edi.services.erp import erp_publish
    from suppliers.documents import despatch_advice_document
    from suppliers.models import DespatchAdvice

    advice = DespatchAdvice.objects.select_related("supplier", "ship_to").filter(pk=advice_id).first()
    if advice is None:
        return ""
    name = erp_publish(document=despatch_advice_document(advice=advice), supplier_code=advice.supplier.code,
                       source=advice.source, key=f"{advice.source}-asn-{advice.pk}")
    DespatchAdvice.objects.filter(pk=advice.pk).update(erp_file=name, published_at=timezone.now())
    return name


# --- E-mail notifications ----------------------------------------------------------------------

@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send(self, notification_id: int) -> int:
    """Send one notification to each recipient not yet served, in the recipient's language.

    A delivery row is written after each e-mail, so a retry after a failure (or a second run)
    sends only to those still missing. Returns the number of e-mails sent by this run.
    """
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from suppliers.models import (
        Notification,
        NotificationDelivery,
        NotificationPreference,
        UserPreferences,
    )
    from suppliers.notifications import absolute_url, thaw

    notification = Notification.objects.select_related("supplier").filter(pk=notification_id).first()
    if notification is None:
        return 0
    User = get_user_model()
    recipients = User.objects.filter(
        supplier_membership__supplier=notification.supplier, supplier_membership__is_active=True, is_active=True,
    ).exclude(email="").exclude(
        pk__in=NotificationPreference.objects.filter(kind=notification.kind, email=False).values("user_id")
    ).exclude(pk__in=NotificationDelivery.objects.filter(notification=notification).values("user_id"))
    if notification.user_ids is not None:
        recipients = recipients.filter(pk__in=notification.user_ids)
    recipients = list(recipients.order_by("pk"))
    languages = dict(UserPreferences.objects.filter(user__in=recipients).values_list("user_id", "language"))
    context = thaw(notification.context)
    url = absolute_url(notification.url)
    sent = 0
    for user in recipients:
        language = languages.get(user.pk) or settings.LANGUAGE_CODE
        data = {**context, "supplier": notification.supplier, "user": user, "url": url,
                "site_url": settings.SITE_URL.rstrip("/")}
        with translation.override(language):
            subject = " ".join(render_to_string(notification.subject_template, data).split())
            body = render_to_string(notification.body_template, data)
        send_mail(subject, body, None, [user.email])
        NotificationDelivery.objects.create(notification=notification, user=user, email=user.email,
                                            language=language, subject=subject[:300])
        sent += 1
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
    return sent

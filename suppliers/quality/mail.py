"""Buyer-side e-mail: an 8D answer awaits the engineer's review."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from suppliers.quality.models import EightDStep
from suppliers.roles import QUALITY_ENGINEER


def send_answer_awaits_review(*, step_id: int) -> int:
    step = EightDStep.objects.select_related("notice__supplier", "notice__raised_by").filter(pk=step_id).first()
    if step is None or step.status != EightDStep.Status.SUBMITTED:
        return 0  # reviewed (or answered again) before this ran
    engineer = step.notice.raised_by
    if engineer is not None and engineer.is_active and engineer.is_staff and engineer.email:
        recipients = [engineer.email]
    else:
        recipients = list(get_user_model().objects.filter(groups__name=QUALITY_ENGINEER, is_active=True, is_staff=True)
                          .exclude(email="").values_list("email", flat=True).distinct())
    if not recipients:
        return 0
    context = {"step": step, "notice": step.notice, "url": settings.SITE_URL.rstrip("/") + reverse(
        "admin:quality_qualitynotice_change", args=[step.notice.pk])}
    from suppliers.models import UserPreferences

    # Each engineer reads it in the language chosen with the console's language switcher.
    languages = dict(UserPreferences.objects.filter(user__email__in=recipients, user__is_staff=True)
                     .exclude(language="").values_list("user__email", "language"))
    sent = 0
    for to in recipients:
        with translation.override(languages.get(to) or settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("quality/email/answered_subject.txt", context).split())
            body = render_to_string("quality/email/answered_body.txt", context)
        sent += send_mail(subject, body, None, [to])
    return sent

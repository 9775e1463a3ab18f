"""Overdue reminders: daily, one per step per day, only for steps the supplier can answer now."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from suppliers.quality.services import remind_overdue
from suppliers.quality.tasks import remind_overdue as remind_task


def run(day, capture):
    with capture(execute=True):
        return remind_overdue(today=day)


def test_overdue_steps_are_reminded_once_a_day(tenant_a, raise_notice, answer, mailoutbox,
                                               django_capture_on_commit_callbacks):
    notice = raise_notice(tenant_a)
    answer(notice, 1, tenant_a.member)
    mailoutbox.clear()
    today = timezone.localdate()
    # D1 is answered; D2 and D3 are due in 2 days: 3 days on, D2 is overdue and answerable, D3 is
    # overdue but waits for D2, D4.. are not due yet
    later = today + timedelta(days=3)
    assert run(later, django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 2  # the supplier's two users, one e-mail each
    assert "overdue" in mailoutbox[0].subject and "D2" in mailoutbox[0].body and "D3" not in mailoutbox[0].body
    # the same day again (a second beat, a retry): nothing
    assert run(later, django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 2
    # the next day, again
    assert run(later + timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert notice.steps.get(discipline=2).reminded_on == later + timedelta(days=1)


def test_answered_closed_and_cancelled_are_not_reminded(tenant_a, raise_notice, answer, engineer,
                                                        django_capture_on_commit_callbacks, mailoutbox):
    from suppliers.quality.services import quality_notice_cancel

    notice = raise_notice(tenant_a)
    answer(notice, 1, tenant_a.member)  # awaiting review: the buyer owes the next move
    quality_notice_cancel(notice=raise_notice(tenant_a), actor=engineer, reason="duplicate")
    mailoutbox.clear()
    assert run(timezone.localdate() + timedelta(days=2), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_the_beat_task_is_scheduled_daily(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == remind_task.name)
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}

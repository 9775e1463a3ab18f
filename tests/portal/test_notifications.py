"""E-mail notifications: sent after commit, per user, in the user's language, respecting
preferences, never twice; the preferences page and the language switcher."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from suppliers import services
from suppliers.audit import Actor
from suppliers.models import (
    Notification,
    NotificationDelivery,
    NotificationPreference,
    UserPreferences,
)
from suppliers.notifications import notify, register_kind
from suppliers.tasks import notification_send
from tests.conftest import login
from tests.portal.conftest import make_order


def _checkbox(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def _mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_a_new_order_is_mailed_to_each_user_after_commit(tenant_a, tenant_b, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_order(tenant_a, "PO-M-1")
        assert mail.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    to_admin, to_member = _mails_to(tenant_a.admin.email), _mails_to(tenant_a.member.email)
    assert len(to_admin) == 1 and len(to_member) == 1
    assert to_admin[0].subject == "[Tsunagi] New purchase order PO-M-1"
    assert "http://" in to_admin[0].body and "/orders/" in to_admin[0].body
    assert not _mails_to(tenant_b.admin.email)  # another supplier's people hear nothing


def test_a_rolled_back_change_sends_nothing(tenant_a, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_order(tenant_a, "PO-M-2")
            raise RuntimeError("rolled back")
    assert mail.outbox == [] and Notification.objects.count() == before


def test_recipients_language_and_opt_out(tenant_a, django_capture_on_commit_callbacks):
    services.user_preferences_update(user=tenant_a.admin, actor=tenant_a.admin, language="ja")
    services.user_preferences_update(user=tenant_a.member, actor=tenant_a.member, email_kinds={"purchase_order": False})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_order(tenant_a, "PO-M-3")
    assert not _mails_to(tenant_a.member.email)
    (japanese,) = _mails_to(tenant_a.admin.email)
    assert "PO-M-3" in japanese.subject and "発注" in japanese.subject + japanese.body
    delivery = NotificationDelivery.objects.get(user=tenant_a.admin, notification__kind="purchase_order",
                                                notification__context__order__pk__isnull=False,
                                                subject=japanese.subject)
    assert delivery.language == "ja"


def test_revisions_and_cancellations_are_mailed(tenant_a, django_capture_on_commit_callbacks):
    order = make_order(tenant_a, "PO-M-4")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_transition(order=order, to="cancelled", actor=Actor.system())
    assert _mails_to(tenant_a.member.email)[0].subject == "[Tsunagi] Purchase order PO-M-4 was cancelled"


def test_sending_twice_sends_once(tenant_a):
    with transaction.atomic():
        notification = notify(kind="reminder", supplier=tenant_a.supplier,
                              subject_template="suppliers/email/order_subject.txt",
                              body_template="suppliers/email/order_body.txt",
                              context={"order": tenant_a.order, "what": "changed", "revision": 1})
    mail.outbox.clear()
    assert notification_send(notification.pk) == 2
    assert notification_send(notification.pk) == 0
    assert len(mail.outbox) == 2 and NotificationDelivery.objects.filter(notification=notification).count() == 2


def test_only_the_named_users_inactive_ones_excluded(tenant_a):
    tenant_a.admin.is_active = False
    tenant_a.admin.save()
    with transaction.atomic():
        notification = notify(kind="quality", supplier=tenant_a.supplier, users=[tenant_a.member, tenant_a.admin],
                              subject_template="suppliers/email/order_subject.txt",
                              body_template="suppliers/email/order_body.txt",
                              context={"order": tenant_a.order, "what": "new", "revision": 0})
    mail.outbox.clear()
    notification_send(notification.pk)
    assert [m.to for m in mail.outbox] == [[tenant_a.member.email]]
    with transaction.atomic():
        nobody = notify(kind="quality", supplier=tenant_a.supplier, users=[],
                        subject_template="suppliers/email/order_subject.txt",
                        body_template="suppliers/email/order_body.txt", context={})
    assert notification_send(nobody.pk) == 0


def test_unknown_kinds_are_refused_and_new_kinds_can_be_registered(tenant_a):
    with pytest.raises(ValueError):
        notify(kind="nope", supplier=tenant_a.supplier, subject_template="x", body_template="y")
    kind = register_kind("test_kind", "Test kind")
    try:
        page = login(tenant_a.member).get(reverse("portal:preferences")).content.decode()
        assert 'name="email_test_kind"' in page
    finally:
        from suppliers.notifications import KINDS

        KINDS.pop(kind.key)


def test_preferences_page_saves_kinds_and_language(tenant_a):
    client = login(tenant_a.member)
    page = client.get(reverse("portal:preferences")).content.decode()
    assert 'name="email_purchase_order"' in page and "checked" in page
    response = client.post(reverse("portal:preferences"), {
        "language": "zh-hans", "email_purchase_order": "on", "email_forecast": "on", "email_reminder": "on"})
    assert response.status_code == 302
    prefs = UserPreferences.objects.get(user=tenant_a.member)
    assert prefs.language == "zh-hans"
    assert list(NotificationPreference.objects.filter(user=tenant_a.member).values_list("kind", "email")) == [
        ("quality", False)]
    # the page is now in Chinese, and shows the saved choices
    page = client.get(reverse("portal:preferences")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "checked" not in _checkbox(page, "email_quality") and "checked" in _checkbox(page, "email_forecast")


def test_language_switcher_remembers_the_email_language(tenant_a):
    client = login(tenant_a.member)
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert response.status_code == 302
    assert UserPreferences.objects.get(user=tenant_a.member).language == "ja"
    assert client.get("/").content.decode().count('lang="ja"') >= 1

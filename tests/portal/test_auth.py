"""Login: e-mail only, no sign-up, lockout after repeated failures, TOTP required per supplier."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login


def _totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
    return format_hotp_value(hotp_value(secret, counter))


def _login(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_by_email_lands_on_the_dashboard(tenant_a):
    client = Client()
    response = _login(client, tenant_a.member.email, PASSWORD)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert tenant_a.order.number in page.content.decode()


def test_sign_up_is_closed(db):
    response = Client().post(reverse("account_signup"), {"email": "new@example.com", "password1": "x-very-long-pass-1"})
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="new@example.com").exists()
    assert response.status_code in (200, 403)
    assert "closed" in response.content.decode().lower()


def test_lockout_after_repeated_failures_even_with_the_right_password(tenant_a, settings):
    client = Client()
    for _ in range(settings.LOGIN_ATTEMPTS):
        response = _login(client, tenant_a.member.email, "wrong-password")
        assert response.status_code == 200  # form redisplayed with an error
    # the right password is now refused too, until the lockout expires
    response = _login(client, tenant_a.member.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    # and another user is not affected by this one's lockout
    other = Client()
    assert _login(other, tenant_a.admin.email, PASSWORD).status_code == 302


def test_lockout_ends_when_the_window_passes(tenant_a, settings):
    from django.core.cache import cache

    client = Client()
    for _ in range(settings.LOGIN_ATTEMPTS):
        _login(client, tenant_a.member.email, "wrong-password")
    assert _login(client, tenant_a.member.email, PASSWORD).status_code != 302
    cache.clear()  # what the passing of LOGIN_LOCKOUT_SECONDS does to the counters
    assert _login(client, tenant_a.member.email, PASSWORD).status_code == 302


def test_deactivated_user_cannot_log_in(tenant_a):
    from suppliers import services

    services.membership_set_active(membership=tenant_a.member.supplier_membership, active=False, actor=tenant_a.admin)
    client = Client()
    _login(client, tenant_a.member.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(tenant_a):
    response = Client().post(reverse("account_reset_password"), {"email": tenant_a.member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


class TestMfaRequiredBySupplier:
    @pytest.fixture
    def strict(self, tenant_a):
        tenant_a.supplier.require_mfa = True
        tenant_a.supplier.save()
        return tenant_a

    def test_user_without_authenticator_is_sent_to_set_one_up(self, strict):
        client = Client()
        response = _login(client, strict.member.email, PASSWORD)
        assert response.status_code == 302
        for url in [reverse("portal:home"), reverse("portal:order_list"),
                    reverse("portal:order_detail", args=[strict.order.pk])]:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("mfa_activate_totp"))
        assert client.get(reverse("api-po-list")).status_code == 403
        # setting up the authenticator asks for the password again (allauth's reauthentication) ...
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        # ... then a code from the app activates it and the portal opens
        secret = client.session["mfa.totp.secret"]
        response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
        assert response.status_code == 302
        assert client.get(reverse("portal:home")).status_code == 200

    def test_other_suppliers_are_not_affected(self, strict, tenant_b):
        assert login(tenant_b.member).get(reverse("portal:home")).status_code == 200

    def test_with_totp_the_login_asks_for_a_code_then_lets_in(self, strict):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        secret = generate_totp_secret()
        TOTP.activate(strict.member, secret)
        client = Client()
        response = _login(client, strict.member.email, PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "_auth_user_id" not in client.session and wrong.status_code == 200
        response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
        assert response.status_code == 302
        assert client.get(reverse("portal:home")).status_code == 200

    def test_the_last_authenticator_cannot_be_removed(self, strict):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(strict.member, generate_totp_secret())
        client = login(strict.member)
        client.post(reverse("mfa_deactivate_totp"))
        assert Authenticator.objects.filter(user=strict.member, type="totp").exists()

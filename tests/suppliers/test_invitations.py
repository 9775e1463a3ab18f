"""Invitations: buyers and supplier admins invite; the one-time link sets the password once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from suppliers import services
from suppliers.errors import DomainError, PermissionDenied
from suppliers.models import Event, Invitation
from tests.conftest import login

NEW_PASSWORD = "a-new-and-long-password-7"


def _link_from_mail() -> str:
    body = mail.outbox[-1].body
    return next(line.strip() for line in body.splitlines() if "/invite/" in line)


def test_buyer_invites_and_the_link_sets_the_password_once(tenant_a, buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.invitation_create(supplier=tenant_a.supplier, email="New.Person@Alpha.example", actor=buyer)
    # the invitation e-mail carries the link; the database keeps only a hash of the token
    assert mail.outbox and mail.outbox[-1].to == ["new.person@alpha.example"]
    link = _link_from_mail()
    assert issued.token in link
    assert issued.token not in issued.invitation.token_hash
    user = issued.invitation.user
    assert not user.is_active and not user.has_usable_password()

    client = Client()
    path = link.split("://", 1)[-1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200  # signed in, as a user of ALPHA
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert user.supplier_membership.supplier == tenant_a.supplier
    # a second use of the same link fails
    assert Client().get("/" + path).status_code == 404
    assert Event.objects.filter(verb="invitation.accepted", object_id=str(issued.invitation.pk)).exists()


def test_expired_or_revoked_links_do_not_work(tenant_a, buyer):
    expired = services.invitation_create(supplier=tenant_a.supplier, email="late@alpha.example", actor=buyer)
    Invitation.objects.filter(pk=expired.invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(expired.path).status_code == 404
    with pytest.raises(DomainError):
        services.invitation_accept(token=expired.token, password=NEW_PASSWORD)

    revoked = services.invitation_create(supplier=tenant_a.supplier, email="gone@alpha.example", actor=buyer)
    services.invitation_revoke(invitation=revoked.invitation, actor=buyer)
    assert Client().post(revoked.path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 404


def test_weak_password_is_refused_and_the_link_stays_usable(tenant_a, buyer):
    issued = services.invitation_create(supplier=tenant_a.supplier, email="weak@alpha.example", actor=buyer)
    response = Client().post(issued.path, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert Client().get(issued.path).status_code == 200


def test_supplier_admin_invites_a_colleague_from_the_team_page(tenant_a):
    client = login(tenant_a.admin)
    response = client.post(reverse("portal:team"), {"email": "colleague@alpha.example", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="colleague@alpha.example")
    assert invitation.supplier == tenant_a.supplier and invitation.invited_by == tenant_a.admin
    assert "colleague@alpha.example" in client.get(reverse("portal:team")).content.decode()


def test_supplier_member_may_not_invite(tenant_a):
    response = login(tenant_a.member).post(reverse("portal:team"), {"email": "x@alpha.example", "role": "admin"})
    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@alpha.example").exists()
    with pytest.raises(PermissionDenied):
        services.invitation_create(supplier=tenant_a.supplier, email="x@alpha.example", actor=tenant_a.member)


def test_supplier_admin_may_not_invite_into_another_supplier(tenant_a, tenant_b):
    with pytest.raises(PermissionDenied):
        services.invitation_create(supplier=tenant_b.supplier, email="spy@bravo.example", actor=tenant_a.admin)


def test_existing_account_cannot_be_invited_again(tenant_a, tenant_b, buyer):
    with pytest.raises(DomainError):
        services.invitation_create(supplier=tenant_a.supplier, email=tenant_b.member.email, actor=buyer)


def test_supplier_admin_deactivates_and_reactivates_a_colleague(tenant_a):
    client = login(tenant_a.admin)
    membership = tenant_a.member.supplier_membership
    client.post(reverse("portal:team_member_active", args=[membership.pk]), {"active": "0"})
    tenant_a.member.refresh_from_db()
    assert not tenant_a.member.is_active
    assert Event.objects.filter(verb="membership.deactivated", actor=tenant_a.admin).exists()
    client.post(reverse("portal:team_member_active", args=[membership.pk]), {"active": "1"})
    tenant_a.member.refresh_from_db()
    assert tenant_a.member.is_active


def test_member_cannot_deactivate_anyone(tenant_a):
    membership = tenant_a.admin.supplier_membership
    response = login(tenant_a.member).post(reverse("portal:team_member_active", args=[membership.pk]), {"active": "0"})
    assert response.status_code == 403
    tenant_a.admin.refresh_from_db()
    assert tenant_a.admin.is_active


def test_buyer_invites_from_the_console(tenant_a, buyer, django_capture_on_commit_callbacks):
    client = login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:suppliers_invitation_add"), {
            "supplier": tenant_a.supplier.pk, "email": "console@alpha.example", "role": "admin",
        })
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="console@alpha.example")
    assert invitation.role == "admin" and invitation.state == "pending"
    assert mail.outbox[-1].to == ["console@alpha.example"]

"""The console's operator page: readiness, backlog, queues, failures of the last 24 h, certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import login, make_user


def _pem_expiring_in(days: int) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "partner-as2.example")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=300))
            .not_valid_after(now + dt.timedelta(days=days)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def scene(make_interchange, edifact_partner, x12_partner, settings):
    settings.READYZ_MIN_FREE_BYTES = 1
    x12_partner.transport = "as2"
    x12_partner.as2_id = "BRAVO-AS2"
    x12_partner.as2_url = "https://bravo.example/as2"
    x12_partner.as2_certificate = _pem_expiring_in(9)
    x12_partner.save()
    make_interchange(partner=edifact_partner, state="failed", error="UNB: the interchange is addressed to 'ELSEWHERE'")
    make_interchange(partner=edifact_partner, state="archived", age_days=0.1)
    make_interchange(partner=edifact_partner, state="failed", age_days=3, error="an old failure")


def test_operator_page_shows_backlog_failures_and_expiring_certificates(scene, buyer):
    page = login(buyer).get(reverse("console-operations"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="operator-page"' in html
    assert "addressed to &#x27;ELSEWHERE&#x27;" in html  # the failure of the last 24 h, with its reason
    assert "an old failure" not in html  # older than 24 h
    assert "Failures in the last 24 hours (1)" in html
    assert "AS2 certificate of BRAVO-X12 (CN=partner-as2.example) expires in" in html
    for check in ("database", "broker", "archive"):
        assert f"<td>{check}</td>" in html


def test_the_console_front_page_links_to_it(scene, buyer):
    html = login(buyer).get(reverse("admin:index")).content.decode()
    assert reverse("console-operations") in html


def test_supplier_users_and_staff_without_edi_rights_cannot_open_it(scene, tenant_a, db):
    assert login(tenant_a.admin).get(reverse("console-operations")).status_code in (302, 403)
    plain_staff = make_user("nobody@tsunagi.test", staff=True)
    assert login(plain_staff).get(reverse("console-operations")).status_code == 403


def test_legal_holds_are_placed_and_released_from_the_console(db, edifact_partner, settings):
    from django.contrib.auth import get_user_model

    from portal.ops.models import LegalHold
    from suppliers.models import Event

    admin = get_user_model().objects.create_superuser("root@tsunagi.test", "root@tsunagi.test", "pw-123456789")
    client = login(admin)
    response = client.post(reverse("admin:ops_legalhold_add"), {
        "reason": "Customer claim 2027-4", "reference": "CLAIM-4", "partner": edifact_partner.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    hold = LegalHold.objects.get()
    assert hold.placed_by == admin and hold.target == "partner ALPHA-EDI"
    assert Event.objects.filter(verb="legal_hold.placed", actor=admin).exists()
    response = client.post(reverse("admin:ops_legalhold_changelist"), {
        "action": "release", "_selected_action": [hold.pk]})
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == admin
    # two targets at once are refused by the form
    response = client.post(reverse("admin:ops_legalhold_add"), {
        "reason": "x", "partner": edifact_partner.pk, "supplier": edifact_partner.supplier.pk})
    assert response.status_code == 200 and LegalHold.objects.count() == 1


@pytest.mark.parametrize("role", ["Quality engineer", "EDI administrator"])
def test_quality_engineers_and_edi_administrators_place_legal_holds(db, edifact_partner, role):
    from django.contrib.auth.models import Group

    from portal.ops.models import LegalHold

    user = make_user(f"{role.split()[0].lower()}@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=role))
    response = login(user).post(reverse("admin:ops_legalhold_add"), {
        "reason": "Field failure analysis", "reference": "QN-9", "partner": edifact_partner.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LegalHold.objects.get().placed_by == user


def test_a_buyer_cannot_place_legal_holds(db, buyer, edifact_partner):
    from portal.ops.models import LegalHold

    response = login(buyer).post(reverse("admin:ops_legalhold_add"), {"reason": "x", "partner": edifact_partner.pk})
    assert response.status_code == 403 and not LegalHold.objects.exists()

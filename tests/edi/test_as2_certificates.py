"""AS2 certificates: two per partner during a rollover, and a console warning 30 days before one
expires."""

# ruff: noqa: F811 - pytest fixtures imported from tests/edi/as2_live.py are parameters here

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from edi.admin import CERT_WARNING_DAYS, certificate_status, edi_overview
from edi.models import Interchange
from edi.services.as2 import partner_certs
from edi.transports import as2
from suppliers.roles import EDI_ADMINISTRATOR
from tests.conftest import login, make_user
from tests.edi.as2_live import (  # noqa: F401
    as2_ids,
    as2_partner,
    build_message,
    check_mdn,
    configure_hub,
    peer,
    send,
)


@pytest.fixture
def rolling(hub, as2_ids, tenant_a):
    """A partner in the middle of a rollover: its current and its next certificate are both on file."""
    configure_hub(hub.settings, as2_ids)
    return as2_partner(tenant_a, code="PEER", as2_id="PEER", cert_path=as2_ids.peer.cert_path,
                       next_cert_path=as2_ids.peer_next.cert_path, ack=False)


@pytest.fixture
def edi_admin(db):
    user = make_user("edi-admin@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=EDI_ADMINISTRATOR))
    return user


def test_during_a_rollover_both_certificates_verify_inbound_signatures(rolling, as2_ids):
    for n, signer in enumerate([as2_ids.peer, as2_ids.peer_next]):
        message = build_message(as2_ids, f"ISA*payload {n}~".encode(), sender=signer)
        receipt = check_mdn(as2_ids, message, *send(message))
        assert receipt.disposition == "processed", signer.as2_id
    stranger = build_message(as2_ids, b"ISA*x~", sender=as2_ids.stranger)
    status, headers, body = send(stranger)
    assert as2.parse_mdn(headers, body, status=status, partner_certs=[as2_ids.hub.cert],
                         expected_message_id=stranger.message_id).disposition == \
        "processed/error: authentication-failed"
    assert Interchange.objects.filter(direction="in").exclude(archive_path="").count() == 2


def test_once_the_rollover_is_done_the_old_key_is_refused(rolling, as2_ids):
    rolling.as2_certificate, rolling.as2_next_certificate = rolling.as2_next_certificate, ""
    rolling.save()
    old = build_message(as2_ids, b"ISA*x~", sender=as2_ids.peer)
    status, headers, body = send(old)
    assert "authentication-failed" in as2.parse_mdn(
        headers, body, status=status, partner_certs=[as2_ids.hub.cert], expected_message_id=old.message_id,
    ).disposition
    new = build_message(as2_ids, b"ISA*y~", sender=as2_ids.peer_next)
    assert check_mdn(as2_ids, new, *send(new)).ok


def test_we_encrypt_for_the_current_certificate(rolling, as2_ids):
    certs = partner_certs(rolling)
    assert [c.fingerprint(c.signature_hash_algorithm) for c in certs] == [
        as2_ids.peer.cert.fingerprint(as2_ids.peer.cert.signature_hash_algorithm),
        as2_ids.peer_next.cert.fingerprint(as2_ids.peer_next.cert.signature_hash_algorithm),
    ]


@pytest.fixture
def short_lived(tmp_path):
    """A partner certificate that runs out in 10 days, and one good for a year."""
    return (peer.genkey_ours(tmp_path, "SHORT", days=10), peer.genkey_ours(tmp_path, "LONG", days=365))


def test_the_console_warns_30_days_before_a_certificate_expires(hub, tenant_a, tenant_b, short_lived, edi_admin):
    short, long = short_lived
    expiring = as2_partner(tenant_a, code="SOON", as2_id="SOON", cert_path=short.cert_path)
    as2_partner(tenant_b, code="FINE", as2_id="FINE", cert_path=long.cert_path)

    assert [days for _s, days in certificate_status(expiring)] in ([9], [10])
    warned = edi_overview()["expiring"]
    assert [(w["partner"].code, w["subject"]) for w in warned] == [("SOON", "CN=SHORT")]
    assert warned[0]["days"] < CERT_WARNING_DAYS

    client = login(edi_admin)
    front = client.get(reverse("admin:index")).content.decode()
    assert 'data-testid="expiring-certificates"' in front
    assert "AS2 certificate of SOON (CN=SHORT) expires in" in front and "FINE" not in front.split(
        'data-testid="expiring-certificates"')[1].split("</ul>")[0]
    listing = client.get(reverse("admin:edi_tradingpartner_changelist")).content.decode()
    assert 'class="cert-warning"' in listing and "expires in" in listing
    assert "days left" in listing  # the partner with a good certificate


def test_no_warning_when_every_certificate_is_good(hub, tenant_a, short_lived, edi_admin):
    _short, long = short_lived
    as2_partner(tenant_a, code="FINE", as2_id="FINE", cert_path=long.cert_path)
    assert edi_overview()["expiring"] == []
    assert 'data-testid="expiring-certificates"' not in login(edi_admin).get(reverse("admin:index")).content.decode()


def test_the_console_warns_when_the_hubs_own_certificate_runs_out(hub, short_lived, edi_admin):
    short, _long = short_lived
    hub.settings.as2_key_path, hub.settings.as2_cert_path = str(short.key_path), str(short.cert_path)
    hub.settings.save()

    (warning,) = edi_overview()["expiring"]
    assert warning["partner"] is None and warning["subject"] == "CN=SHORT" and warning["days"] <= 10
    front = login(edi_admin).get(reverse("admin:index")).content.decode()
    assert "This hub's own AS2 certificate (CN=SHORT) expires in" in front

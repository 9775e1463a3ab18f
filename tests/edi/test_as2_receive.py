"""``POST /as2/`` in process: stored before the MDN, duplicates answered and processed once, a
failed request keeps nothing, refused messages reach the console, async MDNs leave the spool."""

# ruff: noqa: F811 - pytest fixtures imported from tests/edi/as2_live.py are parameters here

from __future__ import annotations

import hashlib
import io
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from edi.models import Interchange
from edi.transports import as2
from suppliers.models import DespatchAdvice
from tests.edi.as2_live import (  # noqa: F401
    as2_ids,
    as2_partner,
    build_message,
    check_mdn,
    configure_hub,
    peer,
    send,
)
from tests.edi.conftest import despatch_advice, interchange_bytes


@pytest.fixture
def as2_hub(hub, as2_ids):
    configure_hub(hub.settings, as2_ids)
    return hub


@pytest.fixture
def partner(as2_hub, as2_ids, tenant_a):
    return as2_partner(tenant_a, code="PEER", as2_id="PEER", cert_path=as2_ids.peer.cert_path,
                       interchange_id="PEERX12", ack=False)


def asn_message(as2_ids, partner, tenant, *, number="ASN-AS2-1", control_number=301, **options):
    data = interchange_bytes(partner, [despatch_advice(tenant, number=number)], control_number=control_number)
    return build_message(as2_ids, data, filename=f"{number}.x12", **options), data


def files_under(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_message_is_archived_byte_identical_and_acknowledged_with_the_right_mic(
        partner, as2_ids, tenant_a, as2_hub, run):
    message, data = asn_message(as2_ids, partner, tenant_a)

    status, headers, body = send(message)

    receipt = check_mdn(as2_ids, message, status, headers, body)  # signature, Message-ID and MIC
    assert receipt.ok and receipt.disposition == "processed"
    stored = Interchange.objects.get(direction="in", as2_message_id=message.message_id)
    assert stored.state == "archived" and stored.channel == "as2" and stored.partner == partner
    assert (as2_hub.drop_root / stored.archive_path).read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    run()
    stored.refresh_from_db()
    assert stored.state == "processed", stored.error
    assert DespatchAdvice.objects.filter(supplier=tenant_a.supplier, number="ASN-AS2-1").count() == 1


def test_a_duplicate_message_id_is_answered_as_a_duplicate_and_processed_once(
        partner, as2_ids, tenant_a, as2_hub, run):
    message, _ = asn_message(as2_ids, partner, tenant_a)
    first = send(message)
    assert check_mdn(as2_ids, message, *first).disposition == "processed"

    # the sender did not get (or did not trust) our MDN and sends the very same bytes again
    again = send(message)
    receipt = check_mdn(as2_ids, message, *again)
    assert receipt.disposition == as2.DUPLICATE and receipt.ok and receipt.is_duplicate
    run()

    original = Interchange.objects.get(direction="in", state="processed")
    duplicate = Interchange.objects.get(direction="in", state="duplicate")
    assert duplicate.duplicate_of == original and duplicate.as2_message_id == original.as2_message_id
    assert duplicate.archive_path and duplicate.archive_path != original.archive_path  # kept for the record
    assert DespatchAdvice.objects.filter(supplier=tenant_a.supplier, number="ASN-AS2-1").count() == 1
    assert len(list(as2_hub.erp_outbox.glob("despatch_advice-*.json"))) == 1


def test_a_failed_database_write_answers_503_and_keeps_nothing(
        partner, as2_ids, tenant_a, as2_hub, run, django_capture_on_commit_callbacks):
    message, _ = asn_message(as2_ids, partner, tenant_a)

    # the insert of the interchange's audit event fails (a database that went away mid-request)
    refuse = mock.patch("edi.services.inbound.event_record", side_effect=OperationalError("server closed the connection"))
    with refuse, django_capture_on_commit_callbacks() as queued:
        status, headers, body = send(message)

    assert status == 503 and headers.get("Retry-After")
    assert b"Traceback" not in body and b"Disposition" not in body  # no MDN: nothing was accepted
    assert queued == []  # nothing was queued for processing
    assert not Interchange.objects.filter(direction="in").exists()
    assert files_under(as2_hub.drop_root / "PEER") == []  # the archived copy was taken back
    assert files_under(as2_hub.drop_root / ".as2-spool") == []
    run()
    assert not DespatchAdvice.objects.filter(number="ASN-AS2-1").exists()

    # the sender tries again later: now it is stored and processed, once
    assert check_mdn(as2_ids, message, *send(message)).disposition == "processed"
    run()
    assert Interchange.objects.get(direction="in").state == "processed"
    assert DespatchAdvice.objects.filter(number="ASN-AS2-1").count() == 1


def test_an_mdn_that_cannot_be_signed_rolls_the_message_back(partner, as2_ids, tenant_a, as2_hub,
                                                             django_capture_on_commit_callbacks):
    message, _ = asn_message(as2_ids, partner, tenant_a)
    unsigned = mock.patch("edi.services.as2.receive.as2.build_mdn", side_effect=ValueError("the HSM is unplugged"))
    with unsigned, django_capture_on_commit_callbacks() as queued:
        status, _headers, _body = send(message)
    assert status == 503
    assert queued == []
    assert not Interchange.objects.filter(direction="in").exists()
    assert files_under(as2_hub.drop_root / "PEER") == []


def test_a_hub_without_an_as2_key_answers_503(hub, as2_ids, partner):
    hub.settings.as2_key_path = ""
    hub.settings.save()
    message = build_message(as2_ids, b"ISA*whatever~")
    status, headers, _ = send(message)
    assert status == 503 and headers["Retry-After"]


@pytest.mark.parametrize("case,expect", [
    ("wrong-certificate", "processed/error: decryption-failed"),
    ("unknown-signer", "processed/error: authentication-failed"),
    ("unsigned", "processed/error: insufficient-message-security"),
    ("unencrypted", "processed/error: insufficient-message-security"),
])
def test_a_refused_message_gets_an_error_mdn_and_a_failed_interchange_in_the_console(
        partner, as2_ids, tenant_a, case, expect, django_capture_on_commit_callbacks, mailoutbox_admin):
    message, _ = asn_message(as2_ids, partner, tenant_a)
    bad = {
        "wrong-certificate": lambda: as2.build_outbound(
            b"ISA~", as2_from="PEER", as2_to="TSUNAGI", our_key=as2_ids.peer.key, our_cert=as2_ids.peer.cert,
            partner_cert=as2_ids.stranger.cert, message_id=message.message_id),
        "unknown-signer": lambda: build_message(as2_ids, b"ISA~", sender=as2_ids.stranger,
                                                message_id=message.message_id),
        "unsigned": lambda: build_message(as2_ids, b"ISA~", sign=None, message_id=message.message_id),
        "unencrypted": lambda: build_message(as2_ids, b"ISA~", encrypt=None, message_id=message.message_id),
    }[case]()

    with django_capture_on_commit_callbacks(execute=True):
        status, headers, body = send(bad)

    receipt = as2.parse_mdn(headers, body, status=status, partner_certs=[as2_ids.hub.cert],
                            expected_message_id=message.message_id)
    assert receipt.disposition == expect and not receipt.ok
    refused = Interchange.objects.get(direction="in", partner=partner)
    assert refused.state == "failed" and expect.split(": ")[1] in refused.error
    assert refused.as2_message_id == "" and refused.archive_path == ""
    assert mailoutbox_admin and "failed" in mailoutbox_admin[0].subject

    # the partner fixes its set-up and sends the message again under the same Message-ID
    assert check_mdn(as2_ids, message, *send(message)).disposition == "processed"


def test_bad_requests_get_a_clean_4xx(partner, as2_ids, settings):
    message = build_message(as2_ids, b"ISA~")
    assert send(message, headers={"AS2-To": "SOMEONE ELSE"})[0] == 403
    assert send(message, headers={"AS2-From": "NOBODY"})[0] == 403
    no_ids = {**message.headers}
    del no_ids["Message-ID"]
    response = Client().generic("POST", "/as2/", data=message.body, content_type=no_ids.pop("Content-Type"),
                                headers=no_ids)
    assert response.status_code == 400
    assert Client().get("/as2/").status_code == 405
    settings.AS2_MAX_BODY_BYTES = 1000
    assert send(message)[0] == 413
    assert not Interchange.objects.exists()


def test_an_inactive_partner_is_refused(partner, as2_ids):
    partner.is_active = False
    partner.save()
    assert send(build_message(as2_ids, b"ISA~"))[0] == 403


def test_an_async_mdn_is_spooled_and_delivered_by_run_once(partner, as2_ids, tenant_a, as2_hub, run):
    with peer.mdn_listener() as (url, received):
        message, _ = asn_message(as2_ids, partner, tenant_a, mdn="async", async_mdn_url=url)
        with mock.patch("edi.tasks.deliver_async_mdn.delay"):  # the task is lost: only the spool is left
            status, _headers, body = send(message)
        assert status == 200 and b"asynchronously" in body
        assert received == []
        assert len(list((as2_hub.drop_root / ".as2-spool" / "mdn").glob("*.json"))) == 1

        stats = run()

        assert stats["async_mdns"] == 1
        assert peer.wait_for(lambda: received, timeout=10)
    mdn_headers, mdn_body = received[0]
    receipt = check_mdn(as2_ids, message, 200, mdn_headers, mdn_body)
    assert receipt.ok and receipt.signed
    assert list((as2_hub.drop_root / ".as2-spool" / "mdn").iterdir()) == []
    assert run()["async_mdns"] == 0  # delivered once


@pytest.fixture
def mailoutbox_admin(db, settings):
    """An EDI administrator to be told about failures, and the mails they got."""
    from django.contrib.auth.models import Group
    from django.core import mail

    from suppliers.roles import EDI_ADMINISTRATOR
    from tests.conftest import make_user

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("edi-admin@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=EDI_ADMINISTRATOR))
    return mail.outbox


def test_the_sweeper_delivers_an_async_mdn_no_task_owns_and_leaves_the_others(
        partner, as2_ids, tenant_a, as2_hub, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError as BrokerDown

    from edi.tasks import resume_stalled

    spool = as2_hub.drop_root / ".as2-spool" / "mdn"
    with peer.mdn_listener() as (url, received):
        owned, _ = asn_message(as2_ids, partner, tenant_a, number="ASN-OWNED", control_number=401,
                               mdn="async", async_mdn_url=url)
        orphan, _ = asn_message(as2_ids, partner, tenant_a, number="ASN-ORPHAN", control_number=402,
                                mdn="async", async_mdn_url=url)
        with mock.patch("edi.tasks.deliver_async_mdn.delay"):  # queued; its task will run later
            assert send(owned)[0] == 200
        with mock.patch("edi.tasks.deliver_async_mdn.delay", side_effect=BrokerDown("redis is down")):
            status, _headers, body = send(orphan)  # the broker is down: still stored and answered
        assert status == 200 and b"asynchronously" in body
        assert len(list(spool.glob("*.json"))) == 2

        with django_capture_on_commit_callbacks(execute=True):
            stats = resume_stalled()

        assert stats["async_mdns"] == 1
        assert peer.wait_for(lambda: received, timeout=10)
    (mdn_headers, mdn_body), = received
    assert check_mdn(as2_ids, orphan, 200, mdn_headers, mdn_body).ok
    assert len(list(spool.glob("*.json"))) == 1  # the queued one is left to its task


def test_a_chunked_body_is_refused_where_the_server_cannot_end_it(partner):
    from django.test import RequestFactory

    from edi.views import as2_inbox

    request = RequestFactory().generic("POST", "/as2/", data=b"", content_type="application/pkcs7-mime")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    assert as2_inbox(request).status_code == 411  # runserver: reading on would wait forever
    request.environ["wsgi.input_terminated"] = True  # gunicorn: read to the end (the live test)
    request.environ["wsgi.input"] = io.BytesIO(b"not an AS2 message")
    assert as2_inbox(request).status_code == 400

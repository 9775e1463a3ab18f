"""Our AS2 sender against the independent openssl receiver (shared/as2-peer/capture_server.py)
behind a partner profile: an issued purchase order leaves as an X12 850 and is marked delivered
only on a receipt whose signature, Original-Message-ID and MIC check out."""

# ruff: noqa: F811 - pytest fixtures imported from tests/edi/as2_live.py are parameters here

from __future__ import annotations

import hashlib
import time
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from edi.models import Interchange
from edi.services.inbound import archive_path_of
from edi.tasks import RETRY, send_interchange
from suppliers import services
from suppliers.audit import Actor
from tests.edi.as2_live import as2_ids, as2_partner, configure_hub, peer, start_gunicorn  # noqa: F401

pytestmark = [pytest.mark.timeout(300)]

FAULTS = {
    # fault: what the interchange's error must say
    "wrong-mic": "MIC",
    "wrong-omid": "Original-Message-ID",
    "unsigned-mdn": "unsigned MDN",
    "bad-signature": "signature",
    "lf-mdn": "LF->CRLF",
    "no-mdn": "not an MDN",
}


@pytest.fixture
def capture(tmp_path, as2_ids):
    """Start the capture receiver with a given fault; yields a function returning its URL."""
    running = []

    def start(fault: str = "none") -> str:
        cm = peer.capture_server(tmp_path / f"capture-{fault}", receiver=as2_ids.capture,
                                 sender_cert=as2_ids.hub.cert_path, fault=fault)
        running.append(cm)
        return cm.__enter__()

    yield start
    for cm in running:
        cm.__exit__(None, None, None)


def capture_requests(tmp_path, fault: str) -> list:
    folder = tmp_path / f"capture-{fault}"
    return sorted((d for d in folder.iterdir() if d.is_dir() and d.name.isdigit()), key=lambda d: int(d.name))


def make_as2_supplier(hub, as2_ids, tenant, url: str, **profile):
    configure_hub(hub.settings, as2_ids)
    return as2_partner(tenant, code="CAPTURE", as2_id="CAPTURE", cert_path=as2_ids.capture.cert_path, url=url,
                       interchange_id="CAPTUREX12", ack=False, **profile)


def issue_order(tenant, number: str = "PO-AS2-1"):
    """The buyer issues a purchase order to an EDI supplier: the hub sends it on commit."""
    line = tenant.order.lines.get()
    return services.purchase_order_create(
        number=number, supplier=tenant.supplier, ship_to=tenant.order.ship_to, order_date=date(2026, 3, 1),
        actor=Actor.system("test"),
        lines=[services.LineInput(line_no=10, part=line.part, quantity=Decimal(250), price=Decimal("1.25"),
                                  requested_date=date(2026, 4, 1))],
    )


def outbound_for(order) -> Interchange:
    return Interchange.objects.get(direction="out", reference__startswith=f"po:{order.number}:")


def test_an_issued_order_is_sent_and_marked_delivered_on_a_good_mdn(
        hub, as2_ids, tenant_a, capture, tmp_path, django_capture_on_commit_callbacks):
    make_as2_supplier(hub, as2_ids, tenant_a, capture("none"))

    with django_capture_on_commit_callbacks(execute=True):
        order = issue_order(tenant_a)

    sent = outbound_for(order)
    assert sent.state == "delivered", sent.error
    assert sent.channel == "as2" and sent.document_types == "purchase_order" and sent.mdn == "processed"
    assert sent.as2_message_id and sent.mic.startswith("sha256:")
    # the openssl receiver decrypted it, verified our signature and got the very bytes we archived
    (request,) = capture_requests(tmp_path, "none")
    verdict = peer.read_verdict(request / "verdict.txt")
    assert "processed" in verdict.get("disposition", ""), verdict
    archived = archive_path_of(sent).read_bytes()
    assert (request / "payload.out").read_bytes() == archived
    assert b"ST*850*" in archived and b"PO-AS2-1" in archived
    assert f"<{sent.as2_message_id}>" in (request / "request.headers").read_text()


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_bad_receipt_fails_the_interchange(fault, hub, as2_ids, tenant_a, capture, tmp_path,
                                             django_capture_on_commit_callbacks):
    make_as2_supplier(hub, as2_ids, tenant_a, capture(fault))

    with django_capture_on_commit_callbacks(execute=True):
        order = issue_order(tenant_a)

    sent = outbound_for(order)
    assert sent.state == "failed", f"{fault}: {sent.state} {sent.mdn}"
    assert sent.processed_at is None
    assert FAULTS[fault] in sent.error, sent.error
    assert sent.mdn.startswith("refused:")
    assert len(capture_requests(tmp_path, fault)) == 1  # a receipt we cannot trust is not retried


def test_http_500_is_retried_with_backoff_then_fails(hub, as2_ids, tenant_a, capture, tmp_path,
                                                     django_capture_on_commit_callbacks):
    from portal.celery import app

    make_as2_supplier(hub, as2_ids, tenant_a, capture("http500"))
    countdowns = []
    real_retry = send_interchange.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return real_retry(*args, **kwargs)

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False  # eager retries run at once; the last failure is reported
    try:
        with mock.patch.object(send_interchange, "retry", side_effect=spy), \
                django_capture_on_commit_callbacks(execute=True):
            order = issue_order(tenant_a)
    finally:
        app.conf.task_eager_propagates = propagates

    sent = outbound_for(order)
    assert sent.state == "failed" and "HTTP 500" in sent.error
    requests = capture_requests(tmp_path, "http500")
    assert len(requests) == 1 + RETRY["max_retries"]  # retried, and not forever
    assert sent.attempts == len(requests)
    # every attempt carried the same Message-ID, so the partner can recognise a repeat
    ids = {line for r in requests for line in (r / "request.headers").read_text().splitlines()
           if line.lower().startswith("message-id:")}
    assert len(ids) == 1
    # exponential backoff with jitter, capped (the last call finds the retries used up)
    assert len(countdowns) == RETRY["max_retries"] + 1
    for n, countdown in enumerate(countdowns[:-1]):
        assert 0 <= countdown <= min(RETRY["retry_backoff_max"], RETRY["retry_backoff"] * 2 ** n)


def test_an_unreachable_partner_is_retried(hub, as2_ids, tenant_a, django_capture_on_commit_callbacks):
    from edi.services.outbound import TransientSendError, interchange_send

    make_as2_supplier(hub, as2_ids, tenant_a, f"http://127.0.0.1:{peer.free_port()}/as2")
    with mock.patch("edi.tasks.send_interchange.delay"), django_capture_on_commit_callbacks(execute=True):
        order = issue_order(tenant_a)
    sent = outbound_for(order)
    with pytest.raises(TransientSendError):
        interchange_send(interchange_id=sent.pk)
    sent.refresh_from_db()
    assert sent.state == "queued" and sent.attempts == 1


# --- asynchronous MDNs: the receipt comes back to our POST /as2/mdn/ --------------------------------

@pytest.fixture
def web(transactional_db, tmp_path, settings):
    server = start_gunicorn(tmp_path / "web")
    settings.SITE_URL = server.base_url  # Receipt-Delivery-Option points at this server
    yield server
    server.stop()


def _wait_state(interchange: Interchange, states: set[str], timeout: float = 30) -> Interchange:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        interchange.refresh_from_db()
        if interchange.state in states:
            return interchange
        time.sleep(0.1)
    return interchange


def test_an_async_mdn_moves_the_interchange_from_sent_to_delivered(web, hub, as2_ids, tenant_a, capture, tmp_path):
    make_as2_supplier(hub, as2_ids, tenant_a, capture("none"), as2_mdn="async")

    order = issue_order(tenant_a)  # transactional: the send runs on the real commit

    sent = outbound_for(order)
    assert sent.state == "sent"
    (request,) = capture_requests(tmp_path, "none")
    assert f"Receipt-Delivery-Option: {web.base_url}/as2/mdn/" in (request / "request.headers").read_text()
    sent = _wait_state(sent, {"delivered", "failed"})
    assert sent.state == "delivered", sent.error
    assert sent.mdn == "processed"
    log = request / "async.log"  # written by the capture server once our answer is back
    assert peer.wait_for(lambda: log.exists() and "HTTP 200" in log.read_text(), timeout=10)

    # what else reaches the public endpoint: not an MDN, an MDN for a message we never sent
    from tests.edi.as2_live import post

    assert post(f"{web.base_url}/as2/mdn/", {"Content-Type": "text/plain"}, b"hello")[0] == 400
    report = (b"--b\r\nContent-Type: message/disposition-notification\r\n\r\n"
              b"Original-Message-ID: <nobody@x>\r\nDisposition: automatic-action/MDN-sent-automatically; "
              b"processed\r\n\r\n--b--\r\n")
    ctype = 'multipart/report; report-type=disposition-notification; boundary="b"'
    assert post(f"{web.base_url}/as2/mdn/", {"Content-Type": ctype}, report)[0] == 404
    assert web.server_errors() == []


def test_an_async_mdn_with_a_wrong_mic_fails_the_interchange(web, hub, as2_ids, tenant_a, capture, tmp_path):
    make_as2_supplier(hub, as2_ids, tenant_a, capture("wrong-mic"), as2_mdn="async")
    order = issue_order(tenant_a)
    sent = _wait_state(outbound_for(order), {"delivered", "failed"})
    assert sent.state == "failed" and "MIC" in sent.error


def test_the_archived_interchange_is_what_was_signed(hub, as2_ids, tenant_a, capture, tmp_path,
                                                    django_capture_on_commit_callbacks):
    make_as2_supplier(hub, as2_ids, tenant_a, capture("none"), as2_compress=True, as2_sign="sha512",
                      as2_encrypt="3des")
    with django_capture_on_commit_callbacks(execute=True):
        order = issue_order(tenant_a)
    sent = outbound_for(order)
    assert sent.state == "delivered", sent.error
    assert sent.mic.startswith("sha512:")
    (request,) = capture_requests(tmp_path, "none")
    assert hashlib.sha256((request / "payload.out").read_bytes()).hexdigest() == sent.sha256


@pytest.fixture
def eager_partner(as2_ids):
    """An AS2 partner (our library) that POSTs the async MDN *before* it answers our request."""
    import http.server
    import threading

    from edi.transports import as2

    posted: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            result = as2.parse_inbound(
                self.headers, body, our_key=as2_ids.capture.key, our_cert=as2_ids.capture.cert,
                resolve_partner=lambda f, t: as2.Partner(f, signing_certs=[as2_ids.hub.cert]))
            mdn = as2.build_mdn(result, our_key=as2_ids.capture.key, our_cert=as2_ids.capture.cert)
            posted.append(as2.post(result.request.mdn_async_url, mdn.headers, mdn.body)[0])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", peer.free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/as2", posted
    server.shutdown()
    server.server_close()


def test_an_async_mdn_that_comes_before_the_http_answer_still_counts(web, hub, as2_ids, tenant_a, eager_partner):
    url, posted = eager_partner
    make_as2_supplier(hub, as2_ids, tenant_a, url, as2_mdn="async")

    order = issue_order(tenant_a)

    assert posted == [200]
    sent = outbound_for(order)
    assert sent.state == "delivered", (sent.state, sent.error, sent.mdn)
    assert web.server_errors() == []


def test_a_message_whose_async_mdn_never_comes_fails_after_a_day(hub, as2_ids, tenant_a, capture,
                                                                   django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from edi.services.as2 import as2_fail_overdue_mdns

    make_as2_supplier(hub, as2_ids, tenant_a, capture("no-mdn"), as2_mdn="async")
    with django_capture_on_commit_callbacks(execute=True):
        old, recent = issue_order(tenant_a, "PO-OLD"), issue_order(tenant_a, "PO-RECENT")
    old_sent, recent_sent = outbound_for(old), outbound_for(recent)
    assert old_sent.state == recent_sent.state == "sent"
    Interchange.objects.filter(pk=old_sent.pk).update(updated_at=timezone.now() - timedelta(hours=25))

    with django_capture_on_commit_callbacks(execute=True):
        assert as2_fail_overdue_mdns() == 1

    old_sent.refresh_from_db()
    recent_sent.refresh_from_db()
    assert old_sent.state == "failed" and "no asynchronous MDN within 24 hours" in old_sent.error
    assert recent_sent.state == "sent"


def test_an_async_mdn_that_cannot_be_authenticated_changes_nothing(web, hub, as2_ids, tenant_a, capture, tmp_path):
    # /as2/mdn/ is open to anyone: a receipt that is not verifiably the partner's must neither
    # deliver nor fail the message (the sweeper fails it if the real one never comes)
    partner = make_as2_supplier(hub, as2_ids, tenant_a, capture("bad-signature"), as2_mdn="async")
    for n, fault in enumerate(["bad-signature", "unsigned-mdn"]):
        if n:
            partner.as2_url = capture(fault)
            partner.save()
        order = issue_order(tenant_a, f"PO-UNTRUSTED-{n}")
        sent = outbound_for(order)
        (request,) = capture_requests(tmp_path, fault)
        log = request / "async.log"
        assert peer.wait_for(lambda log=log: log.exists() and log.read_text(), timeout=20), fault
        assert "403" in log.read_text(), fault
        sent.refresh_from_db()
        assert sent.state == "sent", fault
        assert sent.mdn.startswith("an MDN that could not be authenticated was refused"), fault
    assert web.server_errors() == []

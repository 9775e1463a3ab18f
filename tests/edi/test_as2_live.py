"""Our real ``POST /as2/`` under gunicorn, against the test PostgreSQL database, judged from the
outside by the independent openssl peer (../shared/as2-peer) and by large streamed messages."""

# ruff: noqa: F811 - pytest fixtures imported from tests/edi/as2_live.py are parameters here

from __future__ import annotations

import hashlib
import shlex
import sys
import threading
import time
from pathlib import Path

import pytest

from edi.models import Interchange
from tests.edi.as2_live import (
    SAMPLE,
    as2_ids,  # noqa: F401 - fixture
    as2_partner,
    build_message,
    check_mdn,
    configure_hub,
    database_url,
    peer,
    post,
    rss_kib,
    start_gunicorn,
)

# one group with the library's peer suite: `as2peer.sh suite` always listens on 127.0.0.1:18081 for P4
pytestmark = [pytest.mark.xdist_group("as2-peer"), pytest.mark.timeout(900)]

SUITE_CASES = ["P1", "P2", "P3", "P5", "P6", "P7", "P7b", "P4",
               "N1", "N2", "N3", "N4a", "N4b", "N4c", "N5", "N6", "N9", "N7", "N8"]


@pytest.fixture
def live(transactional_db, hub, as2_ids, tenant_a, tmp_path):
    """gunicorn on the test database, the hub's key pair, and the openssl peer as partner PEER."""
    configure_hub(hub.settings, as2_ids)
    # the sample 850 comes from INDEPPEER, addressed to DJANGORCV
    partner = as2_partner(tenant_a, code="PEER", as2_id="PEER", cert_path=as2_ids.peer.cert_path,
                          interchange_id="INDEPPEER", ack=False)
    server = start_gunicorn(tmp_path / "web")
    try:
        yield server, partner
    finally:
        server.stop()


def _psql(sql: str) -> str:
    """A shell command printing one value from the test database (for the peer's hooks)."""
    return f"{sys.executable} -c {shlex.quote(_SQL_SNIPPET)} {shlex.quote(database_url())} {shlex.quote(sql)}"


_SQL_SNIPPET = (
    "import sys, psycopg\n"
    "with psycopg.connect(sys.argv[1]) as c:\n"
    "    row = c.execute(sys.argv[2]).fetchone()\n"
    "print(row[0] if row else '')\n"
)


def test_the_peer_suite_passes_against_our_endpoint(live, hub, as2_ids, tmp_path):
    server, partner = live
    run_once = " ".join(shlex.quote(a) for a in [sys.executable, "manage.py", "edi", "run-once"])
    env = " ".join(f"{k}={shlex.quote(server.env[k])}" for k in
                   ("DATABASE_URL", "TSUNAGI_VAR_DIR", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SECRET_KEY"))
    root = Path(__file__).resolve().parents[2]
    newest = _psql("select archive_path from edi_interchange where direction='in' and channel='as2' "
                   "and archive_path <> '' order by id desc limit 1")
    result = peer.run_suite(
        url=server.url, to="TSUNAGI", sender=as2_ids.peer, receiver_cert=as2_ids.hub.cert_path,
        payload=SAMPLE, runs_dir=tmp_path / "runs",
        extra=[
            # P4: the async MDN is spooled by the web process and delivered by `edi run-once`
            "--async-trigger", f"cd {shlex.quote(str(root))} && env {env} {run_once}",
            # N4c: inbound interchanges that hold a payload and are not duplicates
            "--inbox-count-cmd", _psql("select count(*) from edi_interchange where direction='in' "
                                       "and state <> 'duplicate' and archive_path <> ''"),
            # P7b: the newest archived payload, compared byte for byte with what the peer sent
            "--delivered-cmd", f"echo {shlex.quote(str(hub.drop_root))}/$({newest})",
            "--large-mb", "4", "--big-mb", "30",
        ],
    )
    failed = {case: result.why(case) for case in SUITE_CASES if result.cases.get(case) != "PASS"}
    assert not failed, "\n\n".join(f"{case}:\n{why}" for case, why in failed.items()) + result.output[-2000:]
    assert result.returncode == 0
    assert server.server_errors() == [], "a request was answered with a 5xx"
    assert "Traceback" not in server.log_text()

    # what the database says about the same run
    inbound = Interchange.objects.filter(direction="in", partner=partner)
    dup = inbound.get(state="duplicate")
    assert dup.duplicate_of is not None and dup.duplicate_of.as2_message_id == dup.as2_message_id
    # the refused messages are in the console with their reason; none holds a payload
    refused = inbound.filter(state="failed", archive_path="")
    reasons = " ".join(refused.values_list("error", flat=True))
    for modifier in ("integrity-check-failed", "decryption-failed", "insufficient-message-security",
                     "authentication-failed"):
        assert modifier in reasons
    # P1, P2, P3, P5, P6, P7, P4, N4a: eight payloads stored, each once
    stored = inbound.exclude(archive_path="").exclude(state="duplicate")
    assert stored.count() == 8
    assert len(set(stored.values_list("as2_message_id", flat=True))) == 8
    large = stored.get(filename="large.x12")
    assert large.size > 4 * 1024 * 1024
    assert hashlib.sha256((hub.drop_root / large.archive_path).read_bytes()).hexdigest() == large.sha256
    # nothing left in the async MDN spool
    assert not list((hub.drop_root / ".as2-spool" / "mdn").glob("*.json"))


def test_a_100_mb_message_is_streamed_and_delivered_intact(live, hub, as2_ids, tmp_path):
    server, partner = live
    # given: a 100+ MB payload, signed and encrypted, built once and kept in a file
    size = 100 * 1024 * 1024 + 12345
    block = hashlib.sha256(b"seed").digest() * 2048  # 64 KiB of non-repeating-looking bytes
    payload = (block * (size // len(block) + 1))[:size]
    payload_sha = hashlib.sha256(payload).hexdigest()
    message = build_message(as2_ids, payload, filename="big.x12")
    del payload
    body_file = tmp_path / "big.p7m"
    body_file.write_bytes(message.body)
    headers, expected = dict(message.headers), _Expected(message)
    del message  # the test process need not hold 100 MB while the server works
    worker = server.worker_pids()[0]
    before = rss_kib(worker)
    peak = {"RssAnon": before["RssAnon"]}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                peak["RssAnon"] = max(peak["RssAnon"], rss_kib(worker)["RssAnon"])
            except (OSError, KeyError):
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # when: it is streamed from the file with http.client
    try:
        status, resp_headers, resp_body = post(server.url, headers, body_file, timeout=600)
    finally:
        done.set()
        sampler.join()
    # then: a good signed MDN, the payload archived byte for byte, and a worker that did not
    # hold the message in its heap
    receipt = check_mdn(as2_ids, expected, status, resp_headers, resp_body)
    assert receipt.ok and receipt.disposition == "processed", receipt.disposition
    stored = Interchange.objects.get(direction="in", partner=partner, filename="big.x12")
    assert stored.size == size and stored.sha256 == payload_sha
    archived = hub.drop_root / stored.archive_path
    assert archived.stat().st_size == size
    assert _sha256_file(archived) == payload_sha
    growth_mib = (peak["RssAnon"] - before["RssAnon"]) / 1024
    assert growth_mib < 64, f"the worker's heap grew by {growth_mib:.0f} MiB for a 100 MB message"
    print(f"100 MB receive: heap growth {growth_mib:.1f} MiB, peak RSS {rss_kib(worker)['VmHWM'] / 1024:.0f} MiB")


def test_a_chunked_body_is_read_to_its_end(live, as2_ids, tmp_path):
    server, partner = live
    message = build_message(as2_ids, SAMPLE.read_bytes(), filename="chunked.x12")
    body_file = tmp_path / "chunked.p7m"
    body_file.write_bytes(message.body)
    status, headers, body = post(server.url, message.headers, body_file, chunked=True)
    receipt = check_mdn(as2_ids, message, status, headers, body)
    assert receipt.ok
    stored = Interchange.objects.get(direction="in", partner=partner, as2_message_id=message.message_id)
    assert stored.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()


def test_the_same_message_sent_eight_times_at_once_is_stored_once(live, hub, as2_ids):
    server, _partner = live
    message = build_message(as2_ids, SAMPLE.read_bytes(), filename="race.x12")
    answers: list = [None] * 8
    gate = threading.Barrier(8)

    def sender(i: int) -> None:
        gate.wait()
        answers[i] = post(server.url, message.headers, message.body)

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dispositions = sorted(check_mdn(as2_ids, message, *a).disposition for a in answers)
    # every sender is told the message arrived; the database holds it once
    assert set(dispositions) <= {"processed", "processed/warning: duplicate-document"}, dispositions
    assert dispositions.count("processed") >= 1
    stored = Interchange.objects.filter(direction="in", as2_message_id=message.message_id)
    assert stored.exclude(state="duplicate").count() == 1
    assert stored.filter(state="duplicate").count() == 8 - 1
    assert server.server_errors() == []


def test_a_database_failure_under_gunicorn_answers_503_and_delivers_nothing(live, hub, as2_ids, tmp_path):
    from django.db import connection

    from edi.services.poll import run_once

    server, partner = live
    message = build_message(as2_ids, SAMPLE.read_bytes(), filename="boom.x12")
    # the database refuses the insert of this one file (as a full disk or a lost primary would)
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION as2_test_refuse() RETURNS trigger AS $$
            BEGIN
              IF NEW.filename = 'boom.x12' THEN RAISE EXCEPTION 'disk full (test)'; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER as2_test_refuse BEFORE INSERT ON edi_interchange
              FOR EACH ROW EXECUTE FUNCTION as2_test_refuse();
        """)
    try:
        status, headers, body = post(server.url, message.headers, message.body)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER as2_test_refuse ON edi_interchange; DROP FUNCTION as2_test_refuse();")

    assert status == 503 and headers.get("Retry-After"), body
    assert b"Disposition" not in body and b"Traceback" not in body
    assert not Interchange.objects.filter(direction="in").exists()
    assert not [p for p in (hub.drop_root / partner.code).rglob("*") if p.is_file()]
    run_once()
    assert not Interchange.objects.exists()

    # the sender retries: a normal first delivery, processed once
    receipt = check_mdn(as2_ids, message, *post(server.url, message.headers, message.body))
    assert receipt.disposition == "processed"
    assert Interchange.objects.filter(direction="in", as2_message_id=message.message_id).count() == 1


class _Expected:
    """The parts of an OutboundMessage ``check_mdn`` needs, once the body has been let go."""

    def __init__(self, message) -> None:
        self.message_id = message.message_id
        self.mic = message.mic
        self.mic_alg = message.mic_alg


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()

"""Files from outside: names that try to climb out of their folder (a partner's drop folder, an
AS2 message's Content-Disposition, the ERP inbox, document ids that become outbox names), IDoc
XML with external entities, and uploads whose content is not what their name says.

Every test checks the file system itself: nothing is written outside the hub's folders.
"""

# ruff: noqa: F811 - pytest fixtures imported from tests/edi/as2_live.py are parameters here

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest

from edi.models import Interchange
from edi.services.inbound import archive_path_of
from suppliers.models import DespatchAdvice
from tests.conftest import login
from tests.edi.as2_live import as2_ids, as2_partner, build_message, configure_hub, send  # noqa: F401
from tests.edi.conftest import despatch_advice, hub, interchange_bytes, make_partner, run  # noqa: F401

HOSTILE_NAMES = [
    "..", "...", "..x12", ".hidden.x12", "..\\..\\..\\evil.x12", "....//....//evil.x12", "%2e%2e%2fevil.x12",
    "evil\r\nX-Injected: 1.x12", "evil\x00.x12", "ev il;rm -rf ~.x12", "\u202eevil\u202dx12.exe", "CON", "a" * 250,
]
AS2_NAMES = ["../../../../../tmp/tsunagi-evil.x12", "..\\..\\..\\evil.x12", "/etc/passwd", "....//evil.x12",
             "..", "C:\\Windows\\evil.x12", "evil\x00.x12"]


def files_outside(root: Path, before: set[Path]) -> list[Path]:
    """Files that appeared next to ``root`` (the test's hub folder) but outside it."""
    return sorted(p for p in root.parent.rglob("*") if p.is_file() and p not in before and root not in p.parents)


def snapshot(root: Path) -> set[Path]:
    return {p for p in root.parent.rglob("*") if p.is_file()}


@pytest.fixture
def edifact_partner(hub, tenant_a):
    return make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI", ack=False)


def test_hostile_drop_file_names_stay_in_the_partners_folders(hub, tenant_a, edifact_partner, run):
    inbox = hub.drop_root / edifact_partner.code / "in"
    inbox.mkdir(parents=True)
    expected = []
    for n, name in enumerate(HOSTILE_NAMES):
        data = interchange_bytes(edifact_partner, [despatch_advice(tenant_a, number=f"ASN-T-{n}")], control_number=500 + n)
        try:
            (inbox / name).write_bytes(data)
        except (OSError, ValueError):
            continue  # a name the file system itself refuses (NUL, "..")
        if not name.startswith("."):
            expected.append(name)
    before = snapshot(hub.root)
    run()
    # every file the poller picked up is archived inside the partner's archive, under a clean name
    interchanges = list(Interchange.objects.filter(direction="in"))
    assert len(interchanges) == len(expected)
    partner_root = (hub.drop_root / edifact_partner.code).resolve()
    for ic in interchanges:
        archived = (hub.drop_root / ic.archive_path).resolve()
        assert partner_root in archived.parents and archived.is_file(), ic.archive_path
        assert "/" not in archived.name and ".." not in Path(ic.archive_path).parts
        assert ic.state == "processed", ic.error
    # dot-files are left alone (partners write to them before renaming)
    assert (inbox / ".hidden.x12").exists()
    assert not files_outside(hub.root, before)
    # ids from inside the files become ERP outbox names: they stay in the outbox too
    outbox = sorted(hub.erp_outbox.iterdir())
    assert len(outbox) == len(expected) and all(p.parent == hub.erp_outbox for p in outbox)


def test_document_ids_that_climb_do_not_leave_the_erp_outbox(hub, tenant_a, edifact_partner, run):
    inbox = hub.drop_root / edifact_partner.code / "in"
    inbox.mkdir(parents=True)
    for n, number in enumerate(["../../../../tmp/evil", "..\\..\\evil", "/etc/evil", "a/../../b"]):
        doc = despatch_advice(tenant_a, number=number)
        (inbox / f"asn-{n}.edi").write_bytes(interchange_bytes(edifact_partner, [doc], control_number=600 + n))
    before = snapshot(hub.root)
    run()
    assert not files_outside(hub.root, before) and not Path("/tmp/evil").exists() and not Path("/etc/evil").exists()
    assert DespatchAdvice.objects.filter(supplier=tenant_a.supplier, number__contains="evil").count() == 3
    outbox = [p.name for p in hub.erp_outbox.iterdir()]
    assert outbox and all("/" not in name and "\\" not in name for name in outbox)


def test_erp_inbox_file_names_and_bodies_cannot_escape(hub, tenant_a, run):
    hub.erp_inbox.mkdir(parents=True)
    for n, name in enumerate(["..\\..\\po.json", "....po.json", "po\r\n.json", "%2e%2e%2fpo.json", "..."]):
        (hub.erp_inbox / name).write_bytes(b'{"type": "purchase_order", "id": "../../../etc/x' + str(n).encode() + b'"}')
    before = snapshot(hub.root)
    run()
    for ic in Interchange.objects.filter(direction="in"):
        archived = archive_path_of(ic).resolve()
        assert hub.erp_inbox.resolve() in archived.parents, ic.archive_path
    assert not files_outside(hub.root, before)


@pytest.fixture
def as2_partner_a(hub, as2_ids, tenant_a):
    configure_hub(hub.settings, as2_ids)
    return as2_partner(tenant_a, code="PEER", as2_id="PEER", cert_path=as2_ids.peer.cert_path,
                       interchange_id="PEERX12", ack=False)


@pytest.mark.parametrize("name", AS2_NAMES)
def test_as2_filenames_cannot_place_files(name, hub, as2_ids, as2_partner_a, tenant_a, run):
    data = interchange_bytes(as2_partner_a, [despatch_advice(tenant_a, number="ASN-AS2-T")], control_number=701)
    message = build_message(as2_ids, data, filename=name)
    before = snapshot(hub.root)
    status, _headers, _body = send(message)
    assert status == 200
    stored = Interchange.objects.get(direction="in", as2_message_id=message.message_id)
    archived = (hub.drop_root / stored.archive_path).resolve()
    assert (hub.drop_root / "PEER").resolve() in archived.parents and archived.read_bytes() == data
    assert "/" not in stored.filename and "\\" not in stored.filename and "\n" not in stored.filename
    assert not files_outside(hub.root, before) and not Path("/tmp/tsunagi-evil.x12").exists()
    run()
    stored.refresh_from_db()
    assert stored.state == "processed", stored.error
    assert DespatchAdvice.objects.filter(number="ASN-AS2-T").count() == 1


def test_an_as2_filename_cannot_inject_headers(as2_ids, as2_partner_a):
    with pytest.raises(ValueError, match="line break"):
        build_message(as2_ids, b"ISA*", filename="evil\r\nX-Injected: 1.x12")


# --- XXE through the pipeline ------------------------------------------------------------------

def test_an_xxe_idoc_in_the_erp_inbox_fails_without_reading_or_fetching(hub, tmp_path, run, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("tsunagi-secret-7f3a")
    calls = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(OSError))
    hub.erp_inbox.mkdir(parents=True)
    (hub.erp_inbox / "orders.xml").write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE ORDERS05 [<!ENTITY x SYSTEM "file://' + str(secret).encode() + b'">'
        b'<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>\n'
        b'<ORDERS05><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><IDOCTYP>ORDERS05</IDOCTYP><MESTYP>ORDERS</MESTYP>'
        b'</EDI_DC40><E1EDK01 SEGMENT="1"><BELNR>&x;</BELNR></E1EDK01></IDOC></ORDERS05>')
    run()
    ic = Interchange.objects.get(direction="in")
    assert ic.state == "failed"
    everything = ic.error + str(ic.issues) + "".join(str(m.document) for m in ic.messages.all())
    assert "tsunagi-secret" not in everything and not calls
    assert not any("tsunagi-secret" in p.read_text(errors="ignore") for p in hub.root.rglob("*")
                   if p.is_file() and p != secret)


# --- uploads ------------------------------------------------------------------------------------

def test_a_fake_pdf_is_refused_and_real_attachments_are_served_inert(worlds):
    from suppliers.quality.models import NoticeAttachment

    alpha, _ = worlds
    client = login(alpha.member)
    step = alpha.notice.steps.get(discipline=1)
    count = NoticeAttachment.objects.count()
    fake = io.BytesIO(b"<!doctype html><script>fetch('/console/')</script>")
    fake.name = "report.pdf"
    response = client.post(f"/quality/{alpha.notice.pk}/steps/1/", {"text": "Team named", "files": fake})
    assert response.status_code in (200, 400)
    assert NoticeAttachment.objects.count() == count  # nothing stored
    step.refresh_from_db()
    # the genuine PDF is downloaded as an attachment of the type its content has, never sniffed
    served = client.get(f"/quality/{alpha.notice.pk}/attachments/{alpha.attachment.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in served["Content-Security-Policy"]

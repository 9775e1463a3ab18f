"""The inbound pipeline end to end through `edi run-once`: file drop → archive → parse → ack →
domain → ERP, with duplicates, failures, reprocessing and the outbound side."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from edi.models import Interchange, InterchangeMessage
from suppliers.models import DespatchAdvice, PurchaseOrder
from tests.edi.conftest import despatch_advice, drop, interchange_bytes


def _only_inbound() -> Interchange:
    return Interchange.objects.get(direction="in", parent__isnull=True)


@pytest.mark.parametrize("partner_fixture", ["edifact_partner", "x12_partner"])
def test_dropped_asn_becomes_a_despatch_advice(run, request, hub, partner_fixture, tenant_a, tenant_b):
    partner = request.getfixturevalue(partner_fixture)
    tenant = tenant_a if partner.supplier == tenant_a.supplier else tenant_b
    data = interchange_bytes(partner, [despatch_advice(tenant)])
    drop(hub, partner, "asn.edi", data)

    stats = run()

    assert stats["received"] == 1
    interchange = _only_inbound()
    assert interchange.state == "processed", interchange.error
    # the raw bytes were archived unchanged, with their hash
    archived = hub.drop_root / interchange.archive_path
    assert archived.read_bytes() == data
    assert interchange.sha256 == hashlib.sha256(data).hexdigest()
    assert not (hub.drop_root / partner.code / "in" / "asn.edi").exists()
    # the domain record, with lots, serials and the package
    advice = DespatchAdvice.objects.get(supplier=tenant.supplier, number="ASN-EDI-1")
    line = advice.lines.get()
    assert line.quantity == Decimal(40) and line.order_line == tenant.order.lines.get()
    assert [lot.lot for lot in line.lots.all()] == ["LOT-E1"]
    assert sorted(s.serial for s in line.serials.all()) == ["S1", "S2"]
    assert line.package.sscc == "006141411234567890"
    assert advice.source == "edi" and advice.status == "submitted"
    # the acknowledgement went to the partner's out folder
    ack = Interchange.objects.get(direction="out", acknowledges=interchange)
    assert ack.state == "delivered"
    out_files = list((hub.drop_root / partner.code / "out").iterdir())
    assert len(out_files) == 1
    assert (b"CONTRL" if partner.standard == "edifact" else b"ST*997") in out_files[0].read_bytes()
    # the ERP got one canonical JSON file for the document
    erp = list(hub.erp_outbox.glob("despatch_advice-*.json"))
    assert len(erp) == 1
    assert json.loads(erp[0].read_text())["id"] == "ASN-EDI-1"


def test_the_same_interchange_twice_is_recorded_as_a_duplicate(run, hub, edifact_partner, tenant_a):
    data = interchange_bytes(edifact_partner, [despatch_advice(tenant_a)], control_number=555)
    drop(hub, edifact_partner, "first.edi", data)
    run()
    drop(hub, edifact_partner, "again.edi", data)
    run()
    first, second = Interchange.objects.filter(direction="in").order_by("pk")
    assert first.state == "processed"
    assert second.state == "duplicate" and second.duplicate_of == first
    assert DespatchAdvice.objects.filter(number="ASN-EDI-1").count() == 1
    assert len(list(hub.erp_outbox.glob("*.json"))) == 1


def test_running_the_pipeline_again_changes_nothing(run, hub, edifact_partner, tenant_a):
    from edi.services.inbound import interchange_process

    drop(hub, edifact_partner, "asn.edi", interchange_bytes(edifact_partner, [despatch_advice(tenant_a)]))
    run()
    interchange = _only_inbound()
    before = (DespatchAdvice.objects.count(), Interchange.objects.count(), InterchangeMessage.objects.count())
    for _ in range(3):
        interchange_process(interchange_id=interchange.pk)
    run()
    assert (DespatchAdvice.objects.count(), Interchange.objects.count(), InterchangeMessage.objects.count()) == before


def test_a_broken_file_fails_visibly_and_is_kept(run, hub, edifact_partner, tenant_a, buyer):
    from django.contrib.auth.models import Group

    from suppliers.roles import EDI_ADMINISTRATOR

    buyer.groups.add(Group.objects.get(name=EDI_ADMINISTRATOR))
    drop(hub, edifact_partner, "broken.edi", b"UNB+UNOC:3+ALPHAEDI:ZZZ+TSUNAGIHUB:ZZZ+260301:1200+9'UNH+1+DESADV'")
    run()
    interchange = _only_inbound()
    assert interchange.state == "failed"
    assert interchange.error  # explained
    assert (hub.drop_root / interchange.archive_path).exists()  # nothing lost
    error_dir = hub.drop_root / edifact_partner.code / "error"
    assert any(p.name.endswith(".error.txt") for p in error_dir.iterdir())
    assert any(buyer.email in m.to for m in mail.outbox)
    assert "failed" in mail.outbox[-1].subject


def test_an_unknown_order_fails_and_reprocessing_after_the_fix_succeeds(run, hub, edifact_partner, tenant_a, buyer):
    from edi.services.inbound import interchange_reprocess

    doc = despatch_advice(tenant_a)
    doc["order"] = doc["lines"][0]["order"] = "PO-NOT-YET"
    drop(hub, edifact_partner, "early.edi", interchange_bytes(edifact_partner, [doc]))
    run()
    interchange = _only_inbound()
    assert interchange.state == "failed"
    assert "PO-NOT-YET" in interchange.error
    # the buyer creates the order the ASN refers to, then reprocesses from the console
    PurchaseOrder.objects.filter(pk=tenant_a.order.pk).update(number="PO-NOT-YET")
    interchange_reprocess(interchange=interchange, actor=buyer)
    run()
    interchange.refresh_from_db()
    assert interchange.state == "processed", interchange.error
    assert DespatchAdvice.objects.filter(number="ASN-EDI-1").exists()


def test_a_partner_cannot_ship_against_another_suppliers_order(run, hub, edifact_partner, tenant_a, tenant_b):
    doc = despatch_advice(tenant_b)  # BRAVO's order, sent by ALPHA's partner
    drop(hub, edifact_partner, "sneaky.edi", interchange_bytes(edifact_partner, [doc]))
    run()
    interchange = _only_inbound()
    assert interchange.state == "failed"
    assert not DespatchAdvice.objects.filter(number="ASN-EDI-1").exists()


def test_interchange_addressed_elsewhere_or_from_a_stranger_fails(run, hub, edifact_partner, tenant_a):
    drop(hub, edifact_partner, "wrong.edi",
         interchange_bytes(edifact_partner, [despatch_advice(tenant_a)], receiver="SOMEONEELSE"))
    run()
    assert "not to this hub" in _only_inbound().error


def test_a_file_with_several_interchanges_is_split(run, hub, edifact_partner, tenant_a):
    one = interchange_bytes(edifact_partner, [despatch_advice(tenant_a, number="ASN-A")], control_number=1)
    two = interchange_bytes(edifact_partner, [despatch_advice(tenant_a, number="ASN-B", lot="L2", quantity="10")],
                            control_number=2)
    drop(hub, edifact_partner, "bag.edi", one + b"\n" + two)
    run()
    parent = _only_inbound()
    assert parent.state == "split"
    children = list(parent.children.order_by("pk"))
    assert [c.state for c in children] == ["processed", "processed"]
    assert [c.control_number for c in children] == ["1", "2"]
    assert set(DespatchAdvice.objects.values_list("number", flat=True)) >= {"ASN-A", "ASN-B"}


def test_files_still_being_written_are_left_alone(hub, edifact_partner, tenant_a):
    from edi.services.poll import poll_folders

    inbox = hub.drop_root / edifact_partner.code / "in"
    inbox.mkdir(parents=True)
    (inbox / ".hidden.edi").write_bytes(b"x")
    (inbox / "upload.tmp").write_bytes(b"x")
    (inbox / "fresh.edi").write_bytes(interchange_bytes(edifact_partner, [despatch_advice(tenant_a)]))
    assert poll_folders(settle_seconds=60)["received"] == 0  # just written: may still grow
    assert poll_folders(settle_seconds=0)["received"] == 1
    assert sorted(p.name for p in inbox.iterdir()) == [".hidden.edi", "upload.tmp"]


def test_order_response_confirms_the_order_lines(run, hub, x12_partner, tenant_b):
    line = tenant_b.order.lines.get()
    response = {
        "type": "order_response", "id": "R-1", "issued": "2026-01-06", "order": tenant_b.order.number,
        "status": "changed",
        "lines": [{"line": str(line.line_no), "buyer_part": line.part.buyer_part_number, "status": "changed",
                   "quantity": "80", "delivery_date": "2026-02-10"}],
    }
    drop(hub, x12_partner, "855.x12", interchange_bytes(x12_partner, [response]))
    run()
    assert _only_inbound().state == "processed", _only_inbound().error
    line.refresh_from_db()
    assert (line.confirmation, line.confirmed_quantity, str(line.confirmed_date)) == ("changed", Decimal(80), "2026-02-10")
    assert PurchaseOrder.objects.get(pk=tenant_b.order.pk).status == "confirmed"


def test_issued_order_goes_out_and_its_acknowledgement_is_reconciled(run, hub, edifact_partner, tenant_a, django_capture_on_commit_callbacks):
    from suppliers import services
    from suppliers.audit import Actor

    with django_capture_on_commit_callbacks(execute=True):
        order = services.purchase_order_create(
            number="PO-EDI-9", supplier=tenant_a.supplier, ship_to=tenant_a.order.ship_to,
            order_date=tenant_a.order.order_date, actor=Actor.system("test"),
            lines=[{"line_no": 1, "part": tenant_a.supplier_part.part, "quantity": Decimal(5), "price": Decimal("2.5"),
                    "requested_date": tenant_a.order.order_date}],
        )
    run()
    sent = Interchange.objects.get(direction="out", reference=f"po:{order.number}:0")
    assert sent.state == "delivered" and sent.ack_status == "pending"
    orders_file = next((hub.drop_root / edifact_partner.code / "out").iterdir())
    assert b"ORDERS" in orders_file.read_bytes() and b"PO-EDI-9" in orders_file.read_bytes()
    # the partner answers with a CONTRL accepting our interchange
    contrl = {"type": "functional_ack", "id": "1", "issued": "2026-01-06", "acknowledged": sent.control_number,
              "level": "interchange", "status": "accepted", "errors": [], "messages": []}
    drop(hub, edifact_partner, "contrl.edi", interchange_bytes(edifact_partner, [contrl], control_number=77))
    run()
    sent.refresh_from_db()
    assert sent.ack_status == "accepted"
    # an acknowledgement is not itself acknowledged
    contrl_in = Interchange.objects.get(direction="in", document_types="CONTRL")
    assert contrl_in.state == "processed"
    assert not Interchange.objects.filter(direction="out", acknowledges=contrl_in).exists()


def erp_purchase_order(tenant, number: str, quantity: str) -> dict:
    """A canonical purchase order as the ERP drops it into the inbox."""
    return {
        "type": "purchase_order", "id": number, "issued": "2026-02-01", "purpose": "original", "revision": 0,
        "currency": "USD", "supplier": {"id": tenant.supplier.code}, "ship_to": {"id": tenant.order.ship_to.code},
        "sender": "ERP", "receiver": "TSUNAGI", "control_number": "1",
        "lines": [{"line": "10", "buyer_part": tenant.supplier_part.part.buyer_part_number, "quantity": quantity,
                   "unit": "PCE", "price": "1.10", "delivery_date": "2026-03-01"}],
    }


def test_erp_inbox_purchase_order_is_created_and_sent_to_the_edi_supplier(run, hub, edifact_partner, tenant_a):
    doc = erp_purchase_order(tenant_a, "4500009999", "250")
    hub.erp_inbox.mkdir(parents=True, exist_ok=True)
    (hub.erp_inbox / "po-4500009999.json").write_text(json.dumps(doc))
    run()
    order = PurchaseOrder.objects.get(number="4500009999")
    assert order.status == "issued" and order.lines.get().quantity == Decimal(250)
    assert Interchange.objects.get(direction="out", reference="po:4500009999:0").state == "delivered"
    # the same file again changes nothing
    (hub.erp_inbox / "po-again.json").write_text(json.dumps(doc))
    run()
    assert PurchaseOrder.objects.filter(number="4500009999").count() == 1
    assert Interchange.objects.filter(direction="out", reference__startswith="po:4500009999").count() == 1


def test_an_erp_inbox_file_is_archived_under_a_path_that_moves_with_the_inbox(run, hub, tenant_a, tmp_path):
    import hashlib
    import shutil

    from edi.services.inbound import archive_path_of

    # given: a document the ERP dropped, processed
    doc = erp_purchase_order(tenant_a, "4500007777", "5")
    hub.erp_inbox.mkdir(parents=True, exist_ok=True)
    (hub.erp_inbox / "po-4500007777.json").write_text(json.dumps(doc))
    run()
    interchange = Interchange.objects.get(channel="erp", direction="in")
    # then: its path is stored relative to the inbox, not as this machine's absolute path
    assert interchange.archive_path.startswith("@erp_inbox/archive/"), interchange.archive_path
    # when: the inbox is restored somewhere else and the hub pointed there
    moved = tmp_path / "restored" / "erp-in"
    shutil.copytree(hub.erp_inbox, moved)
    shutil.rmtree(hub.erp_inbox)
    hub.settings.erp_inbox = str(moved)
    hub.settings.save()
    # then: the archived bytes are found at the new place, with the recorded hash
    path = archive_path_of(interchange)
    assert path.is_relative_to(moved)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == interchange.sha256


def test_load_config_is_an_idempotent_upsert(hub, tmp_path, tenant_a):
    from edi.models import TradingPartner
    from suppliers.models import Supplier

    config = tmp_path / "partners.toml"
    config.write_text(f'''
[hub]
x12_id = "HUBX12"
edifact_id = "HUBEDI"
drop_root = "{hub.drop_root}"

[[partners]]
code = "ALPHA-EDI"
name = "Alpha Ltd"
supplier = "{tenant_a.supplier.code}"
standard = "edifact"
version = "D96A"
interchange_id = "ALPHAEDI"
qualifier = "ZZZ"
transport = "filedrop"
ack = true

[[partners]]
code = "NEWCO"
name = "Newco Semiconductors"
supplier = "NEWCO"
standard = "x12"
version = "004010"
interchange_id = "NEWCOX12"
qualifier = "ZZ"
transport = "filedrop"
ack = false
''')
    call_command("edi", "load-config", str(config))
    assert TradingPartner.objects.count() == 2
    assert Supplier.objects.get(code="NEWCO").name == "Newco Semiconductors"
    assert TradingPartner.objects.get(code="NEWCO").ack is False
    call_command("edi", "load-config", str(config))
    assert TradingPartner.objects.count() == 2 and Supplier.objects.filter(code="NEWCO").count() == 1

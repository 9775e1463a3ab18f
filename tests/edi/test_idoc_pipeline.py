"""IDoc files through the hub: ORDERS05 dropped in the ERP inbox becomes a purchase order;
hostile files fail visibly without leaking; ERP_OUTBOX_FORMAT writes IDoc XML for the ERP."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from edi.models import Interchange
from suppliers.models import PurchaseOrder
from tests.edi.test_idoc_security import SECRET, xxe_file


def orders05(tenant, *, number: str = "4500077777", quantity: str = "250.000", revision: str | None = None) -> bytes:
    part = tenant.supplier_part.part.buyer_part_number
    rev = f'<E1EDK02 SEGMENT="1"><QUALF>ZRV</QUALF><BELNR>{revision}</BELNR></E1EDK02>' if revision else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ORDERS05><IDOC BEGIN="1">
 <EDI_DC40 SEGMENT="1"><DOCNUM>0000000000000042</DOCNUM><IDOCTYP>ORDERS05</IDOCTYP><MESTYP>ORDERS</MESTYP>
  <SNDPRN>PRDCLNT100</SNDPRN><RCVPRN>TSUNAGI</RCVPRN><CREDAT>20260301</CREDAT><CRETIM>080000</CRETIM></EDI_DC40>
 <E1EDK01 SEGMENT="1"><CURCY>USD</CURCY><BELNR>{number}</BELNR></E1EDK01>{rev}
 <E1EDK03 SEGMENT="1"><IDDAT>012</IDDAT><DATUM>20260301</DATUM></E1EDK03>
 <E1EDKA1 SEGMENT="1"><PARVW>LF</PARVW><PARTN>{tenant.supplier.code}</PARTN></E1EDKA1>
 <E1EDKA1 SEGMENT="1"><PARVW>WE</PARVW><PARTN>{tenant.order.ship_to.code}</PARTN></E1EDKA1>
 <E1EDP01 SEGMENT="1"><POSEX>00010</POSEX><MENGE>{quantity}</MENGE><MENEE>PCE</MENEE><VPREI>1.25</VPREI>
  <E1EDP20 SEGMENT="1"><EDATU>20260415</EDATU></E1EDP20>
  <E1EDP19 SEGMENT="1"><QUALF>001</QUALF><IDTNR>{part}</IDTNR></E1EDP19></E1EDP01>
</IDOC></ORDERS05>""".encode()


def drop_erp(hub, name: str, data: bytes) -> None:
    hub.erp_inbox.mkdir(parents=True, exist_ok=True)
    (hub.erp_inbox / name).write_bytes(data)


def test_orders05_in_the_erp_inbox_becomes_a_purchase_order(run, hub, tenant_a):
    drop_erp(hub, "ORDERS05_42.xml", orders05(tenant_a))
    run()
    interchange = Interchange.objects.get(channel="erp", direction="in")
    assert interchange.state == "processed", interchange.error
    assert interchange.standard == "idoc" and interchange.document_types == "purchase_order"
    order = PurchaseOrder.objects.get(number="4500077777")
    assert order.supplier == tenant_a.supplier and order.status == "issued" and order.source == "erp_file"
    line = order.lines.get()
    assert (line.line_no, str(line.quantity), str(line.requested_date)) == (10, "250.000", "2026-04-15")
    # the same file again: one order, unchanged
    drop_erp(hub, "ORDERS05_42-again.xml", orders05(tenant_a))
    run()
    assert PurchaseOrder.objects.filter(number="4500077777").count() == 1
    # an older revision is refused and the interchange says why
    drop_erp(hub, "ORDERS05_41.xml", orders05(tenant_a, revision="3", quantity="1"))
    run()
    stale = Interchange.objects.filter(channel="erp").order_by("-pk").first()
    assert stale.state == "failed" and "older than revision" in stale.error
    assert str(PurchaseOrder.objects.get(number="4500077777").lines.get().quantity) == "250.000"


@pytest.mark.parametrize("name", ["xxe", "billion_laughs"])
def test_hostile_idoc_fails_the_interchange_and_leaks_nothing(run, hub, tenant_a, tmp_path, name):
    from tests.edi.test_idoc_security import BILLION_LAUGHS

    data = xxe_file(tmp_path) if name == "xxe" else BILLION_LAUGHS
    drop_erp(hub, f"{name}.xml", data)
    run()
    interchange = Interchange.objects.get(channel="erp")
    assert interchange.state == "failed"
    assert interchange.error.startswith("IDoc XML refused:") and "DOCTYPE" in interchange.error
    assert SECRET not in interchange.error and SECRET not in json.dumps(interchange.issues)
    assert not interchange.messages.exists()
    assert not PurchaseOrder.objects.filter(number="&x;").exists()


@pytest.mark.parametrize("fmt, suffixes", [("json", {".json"}), ("idoc", {".xml"}), ("both", {".json", ".xml"})])
def test_erp_outbox_format(fmt, suffixes, run, hub, edifact_partner, tenant_a, settings):
    from tests.edi.conftest import despatch_advice, drop, interchange_bytes

    settings.ERP_OUTBOX_FORMAT = fmt
    drop(hub, edifact_partner, "asn.edi", interchange_bytes(edifact_partner, [despatch_advice(tenant_a)]))
    run()
    files = [p for p in hub.erp_outbox.iterdir() if not p.name.startswith(".")]
    assert {p.suffix for p in files} == suffixes
    for path in files:
        if path.suffix == ".xml":
            root = etree.fromstring(path.read_bytes())
            assert root.tag == "DELVRY03"
            assert root.findtext("IDOC/E1EDL20/LIFEX") == "ASN-EDI-1"
            assert root.findtext("IDOC/E1EDL20/E1EDL24/E1EDL41/BSTNR") == tenant_a.order.number
            assert root.findtext("IDOC/E1EDL20/E1EDL24/LICHN") == "LOT-E1"


def test_a_portal_confirmation_reaches_the_outbox_as_ordrsp(hub, tenant_a, settings, django_capture_on_commit_callbacks):
    from suppliers import services

    settings.ERP_OUTBOX_FORMAT = "both"
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_respond(order=tenant_a.order, actor=tenant_a.admin, source="web", responses=[
            services.LineResponse(line=tenant_a.order.lines.get(), status="rejected", reason="Allocation exhausted")])
    [xml] = hub.erp_outbox.glob("order_response-*.xml")
    [js] = hub.erp_outbox.glob("order_response-*.json")
    root = etree.fromstring(xml.read_bytes())
    assert root.tag == "ORDERS05" and root.findtext("IDOC/EDI_DC40/MESTYP") == "ORDRSP"
    assert root.findtext("IDOC/E1EDK02/BELNR") == tenant_a.order.number
    item = root.find("IDOC/E1EDP01")
    assert item.findtext("ACTION") == "003" and "Allocation exhausted" in item.findtext("E1EDPT1/E1EDPT2/TDLINE")
    assert json.loads(js.read_text())["order"] == tenant_a.order.number

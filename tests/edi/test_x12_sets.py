"""Per-set mapping details (inbound from hand-written X12, outbound spot checks) and ack_for."""

from __future__ import annotations

import io

import pytest

from edi.codecs.base import CanonicalError, InterchangeResult, MessageResult
from edi.codecs.canonical import validate_document
from edi.codecs.x12 import ack_for, read, write

ISA = ("ISA*00*          *00*          *ZZ*ACME           *ZZ*SUPPLIER       *240205*1030*U*00401"
       "*000000042*0*P*>~")
HEAD = {"sender": "ACME", "receiver": "SUPPLIER", "control_number": "000000042"}


def one(fid: str, body: list[str]) -> MessageResult:
    text = (ISA + f"GS*{fid}*ACME*SUPPLIER*20240205*1030*42*X*004010~" + "~".join(body)
            + f"~SE*{len(body) + 1}*{body[0].split('*')[2]}~GE*1*42~IEA*1*000000042~")
    sets = [r for r in read(io.BytesIO(text.encode())) if isinstance(r, MessageResult)]
    assert sets[0].accepted, [str(i) for i in sets[0].issues]
    assert validate_document(sets[0].document) == []
    return sets[0]


def test_856_pick_pack_hierarchy_lots_and_serials():
    doc = one("SH", [
        "ST*856*0001", "BSN*00*ASN77*20240301*1200*0001", "DTM*011*20240301",
        "HL*1**S", "TD5*B*2*FDEG**FEDEX GROUND", "REF*BM*BOL1", "REF*CN*TRK9",
        "N1*SU*Murata*UL*0614141000005", "N1*ST*Plant*92*P1",
        "HL*2*1*O", "PRF*PO-1",
        "HL*3*2*T", "TD1*PLT94*1", "MAN*GM*00012345678901234567",
        "HL*4*3*P", "MAN*GM*00012345678901234568",
        "HL*5*4*I", "LIN*10*BP*CAP-1*VP*GRM1*LT*LOT5", "SN1**100*EA",
        "SLN*1**I*1*EA****SN*S-1", "SLN*2**I*1*EA****SN*S-2",
        "HL*6*2*I", "LIN*20*BP*RES-2", "SN1**5*EA", "REF*LT*LOT6", "REF*SE*X1", "REF*LI*3",
        "HL*7*1*O", "PRF*PO-2", "HL*8*7*I", "LIN*30*EN*4006381333931", "SN1**1*EA",
        "CTT*8"]).document
    assert doc["id"] == "ASN77" and doc["shipped"] == "2024-03-01"
    assert doc["tracking"] == "TRK9" and doc["carrier"] == {"id": "FDEG", "name": "FEDEX GROUND"}
    assert doc["supplier"] == {"id": "0614141000005", "qualifier": "UL", "name": "Murata"}
    assert "order" not in doc  # two orders
    l10, l20, l30 = doc["lines"]
    assert l10 == {"line": "10", "buyer_part": "CAP-1", "supplier_part": "GRM1", "lot": "LOT5",
                   "quantity": "100", "unit": "EA", "serials": ["S-1", "S-2"], "order": "PO-1"}
    assert l20["lot"] == "LOT6" and l20["serials"] == ["X1"] and l20["order_line"] == "3"
    assert l30["gtin"] == "4006381333931" and l30["order"] == "PO-2"
    assert doc["packages"] == [
        {"id": "3", "sscc": "00012345678901234567", "type": "PLT94"},
        {"id": "4", "sscc": "00012345678901234568", "parent": "3", "lines": ["10"]}]


def test_856_tracking_falls_back_to_bill_of_lading():
    doc = one("SH", ["ST*856*0001", "BSN*00*A1*20240301*1200", "HL*1**S", "REF*BM*BOL1",
                     "HL*2*1*I", "LIN**VP*X", "SN1**1*EA"]).document
    assert doc["tracking"] == "BOL1" and doc["lines"][0]["line"] == "1"


def test_860_line_actions_and_change_date():
    doc = one("PC", ["ST*860*0001", "BCH*04*SA*PO-9**3*20240101*****20240110",
                     "POC*1*AI*5**EA*2*PE*BP*A", "POC*2*DI******BP*B", "POC*3*QI*7**EA***VP*C",
                     "DTM*002*20240301", "POC*4*NC******BP*D", "CTT*4"]).document
    assert doc["purpose"] == "change" and doc["id"] == "PO-9" and doc["issued"] == "2024-01-01"
    assert doc["x_change_date"] == "2024-01-10"
    assert [ln.get("action") for ln in doc["lines"]] == ["add", "cancel", "change", None]
    assert doc["lines"][2] == {"line": "3", "action": "change", "supplier_part": "C",
                               "quantity": "7", "unit": "EA", "delivery_date": "2024-03-01"}


def test_855_line_status_dates_and_own_number():
    doc = one("PR", ["ST*855*0001", "BAK*00*AC*PO-9*20240101****SO-5*20240102",
                     "PO1*1*10*EA*2.50**BP*A", "ACK*IQ*8*EA*068*20240301",
                     "PO1*2*3*EA***BP*B", "ACK*R2", "PO1*3*1*EA***BP*C"]).document
    assert (doc["id"], doc["issued"], doc["order"], doc["status"]) == \
        ("SO-5", "2024-01-02", "PO-9", "changed")
    assert doc["lines"][0] == {"line": "1", "buyer_part": "A", "quantity": "8", "unit": "EA",
                               "price": "2.50", "status": "changed",
                               "delivery_date": "2024-03-01"}
    assert [ln["status"] for ln in doc["lines"]] == ["changed", "rejected", "accepted"]


def test_830_firm_and_planned_buckets():
    doc = one("PS", ["ST*830*0001", "BFR*05**R7*DL*A*20240101*20240331*20231220",
                     "N1*ST*Plant*92*P1", "LIN**BP*CAP-1", "UIT*EA", "FST*100*C*D*20240108",
                     "FST*250*D*W*20240115*20240121", "CTT*1"]).document
    assert doc["id"] == "R7" and doc["issued"] == "2023-12-20"
    assert doc["horizon_end"] == "2024-03-31" and doc["ship_to"]["id"] == "P1"
    assert doc["lines"][0]["schedule"] == [
        {"start": "2024-01-08", "end": "2024-01-08", "quantity": "100", "commitment": "firm"},
        {"start": "2024-01-15", "end": "2024-01-21", "quantity": "250",
         "commitment": "planned"}]


def test_810_totals_taxes_and_credit_memo():
    doc = one("IN", ["ST*810*0001", "BIG*20240105*INV-3*20240101*PO-9***CR", "CUR*SE*EUR",
                     "IT1*1*2*EA*.5**BP*A", "REF*PO*PO-8", "TDS*-105", "TXI*VA*0.25",
                     "TXI*ST*0.75", "CTT*1"]).document
    assert doc["kind"] == "credit_note" and doc["total"] == "-1.05"
    assert doc["tax"] == "1.00" and doc["currency"] == "EUR"
    assert doc["lines"][0] == {"line": "1", "buyer_part": "A", "quantity": "2", "unit": "EA",
                               "price": "0.5", "order": "PO-8"}


def po(lines, **extra):
    return {"type": "purchase_order", **HEAD, "id": "PO1", "issued": "2024-01-02",
            "purpose": "original", "lines": lines, **extra}


@pytest.mark.parametrize("doc, message", [
    (po([]), "needs PO1"),
    (po([{"line": "1", "description": "A*B"}]), "delimiter"),
    (po([{"line": "1", "buyer_part": "x" * 35, "description": "d" * 70}],
        ship_to={"id": "9"}), "N104 shorter than 2"),
    ({**po([{"line": "1"}]), "purpose": "someday"}, "purpose"),
    ({"type": "invoice", **HEAD, "id": "I", "issued": "2024-01-01", "kind": "invoice",
      "total": "1.005", "lines": []}, "more than two decimals"),
    ({"type": "invoice", **HEAD, "id": "I", "issued": "2024-01-01", "kind": "invoice",
      "lines": []}, "total"),
])
def test_writer_refuses_what_x12_cannot_carry(doc, message):
    with pytest.raises(CanonicalError) as exc:
        write([doc], **HEAD)
    assert message in str(exc.value)


def test_writer_envelope():
    data = write([po([{"line": "1", "quantity": "1", "unit": "EA"}])], sender="ACME",
                 receiver="SUPPLIER", control_number=7, test=True, group_control=900)
    text = data.decode()
    assert len(text.split("~")[0]) == 105 and text[105] == "~"
    assert "*000000007*0*T*>~GS*PO*ACME*SUPPLIER*" in text
    assert "*900*X*004010~" in text and text.endswith("GE*1*900~IEA*1*000000007~")


@pytest.mark.parametrize("version, set_id", [("00401", "997"), ("00501", "999")])
def test_ack_for_an_interchange_with_errors_writes_and_reads_back(version, set_id):
    bad = (ISA + "GS*PO*ACME*SUPPLIER*20240205*1030*42*X*004010~"
           "ST*850*0001~BEG*00*SA*PO1**20240231~PO1*1*5*EA~CTT*1~SE*5*0001~"
           "ST*850*0002~BEG*00*SA*PO2**20240201~PO1*1*5*EA~CTT*1~SE*5*0002~"
           "ST*850*0003~BEG*00*SA*PO3**20240201~ZZZ*1~PO1*1*5*EA~CTT*1~SE*6*0003~"
           "GE*3*42~IEA*1*000000042~")
    ic = [r for r in read(io.BytesIO(bad.encode())) if isinstance(r, InterchangeResult)][0]
    acks = ack_for(ic, version=version)
    assert len(acks) == 1 and acks[0]["status"] == "partially_accepted"
    assert [m["ref"] for m in acks[0]["messages"]] == ["0001", "0003"]
    assert acks[0]["messages"][0]["errors"][0] | {"message": ""} == {
        "segment": "BEG", "position": 2, "element": "5", "code": "8", "message": ""}
    data = write(acks, sender="SUPPLIER", receiver="ACME", control_number=9, version=version)
    assert f"ST*{set_id}*" in data.decode()
    assert ("AK4*5**8" if set_id == "997" else "IK4*5**8") in data.decode()
    assert "AK9*P*3*3*1" in data.decode()
    back = [r.document for r in read(io.BytesIO(data)) if isinstance(r, MessageResult)][0]
    assert back["acknowledged"] == "42" and back["status"] == "partially_accepted"
    assert [m["status"] for m in back["messages"]] == ["rejected", "rejected"]
    assert back["messages"][1]["errors"][0]["code"] == "1"  # ZZZ: unrecognized segment


def test_ack_for_envelope_error_gives_a_ta1():
    data = write([po([{"line": "1", "quantity": "1", "unit": "EA"}])], **HEAD,
                 date=__import__("datetime").datetime(2024, 2, 5, 10, 30))
    broken = data.replace(b"IEA*1*000000042", b"IEA*1*000000041")
    ic = [r for r in read(io.BytesIO(broken)) if isinstance(r, InterchangeResult)][0]
    acks = ack_for(ic)
    assert acks[0]["level"] == "interchange" and acks[0]["errors"][0]["code"] == "001"
    out = write(acks, sender="SUPPLIER", receiver="ACME", control_number=5).decode()
    assert "TA1*000000042*240205*1030*R*001~" in out

"""Translation across standards goes through the canonical documents: X12 -> EDIFACT and back.

Each test reads the source interchange to canonical documents, translates it with
``edi translate --to <other>`` (in process) and reads the result: the canonical documents must be
the same apart from the envelope (``sender``, ``receiver``, ``control_number``), except for the
losses named in docs/edi.md, which are asserted as such.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edi import cli, codecs
from edi.codecs.base import MessageResult
from tests.edi.test_x12_roundtrip import (
    SETTINGS,
    delivery_schedules,
    despatch_advices,
    invoices,
    order_responses,
    purchase_orders,
)

SAMPLES = Path(__file__).parent / "samples"
ENVELOPE = ("sender", "receiver", "control_number")


def read(data: bytes) -> list[dict]:
    results = [r for r in codecs.read(io.BytesIO(data)) if isinstance(r, MessageResult)]
    assert all(r.accepted for r in results), [str(i) for r in results for i in r.issues]
    return [r.document for r in results]


def write(standard: str, docs: list[dict]) -> bytes:
    if standard == "x12":
        return codecs.write(docs, standard="x12", sender="BUYER01", receiver="SUPPLIER01", control_number=41)
    return codecs.write(docs, standard="edifact", sender="BUYER01", receiver="SUPPLIER01", control_number="41")


def translate(data: bytes, to: str, **envelope: str) -> bytes:
    out, err = io.BytesIO(), io.StringIO()
    code = cli.translate(io.BytesIO(data), to=to, out=out, err=err, **envelope)
    assert code == cli.OK, err.getvalue()
    assert codecs.detect(out.getvalue()) == to
    return out.getvalue()


def body(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ENVELOPE}


def across(source: str, docs: list[dict]) -> tuple[list[dict], list[dict]]:
    """(canonical read from ``source``, canonical read after translating to the other standard)."""
    target = "edifact" if source == "x12" else "x12"
    data = write(source, docs)
    before = read(data)
    after = read(translate(data, target))
    return before, after


# --- the documents of the issue, by hand -----------------------------------------------------------

HEAD = {"sender": "BUYER01", "receiver": "SUPPLIER01", "control_number": "41"}

ASN = {
    "type": "despatch_advice", "id": "ASN-2024-0042", "issued": "2024-05-02", **HEAD,
    "shipped": "2024-05-02", "expected_delivery": "2024-05-06", "order": "4500012345",
    "supplier": {"id": "0614141000005", "qualifier": "9", "name": "Murata Europe"},
    "ship_to": {"id": "4012345000009", "qualifier": "9", "name": "Plant Nagoya"},
    "carrier": {"id": "DHLC", "name": "DHL"}, "tracking": "JD014600001",
    "lines": [
        {"line": "1", "buyer_part": "CAP-100N-0603", "supplier_part": "GRM188R71H104KA93D",
         "quantity": "4000", "unit": "PCE", "order": "4500012345", "order_line": "10",
         "lot": "L2418A", "serials": ["R1-0001", "R1-0002"]},
        {"line": "2", "buyer_part": "RES-10K-0402", "quantity": "10000", "unit": "PCE",
         "order": "4500012345", "order_line": "20", "lot": "L2419B"},
        {"line": "3", "buyer_part": "IND-2U2", "gtin": "4006381333931", "quantity": "2.5",
         "unit": "KGM", "order": "4500012345", "order_line": "30"},
    ],
    "packages": [
        {"id": "1", "sscc": "003401234500000019", "type": "PX"},
        {"id": "2", "sscc": "003401234500000026", "type": "CT", "parent": "1", "lines": ["1", "2"]},
        {"id": "3", "sscc": "003401234500000033", "type": "CT", "parent": "1", "lines": ["3"]},
    ],
}

PO = {
    "type": "purchase_order", "id": "4500012345", "issued": "2024-04-02", **HEAD, "purpose": "original",
    "currency": "EUR", "buyer": {"id": "4012345000009", "qualifier": "9", "name": "Tsunagi Electronics"},
    "supplier": {"id": "SUP-0042", "qualifier": "92"}, "ship_to": {"id": "4012345000016", "qualifier": "9"},
    "delivery_date": "2024-05-06",
    "lines": [
        {"line": "10", "buyer_part": "CAP-100N-0603", "supplier_part": "GRM188R71H104KA93D",
         "description": "MLCC 100nF 50V X7R 0603", "quantity": "4000", "unit": "PCE", "price": "0.012",
         "delivery_date": "2024-05-06"},
        {"line": "20", "buyer_part": "IND-2U2", "quantity": "2.5", "unit": "KGM", "price": "80"},
    ],
}

CHANGE = {**PO, "purpose": "change", "lines": [
    {"line": "10", "buyer_part": "CAP-100N-0603", "quantity": "5000", "unit": "PCE", "action": "change"},
    {"line": "20", "buyer_part": "IND-2U2", "action": "cancel"},
    {"line": "30", "buyer_part": "RES-10K-0402", "quantity": "100", "unit": "PCE", "action": "add"},
]}

RESPONSE = {
    "type": "order_response", "id": "OC-77", "issued": "2024-04-03", **HEAD, "order": "4500012345",
    "status": "changed", "supplier": {"id": "SUP-0042", "qualifier": "92"},
    "lines": [
        {"line": "10", "buyer_part": "CAP-100N-0603", "status": "accepted", "quantity": "4000", "unit": "PCE",
         "delivery_date": "2024-05-06"},
        {"line": "20", "buyer_part": "IND-2U2", "status": "changed", "quantity": "2", "unit": "KGM",
         "delivery_date": "2024-05-20"},
        {"line": "30", "buyer_part": "RES-10K-0402", "status": "rejected"},
    ],
}

SCHEDULE = {
    "type": "delivery_schedule", "id": "FC-2024-19", "issued": "2024-05-06", **HEAD,
    "horizon_start": "2024-05-13", "horizon_end": "2024-08-04",
    "buyer": {"id": "4012345000009", "qualifier": "9"}, "supplier": {"id": "SUP-0042", "qualifier": "92"},
    "ship_to": {"id": "4012345000016", "qualifier": "9"},
    "lines": [
        {"line": "1", "buyer_part": "CAP-100N-0603", "unit": "PCE", "schedule": [
            {"start": "2024-05-13", "end": "2024-05-19", "quantity": "20000", "commitment": "firm"},
            {"start": "2024-05-20", "end": "2024-05-26", "quantity": "20000", "commitment": "firm"},
            {"start": "2024-05-27", "end": "2024-08-04", "quantity": "180000", "commitment": "planned"},
        ]},
        {"line": "2", "buyer_part": "IND-2U2", "unit": "KGM", "schedule": [
            {"start": "2024-06-03", "end": "2024-06-03", "quantity": "12.5", "commitment": "planned"}]},
    ],
}

INVOICE = {
    "type": "invoice", "id": "INV-88123", "issued": "2024-05-03", **HEAD, "kind": "invoice",
    "order": "4500012345", "currency": "EUR", "total": "328.44", "subtotal": "276.00", "tax": "52.44",
    "buyer": {"id": "4012345000009", "qualifier": "9"}, "supplier": {"id": "SUP-0042", "qualifier": "92"},
    "lines": [
        {"line": "1", "buyer_part": "CAP-100N-0603", "quantity": "4000", "unit": "PCE", "price": "0.009",
         "order": "4500012345"},
        {"line": "2", "buyer_part": "IND-2U2", "quantity": "2.5", "unit": "KGM", "price": "96"},
    ],
}


@pytest.mark.parametrize("source", ["x12", "edifact"])
def test_856_and_desadv_keep_lines_lots_and_order_references(source: str) -> None:
    # when
    (before,), (after,) = across(source, [ASN])
    # then
    assert body(after) == body(before) == body(ASN)
    assert [(ln["line"], ln.get("lot"), ln["order"], ln["order_line"]) for ln in after["lines"]] == [
        ("1", "L2418A", "4500012345", "10"), ("2", "L2419B", "4500012345", "20"),
        ("3", None, "4500012345", "30")]
    assert after["lines"][0]["serials"] == ["R1-0001", "R1-0002"]


def test_the_x12_856_becomes_a_desadv() -> None:
    x12 = write("x12", [ASN])
    edifact = translate(x12, "edifact")
    assert b"UNH+1+DESADV:D:96A:UN'" in edifact
    assert b"RFF+ON:4500012345:10'" in edifact and b"GIN+BX+L2418A'" in edifact
    assert b"QTY+12:2.5:KGM'" in edifact


@pytest.mark.parametrize(("source", "doc", "messages"), [
    ("x12", PO, (b"ST*850*", b"UNH+1+ORDERS:D:96A:UN'")),
    ("edifact", PO, (b"UNH+1+ORDERS:D:96A:UN'", b"ST*850*")),
    ("x12", CHANGE, (b"ST*860*", b"UNH+1+ORDCHG:D:96A:UN'")),
    ("edifact", CHANGE, (b"UNH+1+ORDCHG:D:96A:UN'", b"ST*860*")),
    ("x12", RESPONSE, (b"ST*855*", b"UNH+1+ORDRSP:D:96A:UN'")),
    ("edifact", RESPONSE, (b"UNH+1+ORDRSP:D:96A:UN'", b"ST*855*")),
    ("x12", SCHEDULE, (b"ST*830*", b"UNH+1+DELFOR:D:96A:UN'")),
    ("edifact", SCHEDULE, (b"UNH+1+DELFOR:D:96A:UN'", b"ST*830*")),
    ("x12", INVOICE, (b"ST*810*", b"UNH+1+INVOIC:D:96A:UN'")),
    ("edifact", INVOICE, (b"UNH+1+INVOIC:D:96A:UN'", b"ST*810*")),
], ids=["850-ORDERS", "ORDERS-850", "860-ORDCHG", "ORDCHG-860", "855-ORDRSP", "ORDRSP-855",
        "830-DELFOR", "DELFOR-830", "810-INVOIC", "INVOIC-810"])
def test_each_message_pair_keeps_the_canonical_document(source: str, doc: dict, messages) -> None:
    # given
    data = write(source, [doc])
    assert messages[0] in data
    # when
    out = translate(data, "edifact" if source == "x12" else "x12")
    # then
    assert messages[1] in out
    assert [body(d) for d in read(out)] == [body(d) for d in read(data)] == [body(doc)]


def test_invoice_line_amounts_do_not_survive_x12() -> None:
    """The 810 IT1 has no line amount (it is quantity x price): the one documented loss."""
    with_amounts = copy.deepcopy(INVOICE)
    with_amounts["lines"][0]["amount"] = "36.00"
    (before,), (after,) = across("edifact", [with_amounts])
    assert before["lines"][0]["amount"] == "36.00"
    assert "amount" not in after["lines"][0]
    assert body(after) == body(INVOICE)


def test_what_edifact_cannot_carry_is_refused_by_name_not_written() -> None:
    """A carrier id X12 allows (TD503 up to 80) but TDT 3127 (an..17) does not."""
    asn = ASN | {"carrier": {"id": "CARRIER-ID-OF-20-CH", "name": "DHL"}}
    out, err = io.BytesIO(), io.StringIO()
    code = cli.translate(io.BytesIO(write("x12", [asn])), to="edifact", out=out, err=err)
    assert code == cli.INVALID and out.getvalue() == b""
    assert err.getvalue() == ("error: despatch_advice ASN-2024-0042: TDT element 5.1: component 3127: "
                              "'CARRIER-ID-OF-20-CH' is longer than 17 (EDIFACT cannot carry it) [code 39]\n")


def test_units_are_translated_not_refused() -> None:
    (before,), (after,) = across("edifact", [PO])
    assert [ln["unit"] for ln in before["lines"]] == [ln["unit"] for ln in after["lines"]] == ["PCE", "KGM"]
    assert b"PO1*10*4000*PC*" in translate(write("edifact", [PO]), "x12")


# --- real files ---------------------------------------------------------------------------------------

CLEAN_X12 = ["bots__810-004010-01.x12", "bots__850-004010-01.x12", "bots__850-004010-ascii-lf.x12",
             "bots__850-004010VICS-01.x12", "bots__855-004010UCS-01.x12", "nodex12__850.x12",
             "nodex12__855.x12"]
CLEAN_EDIFACT = ["bots__dutchic_T0000000001.edi", "bots__dutchic_T0000000002.edi", "bots__orders96.edi",
                 "staedi__invoic_d97b_una.edi", "pydifact__invoice1.edi"]


@pytest.mark.parametrize("name", CLEAN_X12 + CLEAN_EDIFACT)
def test_sample_translates_to_the_other_standard_unchanged(name: str) -> None:
    data = (SAMPLES / name).read_bytes()
    source = codecs.detect(data)
    before = [d for d in read(data) if d["type"] != "functional_ack"]
    # EDIFACT ids may be longer than X12's 15 characters: give the X12 envelope
    after = read(translate(data, "edifact" if source == "x12" else "x12", sender="SENDER", receiver="RECEIVER"))

    def comparable(doc: dict) -> dict:
        out = {k: v for k, v in body(doc).items() if not k.startswith("x_")}
        if source == "edifact" and doc["type"] == "invoice":  # the documented loss
            out["lines"] = [{k: v for k, v in ln.items() if k != "amount"} for ln in out["lines"]]
        return out

    assert [comparable(d) for d in after] == [comparable(d) for d in before]


def test_an_edifact_invoice_quantity_without_unit_cannot_go_to_x12() -> None:
    """bots invoic01 gives quantities without a unit; 810 IT102 needs IT103, so it is refused."""
    out, err = io.BytesIO(), io.StringIO()
    code = cli.translate(io.BytesIO((SAMPLES / "bots__invoic01.edi").read_bytes()), to="x12", out=out, err=err)
    assert code == cli.INVALID and out.getvalue() == b""
    assert err.getvalue().splitlines() == ["error: document 0 (invoice 20051098): IT102/IT103 must be used together"]


# --- properties -----------------------------------------------------------------------------------------

def _both_standards(doc: dict) -> bool:
    """What EDIFACT and X12 can both carry (docs/edi.md, known limits)."""
    if len(doc.get("carrier", {}).get("id", "")) > 17:
        return False  # TDT 3127 is an..17
    for line in doc.get("lines", []):
        if "line" in line and not line["line"].isdigit():
            return False  # EDIFACT LIN 1082 is numeric
        if "order_line" in line and "order" not in line:
            return False  # RFF+ON carries the order line with its order
        if doc["type"] == "delivery_schedule" and ("line" not in line or (not line["schedule"] and "unit" in line)):
            return False  # DELFOR numbers unnumbered lines; its unit rides on a schedule quantity
    return True


documents = st.one_of(purchase_orders(), order_responses(), despatch_advices(), delivery_schedules(),
                      invoices()).filter(_both_standards)


@SETTINGS
@given(documents, st.sampled_from(["x12", "edifact"]))
def test_any_document_both_standards_carry_crosses_unchanged(doc: dict, source: str) -> None:
    before, after = across(source, [doc])
    assert [body(d) for d in after] == [body(d) for d in before]

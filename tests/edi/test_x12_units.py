"""Units of measure between canonical (UN/ECE Rec. 20) and X12 element 355, both ways."""

from __future__ import annotations

import io

import pytest

from edi import codecs
from edi.codecs.base import CanonicalError, MessageResult
from edi.codecs.x12 import read, write
from edi.codecs.x12.units import REC20_TO_X12, X12_TO_REC20, unit_from_x12, unit_to_x12

HEAD = {"sender": "ACME", "receiver": "SUPPLIER", "control_number": "42"}


def po(unit: str) -> dict:
    return {"type": "purchase_order", "id": "PO-1", "issued": "2024-03-01", "purpose": "original",
            **HEAD, "lines": [{"line": "1", "buyer_part": "CAP-1", "quantity": "10", "unit": unit,
                               "price": "0.05"}]}


def docs_of(data: bytes) -> list[dict]:
    results = [r for r in read(io.BytesIO(data)) if isinstance(r, MessageResult)]
    assert all(r.accepted for r in results), [str(i) for r in results for i in r.issues]
    return [r.document for r in results]


@pytest.mark.parametrize(("rec20", "x12"), [("PCE", "PC"), ("KGM", "KG"), ("MTR", "MR"),
                                            ("LTR", "LT"), ("GRM", "GR"), ("FOT", "FT")])
def test_documented_pairs(rec20: str, x12: str) -> None:
    assert REC20_TO_X12[rec20] == x12
    assert unit_to_x12(rec20) == x12
    assert unit_from_x12(x12) == rec20


def test_the_table_is_one_to_one() -> None:
    assert {v: k for k, v in X12_TO_REC20.items()} == REC20_TO_X12
    assert all(len(x) == 2 for x in X12_TO_REC20)


def test_an_order_in_pieces_goes_out_as_pc_and_reads_back_as_pce() -> None:
    # when
    data = write([po("PCE")], **HEAD)
    # then
    assert b"PO1*1*10*PC*0.05*PE*BP*CAP-1~" in data
    assert docs_of(data)[0]["lines"][0]["unit"] == "PCE"


@pytest.mark.parametrize("unit", ["EA", "PR", "BX"])
def test_two_character_codes_pass_through(unit: str) -> None:
    data = write([po(unit)], **HEAD)
    assert f"PO1*1*10*{unit}*".encode() in data
    assert docs_of(data)[0]["lines"][0]["unit"] == unit


def test_newer_rec20_piece_is_written_as_pc() -> None:
    data = write([po("H87")], **HEAD)
    assert b"*10*PC*" in data
    assert docs_of(data)[0]["lines"][0]["unit"] == "PCE"  # the code the table reads back


@pytest.mark.parametrize("unit", ["C62", "NAR", "MLT"])
def test_a_unit_x12_cannot_carry_is_refused_by_name(unit: str) -> None:
    with pytest.raises(CanonicalError, match=rf"line 1: '{unit}' has no X12 unit code"):
        write([po(unit)], **HEAD)


def test_inbound_x12_units_become_rec20_in_every_set_that_carries_one() -> None:
    isa = ("ISA*00*          *00*          *ZZ*ACME           *ZZ*SUPPLIER       *240205*1030*U*"
           "00401*000000042*0*P*>~")

    def interchange(fid: str, body: list[str]) -> bytes:
        return (isa + f"GS*{fid}*ACME*SUPPLIER*20240205*1030*42*X*004010~" + "~".join(body)
                + f"~SE*{len(body) + 1}*0001~GE*1*42~IEA*1*000000042~").encode()

    po850 = interchange("PO", ["ST*850*0001", "BEG*00*SA*PO-1**20240301", "PO1*1*5*KG*2.5**BP*A"])
    asn = interchange("SH", ["ST*856*0001", "BSN*00*A1*20240301*1200", "HL*1**S", "HL*2*1*I",
                             "LIN**BP*A", "SN1**3*MR"])
    inv = interchange("IN", ["ST*810*0001", "BIG*20240301*INV1**PO-1", "IT1*1*2*LT*4.00**BP*A",
                             "TDS*800"])
    assert docs_of(po850)[0]["lines"][0]["unit"] == "KGM"
    assert docs_of(asn)[0]["lines"][0]["unit"] == "MTR"
    assert docs_of(inv)[0]["lines"][0]["unit"] == "LTR"


def test_edifact_pce_reaches_an_x12_partner() -> None:
    """The reason for the table: an EDIFACT order in PCE translated for an X12 partner."""
    edifact = codecs.write([po("PCE")], standard="edifact", sender="ACME", receiver="SUPPLIER",
                           control_number="42")
    doc = next(r.document for r in codecs.read(io.BytesIO(edifact)) if isinstance(r, MessageResult))
    assert doc["lines"][0]["unit"] == "PCE"
    x12 = codecs.write([doc], standard="x12", sender="ACME", receiver="SUPPLIER", control_number=42)
    assert docs_of(x12)[0]["lines"][0]["unit"] == "PCE"

"""QALITY: the canonical quality_notice written as a D.96A quality data message, read back, and
checked by the reader's structure and code-list validation."""

from __future__ import annotations

import io

import pytest

from edi import codecs
from edi.codecs.base import CanonicalError
from edi.codecs.canonical import validate_document

NOTICE = {
    "type": "quality_notice", "id": "QN-2026-00042", "issued": "2026-03-05", "sender": "TSUNAGIHUB",
    "receiver": "ALPHAEDI", "control_number": "7", "purpose": "original", "severity": "major",
    "description": "Solder bridges between pins 3 and 4 on 12 of 50 boards sampled from the lot; "
                   "found at AOI after reflow. Lot quarantined, 200 pieces on hold at the Nagoya plant.",
    "order": "PO-ALPHA-1", "despatch_advice": "ASN-ALPHA-1", "receipt": "GR-ALPHA-1",
    "buyer": {"id": "4512345000016", "qualifier": "9", "name": "Tsunagi Electronics"},
    "supplier": {"id": "ALPHA", "name": "Alpha Ltd"},
    "lines": [{"line": "1", "buyer_part": "P-ALPHA-1", "supplier_part": "ALPHA-SP-1", "description": "Widget",
               "quantity": "200", "unit": "PCE", "lot": "LOT-ALPHA-A", "defect_code": "SOLDER",
               "defect_description": "Solderability or solder defect"}],
}


def write(doc: dict) -> bytes:
    return codecs.write([doc], standard="edifact", sender=doc["sender"], receiver=doc["receiver"],
                        control_number=doc["control_number"])


def test_writes_a_valid_qality_and_reads_it_back():
    assert validate_document(NOTICE) == []
    data = write(NOTICE)
    text = data.decode()
    assert "UNH+1+QALITY:D:96A:UN'" in text
    assert "BGM+20+QN-2026-00042+9'" in text
    assert "RFF+ON:PO-ALPHA-1'RFF+AAK:ASN-ALPHA-1'RFF+ALO:GR-ALPHA-1'" in text
    assert "QTY+96:200:PCE'RFF+BT:LOT-ALPHA-A'CCI+++SOLDER:::Solderability or solder defect'" in text
    assert "FTX+PRI+++major'" in text
    results = list(codecs.read(io.BytesIO(data)))
    message, interchange = results[0], results[-1]
    assert message.message_type == "QALITY"
    assert message.issues == [] and interchange.issues == [], [str(i) for i in message.issues]
    assert message.document == NOTICE


def test_long_descriptions_wrap_over_ftx_lines_and_come_back_whole():
    doc = {**NOTICE, "description": ("word " * 69).strip()}  # 344 characters
    data = write(doc).decode()
    ftx = next(seg for seg in data.split("'") if seg.startswith("FTX+ACL"))
    assert all(len(line) <= 70 for line in ftx.split("+")[4].split(":"))
    assert list(codecs.read(io.BytesIO(data.encode())))[0].document["description"] == doc["description"]


@pytest.mark.parametrize("purpose, code", [("replace", "5"), ("cancel", "1")])
def test_purpose_is_the_message_function(purpose, code):
    doc = {**NOTICE, "purpose": purpose, "closed": "2026-04-01"}
    text = write(doc).decode()
    assert f"BGM+20+QN-2026-00042+{code}'" in text and "DTM+164:20260401:102'" in text
    assert list(codecs.read(io.BytesIO(text.encode())))[0].document == doc


def test_a_defect_description_needs_its_code():
    doc = {**NOTICE, "lines": [{"line": "1", "buyer_part": "P", "defect_description": "Bent leads"}]}
    assert validate_document(doc) == ["lines[0]: defect_description needs defect_code"]
    with pytest.raises(CanonicalError):
        write(doc)


def test_x12_has_no_quality_notice():
    with pytest.raises(CanonicalError, match="quality_notice"):
        codecs.write([NOTICE], standard="x12", sender="HUB", receiver="PARTNER", control_number=1)

"""CONTRL: building the acknowledgement of an inbound interchange, writing it, reading one back."""

from __future__ import annotations

import io

import pytest

from edi.codecs import edifact
from edi.codecs.base import InterchangeResult, MessageResult

GOOD = ("UNH+{ref}+ORDERS:D:96A:UN'BGM+220+PO{ref}+9'DTM+137:20240301:102'LIN+1++BP1:BP'"
        "QTY+21:5:PCE'UNS+S'UNT+7+{ref}'")
BAD = "UNH+{ref}+ORDERS:D:96A:UN'DTM+137:20240301:102'LIN+1++BP1:BP'QTY+21:5X:PCE'UNS+S'UNT+6+{ref}'"


def inbound(*bodies: str, syntax: str = "UNOC:3") -> InterchangeResult:
    body = "".join(b.format(ref=i) for i, b in enumerate(bodies, 1))
    data = f"UNB+{syntax}+PARTNER:14+US:14+240301:1200+IC77'{body}UNZ+{len(bodies)}+IC77'".encode()
    results = list(edifact.read(io.BytesIO(data)))
    assert isinstance(results[-1], InterchangeResult)
    return results[-1]


def test_accepted_interchange() -> None:
    ack = edifact.contrl_for(inbound(GOOD, GOOD), id="C1", issued="2024-03-01")
    assert ack["status"] == "accepted" and ack["messages"] == [] and ack["errors"] == []
    assert ack["acknowledged"] == "IC77"
    assert (ack["sender"], ack["receiver"]) == ("US", "PARTNER")


def test_partially_accepted_lists_the_rejected_message_with_0085_codes() -> None:
    ack = edifact.contrl_for(inbound(GOOD, BAD), id="C1", issued="2024-03-01")
    assert ack["status"] == "partially_accepted"
    [m] = ack["messages"]
    assert (m["ref"], m["type"], m["status"]) == ("2", "ORDERS", "rejected")
    assert {(e["code"], e.get("position"), e.get("element")) for e in m["errors"]} >= {
        ("13", 2, None),      # BGM missing, reported at the segment where it was expected
        ("37", 4, "1.2"),     # QTY 6060 '5X' not numeric
    }


@pytest.mark.parametrize("syntax", ["UNOC:3", "UNOC:4"])
def test_contrl_written_and_read_back_reconciles(syntax: str) -> None:
    result = inbound(GOOD, BAD, syntax=syntax)
    ack = edifact.contrl_for(result, id="C1", issued="2024-03-01", control_number="900")
    data = edifact.write([ack], sender=ack["sender"], receiver=ack["receiver"],
                         control_number="900", date="2024-03-01", syntax=syntax)
    text = data.decode()
    assert "UCI+IC77+PARTNER+US+7'" in text
    assert "UCM+2+ORDERS:D:96A:UN+4" in text
    assert ("CONTRL:4:1:UN" if syntax.endswith("4") else "CONTRL:D:3:UN") in text
    assert "UCS+4'UCD+37+1:2'" in text
    [msg, ic] = list(edifact.read(io.BytesIO(data)))
    assert isinstance(msg, MessageResult) and msg.accepted, [str(i) for i in msg.issues]
    back = msg.document
    assert back["type"] == "functional_ack"
    assert back["acknowledged"] == "IC77"  # the control number the hub reconciles on
    assert back["status"] == "partially_accepted"
    assert [m["ref"] for m in back["messages"]] == ["2"]
    assert {(e["code"], e.get("position")) for e in back["messages"][0]["errors"]} == {
        (e["code"], e.get("position")) for e in ack["messages"][0]["errors"]
    }


def test_rejected_interchange() -> None:
    data = b"UNB+UNOX:3+PARTNER:14+US:14+240301:1200+IC9'" + GOOD.format(ref=1).encode() + b"UNZ+1+IC9'"
    result = list(edifact.read(io.BytesIO(data)))[-1]
    ack = edifact.contrl_for(result, id="C2", issued="2024-03-01")
    assert ack["status"] == "rejected"
    assert ack["errors"][0]["code"] == "2" and ack["errors"][0]["segment"] == "UNB"
    out = edifact.write([ack], sender="US", receiver="PARTNER", control_number="C2", date="2024-03-01")
    assert b"UCI+IC9+PARTNER+US+4+2+UNB+1:1'" in out

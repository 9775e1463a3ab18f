"""Canonical -> EDIFACT -> canonical is the identity, for every document type (hypothesis)."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.codecs import edifact
from edi.codecs.base import InterchangeResult, MessageResult
from edi.codecs.canonical import validate_document
from tests.edi.canonical_strategies import DOCUMENTS  # tests/edi/canonical_strategies.py

EXPECTED_MESSAGE = {
    "order_response": "ORDRSP",
    "despatch_advice": "DESADV",
    "delivery_schedule": "DELFOR",
    "invoice": "INVOIC",
    "functional_ack": "CONTRL",
    "quality_notice": "QALITY",
}


def roundtrip(doc: dict, syntax: str = "UNOC:3", una: bool = True) -> tuple[MessageResult, InterchangeResult, bytes]:
    data = edifact.write([doc], sender=doc["sender"], receiver=doc["receiver"],
                         control_number=doc["control_number"], date=doc["issued"], syntax=syntax,
                         una=una)
    results = list(edifact.read(io.BytesIO(data)))
    assert len(results) == 2, results
    message, interchange = results
    assert isinstance(message, MessageResult) and isinstance(interchange, InterchangeResult)
    return message, interchange, data


@pytest.mark.parametrize("doc_type", sorted(DOCUMENTS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_roundtrip_is_identity(doc_type: str, data) -> None:
    # given a valid canonical document
    doc = data.draw(DOCUMENTS[doc_type])
    assert validate_document(doc) == []
    syntax = data.draw(st.sampled_from(["UNOC:3", "UNOC:4", "UNOW:4"]))
    # when it is written and read back
    message, interchange, raw = roundtrip(doc, syntax=syntax, una=data.draw(st.booleans()))
    # then the reader accepts it without findings and gives the same document
    assert message.accepted, [str(i) for i in message.issues]
    assert message.issues == []
    assert interchange.status == "accepted" and interchange.issues == []
    assert message.document == doc
    if doc_type == "purchase_order":
        expected = "ORDCHG" if doc["purpose"] in ("change", "cancel") else "ORDERS"
    else:
        expected = EXPECTED_MESSAGE[doc_type]
    assert message.message_type == expected


@settings(max_examples=30, deadline=None)
@given(docs=st.lists(st.one_of(*[DOCUMENTS[t] for t in sorted(DOCUMENTS) if t != "functional_ack"]),
                     min_size=1, max_size=6))
def test_many_documents_in_one_interchange(docs: list[dict]) -> None:
    for d in docs:
        d.update(sender="SENDER", receiver="RECEIVER", control_number="77")
    data = edifact.write(docs, sender="SENDER", receiver="RECEIVER", control_number="77",
                         date="2030-01-02")
    results = list(edifact.read(io.BytesIO(data)))
    assert [r.document for r in results[:-1]] == docs
    assert [r.message_ref for r in results[:-1]] == [str(i) for i in range(1, len(docs) + 1)]
    assert results[-1].message_count == len(docs) and results[-1].status == "accepted"


def test_unoa_writer_refuses_lower_case() -> None:
    from edi.codecs.base import CanonicalError

    doc = {"type": "invoice", "id": "inv-1", "issued": "2024-01-01", "sender": "A", "receiver": "B",
           "control_number": "1", "kind": "invoice", "total": "1", "lines": []}
    with pytest.raises(CanonicalError, match="level A"):
        edifact.write([doc], sender="A", receiver="B", control_number="1", syntax="UNOA:3")
    doc["id"] = "INV-1"
    assert b"BGM+380+INV-1+9'" in edifact.write([doc], sender="A", receiver="B",
                                                 control_number="1", syntax="UNOA:3")


def test_writer_rejects_invalid_document() -> None:
    from edi.codecs.base import CanonicalError

    with pytest.raises(CanonicalError, match="quantity"):
        edifact.write([{"type": "despatch_advice", "id": "A", "issued": "2024-01-01", "sender": "A",
                        "receiver": "B", "control_number": "1", "lines": [{"line": "1"}]}],
                      sender="A", receiver="B", control_number="1")

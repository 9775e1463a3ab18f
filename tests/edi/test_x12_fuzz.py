"""Fuzzing: random and mutated bytes make the X12 codec raise EdiError subclasses only.

Anything else escaping (IndexError, ValueError, UnicodeDecodeError, KeyError...) is a bug. Every
document the reader emits without a warning must also satisfy the canonical contract, and an
acknowledgement can always be built for what was read.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.codecs.base import CanonicalError, EdiError, InterchangeResult, MessageResult
from edi.codecs.canonical import validate_document
from edi.codecs.x12 import ack_for, read, write

SAMPLES = sorted(p for p in (Path(__file__).parent / "samples").iterdir()
                 if p.suffix in (".x12", ".edi") and p.read_bytes().lstrip()[:3] == b"ISA")
SEEDS = [p.read_bytes() for p in SAMPLES]
# X12_FUZZ_EXAMPLES=20000 for a longer campaign
FUZZ = settings(max_examples=int(os.environ.get("X12_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def consume(data: bytes, chunk_size: int = 1 << 20) -> None:
    try:
        for result in read(io.BytesIO(data), chunk_size=chunk_size):
            if isinstance(result, MessageResult):
                warned = any(i.severity == "warning" for i in result.issues)
                if result.document is not None and not warned:
                    assert validate_document(result.document) == [], result.document
            else:
                assert isinstance(result, InterchangeResult)
                for doc in ack_for(result):
                    assert validate_document(doc) == [], doc
    except EdiError:
        pass


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    consume(data)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_after_a_valid_isa(data):
    consume(SEEDS[0][:106] + data)


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "dup", "truncate", "delim"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 40))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=20))
        elif op == "dup":
            j = min(len(data), i + draw(st.integers(1, 200)))
            data[i:i] = data[i:j]
        elif op == "truncate":
            del data[i:]
        else:
            data[i:i] = draw(st.sampled_from([b"*", b"~", b">", b"\n", b"\x15", b"**", b"~~",
                                              b"ISA", b"IEA*1*", b"SE*", b"GE*", b"ST*850*"]))
    return bytes(data)


@FUZZ
@given(mutated(), st.sampled_from([512, 1 << 20]))
def test_mutated_samples(data, chunk_size):
    consume(data, chunk_size)


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                    st.lists(st.text(max_size=5), max_size=3))


@FUZZ
@given(st.sampled_from(["purchase_order", "order_response", "despatch_advice",
                        "delivery_schedule", "invoice", "functional_ack", "nonsense"]),
       st.dictionaries(st.sampled_from(["id", "issued", "purpose", "lines", "status", "order",
                                        "kind", "total", "level", "acknowledged", "errors",
                                        "messages", "packages", "buyer", "currency"]),
                       _VALUES, max_size=8))
def test_writer_rejects_garbage_with_canonical_error(kind, fields):
    doc = {"type": kind, "sender": "A1", "receiver": "B2", "control_number": "1", **fields}
    try:
        write([doc], sender="A1", receiver="B2", control_number=1)
    except CanonicalError:
        pass

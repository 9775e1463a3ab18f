"""Random and mutated bytes raise only EdiError subclasses: never IndexError, KeyError,
UnicodeDecodeError... (anything else escaping the codec is a bug)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.codecs import edifact
from edi.codecs.base import EdiError

SAMPLES = sorted(
    p.read_bytes() for p in (Path(__file__).parent / "samples").iterdir()
    if p.suffix in (".edi", ".ped") and not p.read_bytes().lstrip().startswith(b"ISA")
)
SERVICE = [b"'", b"+", b":", b"?", b"*", b"UNA:+.? '", b"UNB+", b"UNH+", b"UNT+", b"UNZ+",
           b"UNG+", b"UNE+", b"\r\n", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\x00", b"UNOY:4",
           b"UNOX:3", b"?'", b"??"]


def consume(data: bytes, chunk_size: int = 1 << 20) -> None:
    try:
        for _ in edifact.read(io.BytesIO(data), chunk_size=chunk_size):
            pass
    except EdiError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    consume(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_after_a_header(data: bytes) -> None:
    consume(b"UNA:+.? 'UNB+UNOC:3+A+B+240101:1200+1'UNH+1+ORDERS:D:96A:UN'" + data)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        if not data:
            break
        i = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(min_value=0, max_value=255))
        elif op == "delete":
            del data[i : i + draw(st.integers(min_value=1, max_value=40))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from(SERVICE))
        elif op == "truncate":
            del data[i:]
        else:
            j = draw(st.integers(min_value=i, max_value=min(len(data), i + 200)))
            data[j:j] = data[i:j]
    return bytes(data)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from([7, 64, 1 << 20]))
def test_mutated_samples(data: bytes, chunk_size: int) -> None:
    consume(data, chunk_size)


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"UNA", b"UNA:+.? ", b"UNA:+.? 'UNB", b"UNB+",
                                  b"UNA::::::UNB+UNOC:3'", b"UNB+UNOC:3+A+B+1+1'UNZ+0+1'junk"])
def test_degenerate_inputs_raise_typed_errors_or_report(data: bytes) -> None:
    consume(data)

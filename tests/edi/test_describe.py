"""The console's "show segments" listing (edi.codecs.describe): names, values, never an exception."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi import codecs
from edi.codecs.base import MessageResult
from edi.codecs.describe import describe_bytes, describe_file
from edi.codecs.edifact.syntax import Separators

SAMPLES = Path(__file__).parent / "samples"

PO = {"type": "purchase_order", "id": "PO+1", "issued": "2024-03-01", "sender": "BUYER", "receiver": "SUPPLIER",
      "control_number": "1", "purpose": "original",
      "lines": [{"line": "1", "buyer_part": "CAP:1", "quantity": "10", "unit": "PCE", "price": "0.05",
                 "description": "it's A?B"}]}


def rows(data: bytes, **kw):
    segments, truncated, error = describe_bytes(data, **kw)
    return segments, truncated, error


def element(segment, position: str) -> tuple[str, str]:
    """(value, name) of the row at ``position`` ("2", "1.2", "03")."""
    for pos, value, name in segment.elements:
        if pos == position:
            return value, name
    raise AssertionError(f"{segment.tag} has no element {position}: {segment.elements}")


def test_edifact_names_segments_composites_and_components() -> None:
    data = codecs.write([PO], standard="edifact", sender="BUYER", receiver="SUPPLIER", control_number="7")
    segments, truncated, error = rows(data)
    assert error == "" and not truncated
    tags = [s.tag for s in segments]
    assert tags[:4] == ["UNA", "UNB", "UNH", "BGM"] and tags[-1] == "UNZ"
    una, unb, unh, bgm = segments[:4]
    assert una.name == "Service string advice" and element(una, "6") == ("'", "Segment terminator")
    assert unb.name == "Interchange header"
    assert element(unb, "1.1") == ("UNOC", "0001 Syntax identifier (S001 Syntax identifier)")
    assert element(unb, "2.1") == ("BUYER", "0004 Interchange sender identification (S002 Interchange sender)")
    assert element(unb, "4.1")[1] == "0017 Date (S004 Date and time of preparation)"
    assert element(unb, "5") == ("7", "0020 Interchange control reference")
    assert element(unh, "2.1") == ("ORDERS", "0065 Message type (S009 Message identifier)")
    assert bgm.name == "Beginning of message"
    # released characters are shown as data, without their release character
    assert element(bgm, "2") == ("PO+1", "1004 Document/message number")
    lin = next(s for s in segments if s.tag == "LIN")
    assert element(lin, "3.1") == ("CAP:1", "7140 Item number (C212 Item number identification)")
    imd = next(s for s in segments if s.tag == "IMD")
    assert element(imd, "3.4")[0] == "it's A?B"


def test_refs_match_the_positions_errors_are_given_at() -> None:
    data = (SAMPLES / "phpedifact__D96ADESADV.edi").read_bytes()
    results = [r for r in codecs.read(io.BytesIO(data)) if isinstance(r, MessageResult)]
    located = {f"{i.segment}#{i.position}" for r in results for i in r.issues if i.position}
    assert "BGM#2" in located
    segments, _, error = rows(data)
    assert error == ""
    bgm = next(s for s in segments if s.ref == "BGM#2")
    assert bgm.tag == "BGM" and element(bgm, "3")[0] == "700101"  # the value the error is about
    assert [s.ref for s in segments if s.tag in ("UNB", "UNZ")] == ["", ""]


@pytest.mark.parametrize("name", ["staedi__invoic_d97b_una.edi", "staedi__wrapped_invoic_d97b_una.edi"])
def test_una_with_odd_separators_and_line_wrapping(name: str) -> None:
    segments, _, error = rows((SAMPLES / name).read_bytes())
    assert error == ""
    assert [s.tag for s in segments[:3]] == ["UNA", "UNB", "UNH"]
    assert element(segments[0], "1") == ("=", "Component data element separator")
    nad = next(s for s in segments if s.tag == "NAD")
    assert element(nad, "4.1")[0] == "CUMMINS MID-RANGE ENGINE PLANT"
    assert len(segments) == 27


def test_syntax_4_service_names() -> None:
    data = codecs.write([PO], standard="edifact", sender="BUYER", receiver="SUPPLIER", control_number="7",
                        syntax="UNOC:4")
    segments, _, error = rows(data)
    assert error == ""
    unb = segments[1]
    assert element(unb, "1.2") == ("4", "0002 Syntax version number (S001 Syntax identifier)")


def test_x12_names_elements_of_the_segments_we_map() -> None:
    data = (SAMPLES / "nodex12__850.x12").read_bytes()
    segments, _, error = rows(data)
    assert error == ""
    isa, gs, st_, beg = segments[:4]
    assert isa.name == "Interchange Control Header"
    assert element(isa, "06") == ("4405197800     ", "I06 Interchange Sender ID")
    assert element(isa, "16") == (">", "I15 Component Element Separator")
    assert element(gs, "01") == ("PO", "479 Functional Identifier Code")
    assert st_.ref == "ST#1" and element(st_, "01") == ("850", "143 Transaction Set Identifier Code")
    assert beg.name == "Beginning Segment for Purchase Order" and beg.ref == "BEG#2"
    assert element(beg, "03") == ("08292233294", "324 Purchase Order Number")
    po1 = next(s for s in segments if s.tag == "PO1")
    assert element(po1, "03") == ("EA", "355 Unit or Basis for Measurement Code")
    assert segments[-1].tag == "IEA" and segments[-1].ref == ""


def test_x12_with_a_line_feed_terminator_and_005010() -> None:
    data = codecs.write([PO | {"id": "PO-1", "lines": [PO["lines"][0] | {"description": "PLAIN", "buyer_part": "CAP-1"}]}],
                        standard="x12", sender="BUYER", receiver="SUPPLIER", control_number=5, version="00501",
                        element_sep="|", component_sep=":", segment_term="\n")
    segments, _, error = rows(data)
    assert error == ""
    assert [s.tag for s in segments] == ["ISA", "GS", "ST", "BEG", "PO1", "PID", "CTT", "SE", "GE", "IEA"]
    assert element(segments[0], "11") == ("^", "I65 Repetition Separator")
    assert element(segments[4], "03") == ("PC", "355 Unit or Basis for Measurement Code")


def test_the_mailbag_lists_every_interchange_with_its_own_delimiters() -> None:
    segments, truncated, error = rows((SAMPLES / "bots__mailbag01.x12").read_bytes())
    assert error == "" and not truncated
    assert sum(s.tag == "ISA" for s in segments) == 8 == sum(s.tag == "IEA" for s in segments)
    assert all(s.tag.isalnum() and len(s.tag) <= 3 for s in segments), {s.tag for s in segments}
    assert [s.position for s in segments] == list(range(1, len(segments) + 1))


def test_bare_segments_are_listed_with_the_reason_they_do_not_translate() -> None:
    segments, _, error = rows((SAMPLES / "smooks__d96a_invoic_1.edi").read_bytes())
    assert error.startswith("EDIFACT segments without an interchange envelope")
    assert segments[0].tag == "BGM" and element(segments[0], "2") == ("500000000020", "1004 Document/message number")


def test_limit_truncates() -> None:
    segments, truncated, error = rows((SAMPLES / "bots__850-004010VICS-01.x12").read_bytes(), limit=50)
    assert len(segments) == 50 and truncated and error == ""


@pytest.mark.parametrize(("data", "message"), [
    (b"", "unrecognised payload"),
    (b"\x00\xff\xfe garbage", "unrecognised payload"),
    (b'{"type": "invoice"}', "json payloads have no segments to show"),
    (b"ISA*00*", "truncated or malformed ISA header"),
])
def test_unreadable_input_is_an_error_text(data: bytes, message: str) -> None:
    _segments, truncated, error = rows(data)
    assert message in error, error
    assert not truncated


def test_describe_file_reads_a_file_and_reports_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "in.x12"
    path.write_bytes((SAMPLES / "nodex12__855.x12").read_bytes())
    segments, truncated, error = describe_file(path)
    assert error == "" and segments[0].tag == "ISA"
    segments, truncated, error = describe_file(path, max_bytes=300)
    assert truncated and segments
    assert describe_file(tmp_path / "gone.edi")[2] == "gone.edi: No such file or directory"


SAMPLE_BYTES = [p.read_bytes() for p in sorted(SAMPLES.iterdir()) if p.name != "MANIFEST.tsv"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SAMPLE_BYTES), st.data())
def test_mutated_samples_never_raise(data: bytes, draw) -> None:
    blob = bytearray(data)
    for _ in range(draw.draw(st.integers(1, 8))):
        kind = draw.draw(st.sampled_from(["flip", "cut", "insert"]))
        at = draw.draw(st.integers(0, max(len(blob) - 1, 0)))
        if kind == "flip" and blob:
            blob[at] = draw.draw(st.integers(0, 255))
        elif kind == "cut":
            del blob[at:]
        else:
            blob[at:at] = draw.draw(st.sampled_from([b"'", b"~", b"?", b"UNA:+.? '", b"ISA*", b"\n", b"\x00"]))
    segments, _truncated, error = describe_bytes(bytes(blob))
    assert isinstance(error, str) and isinstance(segments, list)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    _segments, _truncated, error = describe_bytes(data)
    assert isinstance(error, str)


def test_a_separator_that_is_a_line_feed_in_edifact() -> None:
    seps = Separators(component="^", element="|", decimal=".", release="\\", repetition=" ", terminator="\n")
    data = codecs.write([PO], standard="edifact", sender="B", receiver="S", control_number="1", separators=seps)
    segments, _, error = rows(data)
    assert error == ""
    assert [s.tag for s in segments][:3] == ["UNA", "UNB", "UNH"]
    assert element(segments[0], "6") == ("\n", "Segment terminator")
    assert element(next(s for s in segments if s.tag == "BGM"), "2")[0] == "PO+1"

"""Cutting files that hold several interchanges (edi.codecs.split), as the inbound pipeline does."""

from __future__ import annotations

import io
import mmap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi import codecs
from edi.codecs.base import EdiSyntaxError, InterchangeResult
from edi.codecs.edifact.syntax import Separators
from edi.codecs.split import leftovers, split

SAMPLES = Path(__file__).parent / "samples"

PO = {"type": "purchase_order", "id": "PO-1", "issued": "2024-03-01", "sender": "BUYER", "receiver": "SUPPLIER",
      "control_number": "1", "purpose": "original",
      "lines": [{"line": "1", "buyer_part": "CAP-1", "quantity": "10", "unit": "PCE", "price": "0.05",
                 "description": "it's A+B:C?D*E~F"}]}


def x12(control: int, element: str = "*", component: str = ">", term: str = "~", version: str = "00401") -> bytes:
    doc = PO | {"lines": [PO["lines"][0] | {"description": "PLAIN TEXT"}]}
    return codecs.write([doc], standard="x12", sender="BUYER", receiver="SUPPLIER", control_number=control,
                        element_sep=element, component_sep=component, segment_term=term, version=version)


def edifact(control: str, separators: Separators | None = None, una: bool = True) -> bytes:
    return codecs.write([PO], standard="edifact", sender="BUYER", receiver="SUPPLIER", control_number=control,
                        separators=separators, una=una)


def pieces(data: bytes, standard: str) -> list[bytes]:
    return [data[a:b] for a, b in split(data, standard)]


def controls(data: bytes) -> list[str]:
    return [r.envelope.control_number for r in codecs.read(io.BytesIO(data)) if isinstance(r, InterchangeResult)]


# --- X12 --------------------------------------------------------------------------------------------

def test_the_mailbag_sample_is_cut_into_its_eight_interchanges() -> None:
    # given: 8 interchanges, four different terminators, ^Z at the end
    data = (SAMPLES / "bots__mailbag01.x12").read_bytes()
    # when
    parts = pieces(data, "x12")
    # then each piece is exactly one interchange, the same ones the reader finds in the whole file
    assert [controls(p) for p in parts] == [[c] for c in controls(data)]
    assert len(parts) == 8
    assert all(p.startswith(b"ISA") for p in parts)
    assert leftovers(data, split(data, "x12")) == []  # CR/LF and ^Z are layout


@pytest.mark.parametrize(("element", "component", "term"), [("*", ">", "~"), ("|", "^", "\n"),
                                                             ("\x7f", ">", "\x15"), ("*", ":", "'")])
def test_odd_delimiters_including_a_line_feed_terminator(element: str, component: str, term: str) -> None:
    a, b = x12(1, element, component, term), x12(2, element, component, term)
    data = a + b"\r\n" + b + (b"\n" if term != "\n" else b"")
    assert pieces(data, "x12") == [a, b]


def test_interchanges_with_different_delimiters_follow_each_other() -> None:
    a, b, c = x12(1), x12(2, "|", "^", "\n"), x12(3, version="00501")
    assert pieces(a + b + c, "x12") == [a, b, c]


def test_a_truncated_interchange_ends_where_the_next_one_starts() -> None:
    a, b = x12(1), x12(2)
    cut = a[: a.index(b"SE*")]  # no SE, GE, IEA
    data = cut + b"\r\n" + b
    assert pieces(data, "x12") == [cut, b]
    assert pieces(cut, "x12") == [cut]


def test_an_isa_that_is_not_fixed_width_is_still_found() -> None:
    a = x12(1).replace(b"*ZZ*BUYER          *", b"*ZZ*BUYER*", 1)  # padding dropped by the sender
    b = x12(2)
    assert pieces(a + b, "x12") == [a, b]


def test_isa_in_text_before_the_interchange_is_not_a_header() -> None:
    a = x12(1)
    data = b"Paid by VISA card, ISA rules apply\n" + a
    assert pieces(data, "x12") == [a]
    assert leftovers(data, split(data, "x12")) == [(0, 34)]


def test_trailing_junk_is_left_out_and_reported() -> None:
    a, b = x12(1), x12(2)
    data = a + b"\n" + b + b"\r\n-- end of transmission --\x1a"
    ranges = split(data, "x12")
    assert [data[s:e] for s, e in ranges] == [a, b]
    (start, end), = leftovers(data, ranges)
    assert data[start:end] == b"-- end of transmission --"


def test_no_interchange_at_all() -> None:
    with pytest.raises(EdiSyntaxError, match="no ISA segment"):
        split(b"ST*850*0001~BEG*00*SA*1**20240101~", "x12")
    with pytest.raises(EdiSyntaxError, match="cannot split"):
        split(b"{}", "json")


# --- EDIFACT ------------------------------------------------------------------------------------

def test_release_characters_never_end_an_interchange() -> None:
    # the description holds ' + : ? which the writer releases; put an UNZ look-alike after a
    # released terminator, and a released release character before a real terminator
    a = edifact("1")
    assert b"?'" in a and b"??" in a
    fake = a.replace(b"A?+B", b"?'UNZ+1+1?'UNB+", 1)
    assert b"?'UNZ+1+1" in fake
    b = edifact("2")
    assert pieces(fake + b"\n" + b, "edifact") == [fake, b]


@pytest.mark.parametrize("seps", [
    Separators(),
    Separators(component="=", element="*", decimal=".", release="?", repetition=" ", terminator="~"),
    Separators(component=":", element="+", decimal=",", release=" ", repetition=" ", terminator="'"),
    Separators(component="^", element="|", decimal=".", release="\\", repetition=" ", terminator="\n"),
], ids=["default", "staedi", "no-release", "line-feed"])
def test_una_with_odd_separators(seps: Separators) -> None:
    if not seps.has_release:
        doc = PO | {"lines": [PO["lines"][0] | {"description": "PLAIN"}]}
        a = codecs.write([doc], standard="edifact", sender="B", receiver="S", control_number="1", separators=seps)
    else:
        a = edifact("1", seps)
    b = edifact("2")  # default separators, after
    data = a + b + b"\r\n"
    assert pieces(data, "edifact") == [a, b]
    assert [controls(p) for p in pieces(data, "edifact")] == [["1"], ["2"]]


def test_interchanges_without_una_and_with_layout_between() -> None:
    a, b = edifact("1", una=False), edifact("2", una=False)
    data = b"\xef\xbb\xbf" + a + b"\r\n\r\n\x1a" + b + b"\n"
    assert pieces(data, "edifact") == [a, b]


def test_a_missing_unz_ends_at_the_next_interchange() -> None:
    a, b = edifact("1"), edifact("2")
    cut = a[: a.rindex(b"UNZ+")]
    assert pieces(cut + b"\n" + b, "edifact") == [cut, b]


def test_text_before_the_first_interchange_is_reported() -> None:
    data = (SAMPLES / "pydifact__sage_coala.ped").read_bytes()
    ranges = split(data, "edifact")
    assert len(ranges) == 1
    (start, end), = leftovers(data, ranges)
    assert start == 0 and data[end:].lstrip().startswith(b"UNA")


def test_junk_between_edifact_interchanges_does_not_hide_the_next() -> None:
    a, b = edifact("1"), edifact("2")
    data = a + b"\n#### spool page 2 ####\n" + b
    ranges = split(data, "edifact")
    assert [data[s:e] for s, e in ranges] == [a, b]
    (start, end), = leftovers(data, ranges)
    assert data[start:end] == b"#### spool page 2 ####"


def test_every_sample_is_one_interchange_except_the_multi_interchange_files() -> None:
    for path in sorted(SAMPLES.iterdir()):
        if path.name in ("MANIFEST.tsv", "smooks__d96a_invoic_1.edi"):
            continue
        data = path.read_bytes()
        standard = codecs.detect(data)
        expected = {"bots__mailbag01.x12": 8, "staedi__simple997_multi_interchange.edi": 3}.get(path.name, 1)
        assert len(split(data, standard)) == expected, path.name


def test_an_mmap_gives_the_same_ranges(tmp_path: Path) -> None:
    path = tmp_path / "bag.x12"
    path.write_bytes((SAMPLES / "bots__mailbag01.x12").read_bytes())
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        assert split(mm, "x12") == split(path.read_bytes(), "x12")


# --- any concatenation ------------------------------------------------------------------------------

POOL = {
    "x12": [x12(1), x12(2, "|", "^", "\n"), x12(3, "\x7f", ">", "\x15"), x12(4, version="00501"),
            x12(5, "*", ":", "'")],
    "edifact": [edifact("1"), edifact("2", una=False),
                edifact("3", Separators(component="=", element="*", decimal=".", release="?", repetition=" ",
                                        terminator="~")),
                edifact("4", Separators(component="^", element="|", decimal=".", release="\\", repetition=" ",
                                        terminator="\n"))],
}
LAYOUT = st.sampled_from([b"", b"\n", b"\r\n", b"\x1a", b"  \r\n", b"\x00\x00"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["x12", "edifact"]), st.data())
def test_any_concatenation_is_cut_back_into_its_interchanges(standard: str, data) -> None:
    chosen = data.draw(st.lists(st.sampled_from(POOL[standard]), min_size=1, max_size=5))
    blob = b""
    for piece in chosen:
        blob += piece + data.draw(LAYOUT)
    assert pieces(blob, standard) == chosen
    assert leftovers(blob, split(blob, standard)) == []


def test_a_header_too_damaged_to_read_is_one_range_for_the_reader_to_report() -> None:
    data = b"\r\nISA*00*          *00*  "
    assert split(data, "x12") == [(2, len(data))]

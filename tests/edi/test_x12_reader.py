"""X12 reader: syntax, envelopes, streaming, and the codes of every kind of finding."""

from __future__ import annotations

import io

import pytest

from edi.codecs.base import EdiSyntaxError, InterchangeResult, MessageResult
from edi.codecs.x12 import read, write

HEAD = {"sender": "ACME", "receiver": "SUPPLIER", "control_number": "000000042"}
ISA = ("ISA*00*          *00*          *ZZ*ACME           *ZZ*SUPPLIER       *240205*1030*U*00401"
       "*000000042*0*P*>~")
GS = "GS*PO*ACME*SUPPLIER*20240205*1030*42*X*004010~"
PO = ["ST*850*0001", "BEG*00*SA*PO1**20240102", "PO1*1*5*EA*1.5*PE*BP*P-1", "CTT*1"]


def po_doc(**extra):
    return {"type": "purchase_order", "sender": "ACME", "receiver": "SUPPLIER",
            "control_number": "000000042", "id": "PO1", "issued": "2024-01-02",
            "purpose": "original", "lines": [{"line": "1", "buyer_part": "P-1",
                                              "quantity": "5", "unit": "EA"}], **extra}


def x12(body: list[str], se: str | None = None, ge: str = "GE*1*42", iea: str = "IEA*1*000000042",
        isa: str = ISA, gs: str = GS) -> bytes:
    se = se if se is not None else f"SE*{len(body) + 1}*0001"
    tail = [s for s in (se, ge, iea) if s]
    return (isa + gs + "~".join(body + tail) + "~").encode()


def results(data: bytes, **kw):
    out = list(read(io.BytesIO(data), **kw))
    sets = [r for r in out if isinstance(r, MessageResult)]
    ics = [r for r in out if isinstance(r, InterchangeResult)]
    return sets, ics


def codes(result, level=None):
    return sorted(i.code for i in result.issues if level is None or i.level == level)


def test_clean_850():
    sets, ics = results(x12(PO))
    assert [s.accepted for s in sets] == [True]
    assert sets[0].document["lines"][0] == {"line": "1", "buyer_part": "P-1", "quantity": "5",
                                            "unit": "EA", "price": "1.5"}
    assert ics[0].status == "accepted" and ics[0].message_count == 1
    assert ics[0].groups[0]["control_number"] == "42"


@pytest.mark.parametrize("seps", [("*", ">", "~"), ("|", "^", "\n"), ("\x7f", ">", "\x15"),
                                  ("*", ":", "'"), ("+", "<", "!")])
@pytest.mark.parametrize("line_breaks", [False, True])
def test_any_delimiters_from_the_isa(seps, line_breaks):
    e, c, t = seps
    data = write([po_doc()], **HEAD, element_sep=e, component_sep=c, segment_term=t,
                 line_breaks=line_breaks)
    assert data[3:4] == e.encode() and data[104:106] == (c + t).encode()
    sets, ics = results(data)
    assert sets[0].document == po_doc() | {"lines": [po_doc()["lines"][0]]}
    assert ics[0].status == "accepted"


def test_bom_crlf_and_wrapped_segments():
    text = x12(PO).decode().replace("~", "~\r\n")
    isa, rest = text[:108], text[108:]  # the ISA itself must keep its fixed width
    wrapped = isa + "\r\n".join(rest[i:i + 80] for i in range(0, len(rest), 80))
    sets, ics = results(b"\xef\xbb\xbf" + wrapped.encode())
    assert sets[0].accepted and sets[0].document["id"] == "PO1"
    assert ics[0].issues == []


def test_several_interchanges_with_their_own_delimiters_and_trailing_junk():
    one = write([po_doc()], **HEAD)
    two = write([po_doc(id="PO2")], sender="ACME", receiver="SUPPLIER", control_number=43,
                element_sep="|", segment_term="\n", component_sep="^")
    sets, ics = results(one + b"\r\n" + two + b"\x1a")
    assert [s.document["id"] for s in sets] == ["PO1", "PO2"]
    assert [i.envelope.control_number for i in ics] == ["000000042", "000000043"]
    assert all(i.status == "accepted" for i in ics)


def test_005010_envelope_with_repetition_separator():
    data = write([po_doc()], **HEAD, version="00501")
    assert data[82:83] == b"^"
    sets, ics = results(data)
    assert sets[0].version == "005010" and sets[0].accepted
    assert ics[0].envelope.syntax == "00501"


def test_streaming_yields_a_set_before_the_input_is_read():
    docs = [po_doc(id=f"PO{i}") for i in range(3000)]
    data = write(docs, **HEAD)

    class Counting(io.BytesIO):
        consumed = 0

        def read(self, n=-1):
            chunk = super().read(n)
            self.consumed += len(chunk)
            return chunk

    stream = Counting(data)
    first = next(iter(read(stream, chunk_size=4096)))
    assert isinstance(first, MessageResult)
    assert stream.consumed < len(data) / 10


def test_utf8_and_latin1_text():
    doc = po_doc(buyer={"name": "Müller Ölwerke 株式会社"})
    sets, _ = results(write([doc], **HEAD))
    assert sets[0].document["buyer"]["name"] == "Müller Ölwerke 株式会社"
    latin = x12(PO[:2] + ["N1*BY*M\xfcller"] + PO[2:]).decode().encode("latin-1")
    sets, _ = results(latin)
    assert sets[0].document["buyer"]["name"] == "Müller"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"UNA:+.? 'UNB+UNOC:3+X+Y+200101:1200+1'", "ISA"),
    (ISA.replace("~", "A").encode() + b"GS*PO", "terminator"),
    (b"ISA1", "separator"),
    (ISA[:60].encode(), "truncated"),
])
def test_not_x12_raises_syntax_error(data, message):
    with pytest.raises(EdiSyntaxError) as exc:
        results(data)
    assert message in str(exc.value)


def test_isa_field_errors_use_ta1_codes():
    bad = ISA.replace("240205", "241340").replace("*0*P*", "*7*X*")
    _, ics = results(x12(PO, isa=bad))
    assert codes(ics[0], "interchange") == ["014", "019", "020"]
    assert ics[0].status == "rejected"


def test_isa_not_fixed_width_is_read_and_reported():
    short = ISA.replace("ACME           ", "ACME")
    sets, ics = results(x12(PO, isa=short))
    assert sets[0].accepted
    assert codes(ics[0], "interchange") == ["022"]


@pytest.mark.parametrize("kwargs, level, expected", [
    ({"se": "SE*4*0001"}, "message", ["4"]),
    ({"se": "SE*5*0009"}, "message", ["3"]),
    ({"ge": "GE*2*42"}, "group", ["5"]),
    ({"ge": "GE*1*41"}, "group", ["4"]),
    ({"iea": "IEA*2*000000042"}, "interchange", ["021"]),
    ({"iea": "IEA*1*000000041"}, "interchange", ["001"]),
    ({"iea": ""}, "interchange", ["023"]),
    ({"ge": ""}, "group", ["3"]),
    ({"se": "", "ge": "", "iea": ""}, "message", ["2"]),
])
def test_control_numbers_and_counts(kwargs, level, expected):
    sets, ics = results(x12(PO, **kwargs))
    found = codes(sets[0], level) if level == "message" else codes(ics[0], level)
    assert found == expected


def test_duplicate_set_and_interchange_control_numbers():
    body = PO + ["SE*5*0001"] + PO
    sets, _ = results(x12(body, se="SE*5*0001", ge="GE*2*42"))
    assert codes(sets[1]) == ["23"]
    data = write([po_doc()], **HEAD)
    _, ics = results(data + data)
    assert codes(ics[1], "interchange") == ["025"]


@pytest.mark.parametrize("body, code, where", [
    (["ST*850*0001", "BEG*00*SA*PO1**20240102", "ZZZ*1", "PO1*1*5*EA", "CTT*1"], "1", "ZZZ#3"),
    (["ST*850*0001", "BEG*00*SA*PO1**20240102", "BSN*00*X*20240101*1200", "PO1*1*5*EA"],
     "6", "BSN#3"),
    (["ST*850*0001", "BEG*00*SA*PO1**20240102", "PO1*1*5*EA", "BEG*00*SA*X**20240102"], "2",
     "BEG#4"),
    (["ST*850*0001", "PO1*1*5*EA*1*PE*BP*X", "CTT*1"], "3", "BEG#2"),
    (["ST*850*0001", "BEG*00*SA*PO1**20240102", "CTT*0"], "3", "PO1#3"),
    (["ST*850*0001", "BEG*00*SA*PO1**20240102", "BEG*00*SA*PO1**20240102", "PO1*1*5*EA"],
     "5", "BEG#3"),
    (["ST*850*0001", "BEG*00*SA*PO1**20240102", "PO1*1*5*EA", "CTT*1", "CTT*1"], "4", "CTT#5"),
])
def test_segment_errors_use_ak3_codes(body, code, where):
    sets, _ = results(x12(body))
    seg = [i for i in sets[0].issues if i.level == "segment"]
    assert [(i.code, f"{i.segment}#{i.position}") for i in seg] == [(code, where)]
    assert not sets[0].accepted and sets[0].document is None
    issue = seg[0]
    assert (issue.interchange, issue.group, issue.message_ref) == ("000000042", "42", "0001")


@pytest.mark.parametrize("segment, code, element", [
    ("BEG*00*SA**20240102", "1", "3"),           # BEG03 missing (and BEG05 shifted)
    ("BEG*00*SA*PO1**2024010", "8", "5"),
    ("BEG*00*SA*PO1**20240231", "8", "5"),
    ("BEG*00*SA*PO1**20240102*" + "C" * 31, "5", "6"),
    ("BEG*0*SA*PO1**20240102", "4", "1"),
    ("BEG*99*SA*PO1**20240102", "7", "1"),
    ("BEG*00*SA*PO1**20240102" + "*" * 12 + "X", "3", "13"),
])
def test_element_errors_use_ak4_codes(segment, code, element):
    sets, _ = results(x12(["ST*850*0001", segment, "PO1*1*5*EA", "CTT*1"]))
    found = [(i.code, i.element) for i in sets[0].issues if i.level == "element"]
    assert (code, element) in found
    assert all(i.segment == "BEG" and i.position == 2 for i in sets[0].issues
               if i.level == "element")


@pytest.mark.parametrize("segment, code, element", [
    ("PO1*1*X*EA", "6", "2"),
    ("PO1*1*5*EA*1*PE*BP", "2", "7"),
    ("PO1*1**EA", "2", "2"),
    ("DTM*002*20240101*2561", "9", "3"),
    ("CUR*BY*usd", "7", "2"),
])
def test_more_element_errors(segment, code, element):
    body = ["ST*850*0001", "BEG*00*SA*PO1**20240102"]
    body += [segment, "PO1*1*5*EA"] if not segment.startswith("PO1") else [segment]
    body.append("CTT*1")
    if segment.startswith(("DTM", "CUR")):
        body = ["ST*850*0001", "BEG*00*SA*PO1**20240102", segment, "PO1*1*5*EA", "CTT*1"]
    sets, _ = results(x12(body))
    assert (code, element) in [(i.code, i.element) for i in sets[0].issues]


def test_unsupported_set_is_read_and_reported_not_translated():
    body = ["ST*820*0001", "BPR*H*1*C*NON", "TRN*1*2"]
    sets, ics = results(x12(body, gs=GS.replace("GS*PO", "GS*RA")))
    assert sets[0].message_type == "820" and sets[0].document is None
    assert codes(sets[0]) == ["1"] and ics[0].groups[0]["accepted"] == 0


def test_ta1_is_read_as_an_interchange_ack():
    data = (ISA + "TA1*000000017*240101*1200*R*001~IEA*0*000000042~").encode()
    sets, ics = results(data)
    assert sets[0].message_type == "TA1"
    assert sets[0].document["level"] == "interchange"
    assert sets[0].document["acknowledged"] == "000000017"
    assert sets[0].document["errors"][0]["code"] == "001"
    assert ics[0].status == "accepted"


def test_legacy_003010_dates():
    gs = GS.replace("20240205", "240205").replace("004010", "003010")
    body = ["ST*850*0001", "BEG*00*SA*PO1**960102", "PO1*1*5*EA", "CTT*1"]
    sets, ics = results(x12(body, gs=gs))
    assert sets[0].accepted and sets[0].document["issued"] == "1996-01-02"
    assert ics[0].issues == []

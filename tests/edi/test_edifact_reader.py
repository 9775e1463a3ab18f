"""EDIFACT reader: syntax variants, character sets, streaming, envelopes and validation findings."""

from __future__ import annotations

import io

import pytest

from edi.codecs import edifact
from edi.codecs.base import EdiSyntaxError, MessageResult

ORDERS = ("UNH+1+ORDERS:D:96A:UN'BGM+220+PO1+9'DTM+137:20240301:102'NAD+BY+4012345000009::9'"
          "LIN+1++BP1:BP'QTY+21:5:PCE'UNS+S'UNT+8+1'")


def interchange(body: str = ORDERS, *, una: str = "", syntax: str = "UNOC:3", trailer: str = "UNZ+1+42'") -> bytes:
    return f"{una}UNB+{syntax}+SENDER:14+RECEIVER:14+240301:1200+42'{body}{trailer}".encode("latin-1")


def read_all(data: bytes, **kw) -> list:
    return list(edifact.read(io.BytesIO(data), **kw))


def only_message(data: bytes) -> MessageResult:
    results = read_all(data)
    msgs = [r for r in results if isinstance(r, MessageResult)]
    assert len(msgs) == 1
    return msgs[0]


def codes(result) -> set[str]:
    return {i.code for i in result.issues if i.severity == "error"}


def test_plain_orders_translates() -> None:
    msg = only_message(interchange())
    assert msg.accepted and msg.issues == []
    assert msg.document["lines"] == [{"line": "1", "buyer_part": "BP1", "quantity": "5", "unit": "PCE"}]
    assert msg.envelope.sender == "SENDER" and msg.envelope.date == "2024-03-01"
    assert msg.envelope.time == "12:00" and msg.version == "D96A"


@pytest.mark.parametrize("una,mapping", [
    ("UNA:+.? '", {}),
    ("UNA=*,? ~", {":": "=", "+": "*", "'": "~"}),
    ("UNA|^.\\ !", {":": "|", "+": "^", "'": "!", "?": "\\"}),
])
def test_una_separators(una: str, mapping: dict) -> None:
    text = "UNB+UNOC:3+SENDER:14+RECEIVER:14+240301:1200+42'" + ORDERS.replace(
        "BGM+220+PO1+9", "BGM+220+P?+O?:1?'?'+9") + "UNZ+1+42'"
    text = "".join(mapping.get(c, c) for c in text)
    msg = only_message((una + text).encode())
    assert msg.accepted, [str(i) for i in msg.issues]
    assert msg.document["id"] == "".join(mapping.get(c, c) for c in "P+O:1''")


def test_release_character_before_terminator_and_escaped_release() -> None:
    body = ORDERS.replace("BGM+220+PO1+9", "BGM+220+PO??1?'+9")
    msg = only_message(interchange(body, una="UNA:+.? '"))
    assert msg.document["id"] == "PO?1'"
    body = ORDERS.replace("BGM+220+PO1+9", "BGM+220+PO1??")
    msg = only_message(interchange(body, una="UNA:+.? '"))
    assert msg.document["id"] == "PO1?"


@pytest.mark.parametrize("layout", ["\r\n", "\n", "wrap80", "wrap7"])
def test_line_breaks_between_and_inside_segments(layout: str) -> None:
    data = interchange(una="UNA:+.? '").decode()
    if layout.startswith("wrap"):
        width = int(layout[4:])
        data = "\n".join(data[i : i + width] for i in range(0, len(data), width))
    else:
        data = data.replace("'", "'" + layout)
    msg = only_message(data.encode())
    assert msg.accepted and msg.document["id"] == "PO1"


def test_bom_and_leading_junk() -> None:
    msg = only_message(b"\xef\xbb\xbf" + interchange())
    assert msg.accepted
    results = read_all(b"Subject: orders\r\nFrom: x\r\n\r\n" + interchange(una="UNA:+.? '"))
    ic = results[-1]
    assert ic.status == "accepted"
    assert [i.code for i in ic.issues] == ["33"] and ic.issues[0].severity == "warning"


def test_several_interchanges_and_a_new_una_between_them() -> None:
    second = interchange(una="UNA=*.? ~").decode()
    second = second.replace(":", "=").replace("+", "*").replace("'", "~")
    results = read_all(interchange(una="UNA:+.? '") + b"\r\n" + second.encode())
    assert [type(r).__name__ for r in results] == ["MessageResult", "InterchangeResult"] * 2
    assert results[2].document["id"] == "PO1" and results[3].status == "accepted"


def test_streaming_yields_each_message_before_the_end() -> None:
    body = "".join(ORDERS.replace("UNH+1", f"UNH+{i}").replace("UNT+8+1", f"UNT+8+{i}")
                   for i in range(1, 101))
    data = interchange(body, trailer="UNZ+100+42'")

    class Watch(io.BytesIO):
        def read(self, n=-1):  # noqa: D401 - records how far the reader has read
            chunk = super().read(n)
            self.seen = self.tell()
            return chunk

    stream = Watch(data)
    it = edifact.read(stream, chunk_size=64)
    first = next(it)
    assert isinstance(first, MessageResult) and first.message_ref == "1"
    assert stream.seen < len(data)  # the rest is not read yet
    rest = list(it)
    assert [r.message_ref for r in rest[:-1]] == [str(i) for i in range(2, 101)]
    assert rest[-1].message_count == 100 and rest[-1].status == "accepted"


@pytest.mark.parametrize("syntax,encoding,text", [
    ("UNOC:3", "latin-1", "Müller"),
    ("UNOD:3", "iso8859-2", "Łódź"),
    ("UNOW:4", "utf-8", "東京 Müller"),
    ("UNOY:4", "utf-8", "Ωmega"),
])
def test_character_sets(syntax: str, encoding: str, text: str) -> None:
    body = ORDERS.replace("NAD+BY+4012345000009::9", f"NAD+BY+4012345000009::9++{text}")
    data = f"UNB+{syntax}+SENDER:14+RECEIVER:14+20240301:1200+42'{body}UNZ+1+42'".encode(encoding)
    msg = only_message(data)
    assert msg.accepted, [str(i) for i in msg.issues]
    assert msg.document["buyer"]["name"] == text


def test_unoa_rejects_non_ascii_and_warns_on_lower_case() -> None:
    bad = interchange(ORDERS.replace("PO1", "PÖ1"), syntax="UNOA:3")
    msg = only_message(bad)
    assert not msg.accepted and codes(msg) == {"21"}
    assert msg.issues[0].segment == "BGM" and msg.issues[0].position == 2
    low = only_message(interchange(ORDERS.replace("PO1", "po1"), syntax="UNOA:3"))
    assert low.accepted and [(i.code, i.severity) for i in low.issues] == [("21", "warning")]


def test_invalid_utf8_is_code_21() -> None:
    data = interchange(syntax="UNOW:4").replace(b"PO1", b"PO\xff1")
    msg = only_message(data)
    assert not msg.accepted and codes(msg) == {"21"}


@pytest.mark.parametrize("syntax", ["UNOX:3", "KECA:3", "UNOC:9"])
def test_unsupported_syntax_rejects_the_interchange(syntax: str) -> None:
    results = read_all(interchange(syntax=syntax))
    ic = results[-1]
    assert ic.status == "rejected"
    assert "2" in {i.code for i in ic.issues}
    assert results[0].document is None and not results[0].accepted


def test_not_edifact() -> None:
    with pytest.raises(EdiSyntaxError):
        read_all(b"ISA*00*          *00*")
    with pytest.raises(EdiSyntaxError):
        read_all(b"")
    with pytest.raises(EdiSyntaxError):
        read_all(b"UNA:+.? 'BGM+220'")


# --- envelope checks ---------------------------------------------------------------------------


def test_unt_count_and_reference() -> None:
    msg = only_message(interchange(ORDERS.replace("UNT+8+1", "UNT+9+2")))
    assert codes(msg) == {"28", "29"} and msg.document is None


def test_unz_count_and_reference() -> None:
    ic = read_all(interchange(trailer="UNZ+2+43'"))[-1]
    assert ic.status == "rejected"
    assert {i.code for i in ic.issues} == {"28", "29"}


def test_missing_unz_and_missing_unt() -> None:
    results = read_all(interchange(ORDERS.replace("UNT+8+1'", ""), trailer=""))
    msg, ic = results
    assert codes(msg) == {"13"} and "UNT" in str(msg.issues[0])
    assert ic.status == "rejected" and {i.code for i in ic.issues} == {"13"}


def test_groups_counted_and_checked() -> None:
    body = f"UNG+ORDERS+SENDER+RECEIVER+240301:1200+G1+UN+D:96A'{ORDERS}UNE+2+G1'"
    results = read_all(interchange(body))
    msg, ic = results
    assert msg.group == "G1" and msg.accepted
    assert ic.groups[0]["ref"] == "G1" and ic.groups[0]["count"] == 1
    assert {i.code for i in ic.issues} == {"29"}


def test_segment_outside_message() -> None:
    ic = read_all(interchange(ORDERS + "FTX+AAI'"))[-1]
    assert ic.status == "rejected" and {i.code for i in ic.issues} == {"33"}


# --- structure and element validation ------------------------------------------------------


@pytest.mark.parametrize("change,code,segment", [
    (("BGM+220+PO1+9'", ""), "13", "BGM"),                       # mandatory segment missing
    (("UNS+S'", ""), "13", "UNS"),
    (("DTM+137:20240301:102'", "DTM+137:20240301:102'" * 36), "35", "DTM"),  # > 35 repetitions
    (("QTY+21:5:PCE'", "QTY+21:5:PCE'BGM+220+X+9'"), "15", "BGM"),  # not allowed here
    (("LIN+1++BP1:BP'", "LIN+1++BP1:BP'XYZ+1'"), "15", "XYZ"),   # unknown segment in D96A
    (("QTY+21:5:PCE'", "QTY+21:5X:PCE'"), "37", "QTY"),          # numeric element with a letter
    (("QTY+21:5:PCE'", "QTY+21:.5:PCE'"), "38", "QTY"),          # no digit before decimal mark
    (("BGM+220+PO1+9'", "BGM+220+" + "P" * 36 + "+9'"), "39", "BGM"),  # too long
    (("QTY+21:5:PCE'", "QTY+:5:PCE'"), "13", "QTY"),             # mandatory component missing
    (("BGM+220+PO1+9'", "BGM+220+PO1+999'"), "12", "BGM"),       # not in code list 1225
    (("LIN+1++BP1:BP'", "LIN+1++BP1:BP+++++++1'"), "16", "LIN"),  # too many elements
])
def test_structure_and_element_findings(change, code: str, segment: str) -> None:
    old, new = change
    body = ORDERS.replace(old, new)
    n = body.count("'")
    body = body.replace("UNT+8+1", f"UNT+{n}+1")
    msg = only_message(interchange(body))
    assert not msg.accepted and msg.document is None
    found = [(i.code, i.segment) for i in msg.issues if i.severity == "error"]
    assert (code, segment) in found, [str(i) for i in msg.issues]
    issue = next(i for i in msg.issues if i.code == code)
    assert issue.interchange == "42" and issue.message_ref == "1" and issue.position


def test_group_repetitions_and_missing_group_member() -> None:
    # SG1 (RFF, DTM) may repeat 10 times in ORDERS
    rff = "RFF+CT:1'" * 11
    body = ORDERS.replace("NAD+BY", rff + "NAD+BY")
    body = body.replace("UNT+8+1", f"UNT+{body.count(chr(39))}+1")
    msg = only_message(interchange(body))
    assert "36" in codes(msg)


def test_later_directories_are_read_with_warnings() -> None:
    body = ORDERS.replace("ORDERS:D:96A:UN", "ORDERS:D:01B:UN").replace(
        "LIN+1++BP1:BP'", "LIN+1++BP1:BP'XYZ+1'").replace("UNT+8+1", "UNT+9+1")
    msg = only_message(interchange(body))
    assert msg.accepted and msg.document is not None
    assert [(i.code, i.severity) for i in msg.issues] == [("15", "warning")]
    assert msg.version == "D01B"


def test_unsupported_version_and_type() -> None:
    msg = only_message(interchange(ORDERS.replace("D:96A", "D:03B")))
    assert codes(msg) == {"3"} and msg.document is None
    msg = only_message(interchange("UNH+1+APERAK:D:96A:UN'BGM+27+X+9'UNT+3+1'"))
    assert codes(msg) == {"3"} and msg.document is None and msg.message_type == "APERAK"


def test_unreadable_date_in_a_mapped_element() -> None:
    msg = only_message(interchange(ORDERS.replace("20240301:102", "20241301:102")))
    assert not msg.accepted and codes(msg) == {"12"}
    assert msg.issues[0].segment == "DTM" and msg.issues[0].position == 3


def test_syntax4_repetition_is_reported_and_first_kept() -> None:
    body = ORDERS.replace("LIN+1++BP1:BP", "LIN+1++BP1:BP*BP2:BP")
    data = f"UNB+UNOC:4+SENDER:14+RECEIVER:14+20240301:1200+42'{body}UNZ+1+42'".encode()
    msg = only_message(data)
    assert msg.accepted and msg.document["lines"][0]["buyer_part"] == "BP1"
    assert [(i.code, i.severity) for i in msg.issues] == [("16", "warning")]


def test_data_without_terminator_is_refused_not_buffered(monkeypatch) -> None:
    from edi.codecs.edifact import syntax

    monkeypatch.setattr(syntax, "MAX_SEGMENT", 1000)
    data = b"UNB+UNOC:3+A+B+240101:1200+1'" + b"X" * 5000
    with pytest.raises(EdiSyntaxError, match="terminator"):
        read_all(data, chunk_size=256)

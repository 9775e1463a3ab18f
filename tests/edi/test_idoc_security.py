"""Hostile IDoc files: XXE, billion laughs, external DTDs, oversize. Refused with a clear error,
before anything is expanded or fetched, and the error never carries the file's content."""

from __future__ import annotations

import socket

import pytest

from edi.codecs import idoc
from edi.codecs.base import EdiSyntaxError

SECRET = "tsunagi-secret-file-content-7f3a"

BODY = b"""<ORDERS05><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1"><IDOCTYP>ORDERS05</IDOCTYP><MESTYP>ORDERS</MESTYP>
<CREDAT>20260301</CREDAT></EDI_DC40><E1EDK01 SEGMENT="1"><BELNR>&x;</BELNR></E1EDK01></IDOC></ORDERS05>"""


def xxe_file(tmp_path) -> bytes:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    return (b'<?xml version="1.0"?>\n<!DOCTYPE ORDERS05 [<!ENTITY x SYSTEM "file://' + str(secret).encode()
            + b'">]>\n' + BODY)


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE ORDERS05 [\n <!ENTITY a "ha">\n'
                  + b"".join(b' <!ENTITY %s "%s">\n' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
                             for i in range(9))
                  + b']>\n' + BODY.replace(b"&x;", b"&j;"))

EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE ORDERS05 SYSTEM "http://127.0.0.1:9/evil.dtd">\n' + BODY
PARAMETER_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]>\n'
                    + BODY)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the IDoc reader tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name", ["xxe", "billion_laughs", "external_dtd", "parameter_entity", "utf16_xxe"])
def test_hostile_files_are_refused_with_a_clear_error(name, tmp_path, no_network):
    data = {
        "xxe": lambda: xxe_file(tmp_path),
        "billion_laughs": lambda: BILLION_LAUGHS,
        "external_dtd": lambda: EXTERNAL_DTD,
        "parameter_entity": lambda: PARAMETER_ENTITY,
        "utf16_xxe": lambda: xxe_file(tmp_path).replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>').decode().encode("utf-16"),
    }[name]()
    with pytest.raises(EdiSyntaxError) as caught:
        idoc.read_documents(data)
    message = str(caught.value)
    assert "refused" in message or "declaration" in message
    assert SECRET not in message and "ha" * 3 not in message


def test_the_parser_itself_does_not_resolve_entities_if_the_scan_is_bypassed(tmp_path, monkeypatch, no_network):
    """Second line of defence: with the DOCTYPE scan switched off, lxml still expands nothing."""
    from edi.codecs.idoc import xml

    monkeypatch.setattr(xml, "_DECLARATION", __import__("re").compile(rb"(?!)"))
    for data in (xxe_file(tmp_path), BILLION_LAUGHS):
        with pytest.raises(EdiSyntaxError) as caught:
            idoc.read_documents(data)
        assert SECRET not in str(caught.value)


def test_oversize_files_are_refused_before_parsing():
    with pytest.raises(EdiSyntaxError, match="larger than the limit"):
        idoc.read_documents(BODY.replace(b"&x;", b"1") + b" " * 2048, max_bytes=1024)


def test_syntax_errors_name_a_position_not_the_content():
    with pytest.raises(EdiSyntaxError) as caught:
        idoc.read_documents(b"<ORDERS05><IDOC><BELNR>" + SECRET.encode() + b"</WRONG></IDOC></ORDERS05>")
    assert "line 1" in str(caught.value) and SECRET not in str(caught.value)

"""SAP IDoc XML codec: round trips for every IDoc type, the documented segment mapping, SAP
number and date forms, refusals."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from edi.codecs import detect, idoc
from edi.codecs.base import CanonicalError, EdiSyntaxError, UnsupportedDocument
from edi.codecs.canonical import validate_document

ALPHABET = string.ascii_letters + string.digits + " .,-/()'+:?*=&%<>\"äöüéßÅ日本語"
words = st.text(ALPHABET, min_size=1, max_size=35).map(str.strip).filter(bool)
codes = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=10)
numbers = st.integers(min_value=1, max_value=999999).map(str)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2069, 12, 31)).map(date.isoformat)


@st.composite
def decimals(draw) -> str:
    whole = draw(st.integers(min_value=0, max_value=9999999))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=3)))
    return f"{whole}.{frac}" if frac else str(whole)


@st.composite
def party(draw) -> dict:
    p = {"id": draw(codes)}
    if draw(st.booleans()):
        p["name"] = draw(words)
    return p


def header(draw, kind: str) -> dict:
    return {"type": kind, "id": draw(codes), "issued": draw(dates), "sender": draw(codes),
            "receiver": draw(codes), "control_number": draw(numbers)}


def maybe(draw, target: dict, key: str, strategy) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


def parts(draw, line: dict) -> None:
    line["buyer_part"] = draw(codes)
    maybe(draw, line, "supplier_part", codes)
    maybe(draw, line, "gtin", st.text(string.digits, min_size=8, max_size=14))
    maybe(draw, line, "description", words)


@st.composite
def purchase_order(draw) -> dict:
    doc = header(draw, "purchase_order")
    doc["purpose"] = draw(st.sampled_from(["original", "replace", "cancel"]))
    doc["revision"] = draw(st.integers(min_value=0, max_value=10**9 - 1))
    maybe(draw, doc, "currency", st.sampled_from(["USD", "JPY", "EUR"]))
    for role in ("buyer", "supplier", "ship_to"):
        maybe(draw, doc, role, party())
    maybe(draw, doc, "delivery_date", dates)
    lines = []
    for n in draw(st.lists(numbers, min_size=1, max_size=4, unique=True)):
        line = {"line": n}
        parts(draw, line)
        line["quantity"] = draw(decimals())
        maybe(draw, line, "unit", st.sampled_from(["PCE", "KGM", "MTR"]))
        maybe(draw, line, "price", decimals())
        maybe(draw, line, "delivery_date", dates)
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def order_response(draw) -> dict:
    doc = header(draw, "order_response")
    doc["order"] = draw(codes)
    doc["status"] = draw(st.sampled_from(["accepted", "changed", "rejected"]))
    maybe(draw, doc, "buyer", party())
    maybe(draw, doc, "supplier", party())
    lines = []
    for n in draw(st.lists(numbers, min_size=1, max_size=4, unique=True)):
        line = {"line": n}
        parts(draw, line)
        line["status"] = draw(st.sampled_from(["accepted", "changed", "rejected"]))
        maybe(draw, line, "quantity", decimals())
        maybe(draw, line, "unit", st.just("PCE"))
        maybe(draw, line, "price", decimals())
        if "quantity" in line:
            maybe(draw, line, "delivery_date", dates)
        maybe(draw, line, "reason", st.text(ALPHABET, min_size=1, max_size=200).map(str.strip).filter(
            lambda s: s and all(len(s[i:i + 70]) == len(s[i:i + 70].strip()) for i in range(0, len(s), 70))))
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def despatch_advice(draw) -> dict:
    doc = header(draw, "despatch_advice")
    maybe(draw, doc, "shipped", dates)
    maybe(draw, doc, "expected_delivery", dates)
    for role in ("supplier", "buyer", "ship_to", "carrier"):
        maybe(draw, doc, role, party())
    maybe(draw, doc, "tracking", codes)
    order = draw(codes)
    numbers_ = draw(st.lists(numbers, min_size=1, max_size=4, unique=True))
    lines = []
    for n in numbers_:
        line = {"line": n}
        parts(draw, line)
        line["quantity"] = draw(decimals())
        maybe(draw, line, "unit", st.just("PCE"))
        line["order"] = order
        maybe(draw, line, "order_line", numbers)
        maybe(draw, line, "lot", st.text(string.ascii_uppercase + string.digits + "-", min_size=1, max_size=20))
        maybe(draw, line, "serials", st.lists(codes, min_size=1, max_size=3))
        lines.append(line)
    doc["lines"] = lines
    doc["order"] = order
    if draw(st.booleans()):
        pallet = {"id": "1", "sscc": "100000000000000001", "type": "PLT"}
        carton = {"id": "2", "sscc": "100000000000000002", "type": "CTN", "parent": "1",
                  "lines": [numbers_[0]]}
        doc["packages"] = [pallet, carton]
    return doc


@st.composite
def invoice(draw) -> dict:
    doc = header(draw, "invoice")
    doc["kind"] = draw(st.sampled_from(["invoice", "credit_note"]))
    maybe(draw, doc, "order", codes)
    maybe(draw, doc, "currency", st.sampled_from(["USD", "JPY"]))
    doc["total"] = draw(decimals())
    maybe(draw, doc, "subtotal", decimals())
    maybe(draw, doc, "tax", decimals())
    maybe(draw, doc, "buyer", party())
    maybe(draw, doc, "supplier", party())
    lines = []
    for n in draw(st.lists(numbers, min_size=0, max_size=4, unique=True)):
        line = {"line": n}
        parts(draw, line)
        maybe(draw, line, "quantity", decimals())
        maybe(draw, line, "unit", st.just("PCE"))
        maybe(draw, line, "price", decimals())
        maybe(draw, line, "amount", decimals())
        maybe(draw, line, "order", codes)
        lines.append(line)
    doc["lines"] = lines
    return doc


@pytest.mark.parametrize("strategy", [purchase_order, order_response, despatch_advice, invoice],
                         ids=lambda s: s.__name__)
def test_round_trip(strategy):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(strategy(), min_size=1, max_size=3))
    def check(docs):
        for doc in docs:
            assert validate_document(doc) == [], doc
        data = idoc.write_documents(docs)
        assert detect(data[:4096]) == "idoc"
        assert idoc.read_documents(data) == docs

    check()


ORDERS05 = b"""<?xml version="1.0" encoding="UTF-8"?>
<ORDERS05>
 <IDOC BEGIN="1">
  <EDI_DC40 SEGMENT="1"><TABNAM>EDI_DC40</TABNAM><DOCNUM>0000000000481516</DOCNUM><IDOCTYP>ORDERS05</IDOCTYP>
   <MESTYP>ORDERS</MESTYP><SNDPRN>PRDCLNT100</SNDPRN><RCVPRN>TSUNAGI</RCVPRN><CREDAT>20260301</CREDAT><CRETIM>101500</CRETIM></EDI_DC40>
  <E1EDK01 SEGMENT="1"><CURCY>JPY</CURCY><BSART>NB</BSART><BELNR>4500012345</BELNR></E1EDK01>
  <E1EDK03 SEGMENT="1"><IDDAT>012</IDDAT><DATUM>20260301</DATUM></E1EDK03>
  <E1EDKA1 SEGMENT="1"><PARVW>LF</PARVW><PARTN>SAKURA</PARTN><NAME1>Sakura Passive Components</NAME1></E1EDKA1>
  <E1EDKA1 SEGMENT="1"><PARVW>WE</PARVW><PARTN>NGO1</PARTN></E1EDKA1>
  <E1EDP01 SEGMENT="1"><POSEX>00010</POSEX><MENGE>  20000.000</MENGE><MENEE>PCE</MENEE><VPREI>0.12</VPREI>
   <E1EDP20 SEGMENT="1"><WMENG>20000</WMENG><EDATU>20260415</EDATU></E1EDP20>
   <E1EDP19 SEGMENT="1"><QUALF>001</QUALF><IDTNR>R-0402-10K</IDTNR><KTEXT>Resistor 10k</KTEXT></E1EDP19>
   <E1EDP19 SEGMENT="1"><QUALF>002</QUALF><IDTNR>SK-RC0402-10K</IDTNR></E1EDP19>
  </E1EDP01>
  <E1EDP01 SEGMENT="1"><POSEX>00020</POSEX><MENGE>5,5-</MENGE><MENEE>PCE</MENEE>
   <E1EDP19 SEGMENT="1"><QUALF>001</QUALF><IDTNR>C-0402-100N</IDTNR></E1EDP19>
  </E1EDP01>
 </IDOC>
</ORDERS05>"""


def test_a_sap_orders05_reads_as_the_documented_purchase_order():
    [doc] = idoc.read_documents(ORDERS05)
    assert doc["id"] == "4500012345" and doc["issued"] == "2026-03-01" and doc["currency"] == "JPY"
    assert (doc["sender"], doc["receiver"], doc["control_number"]) == ("PRDCLNT100", "TSUNAGI", "481516")
    assert doc["supplier"] == {"id": "SAKURA", "name": "Sakura Passive Components"}
    assert doc["ship_to"] == {"id": "NGO1"}
    # no revision in the IDoc: the creation time orders them (seconds since 2000-01-01 UTC)
    assert doc["revision"] == 825_675_300
    first, second = doc["lines"]
    assert first == {"line": "00010", "buyer_part": "R-0402-10K", "description": "Resistor 10k",
                     "supplier_part": "SK-RC0402-10K", "quantity": "20000.000", "unit": "PCE", "price": "0.12",
                     "delivery_date": "2026-04-15"}
    assert second["quantity"] == "-5.5"  # SAP's decimal comma and trailing minus
    assert validate_document(doc) == []


def test_delvry03_carries_the_asn_number_in_lifex_and_the_order_in_e1edl41():
    doc = {"type": "despatch_advice", "id": "ASN-2026-0001", "issued": "2026-03-01", "sender": "ALPHA",
           "receiver": "TSUNAGI", "control_number": "7", "shipped": "2026-03-01", "order": "4500012345",
           "lines": [{"line": "1", "buyer_part": "R-0402-10K", "quantity": "100", "unit": "PCE",
                      "order": "4500012345", "order_line": "10", "lot": "LOT-2026-03-ABCDEF"}]}
    root = etree.fromstring(idoc.write_documents([doc]))
    assert root.tag == "DELVRY03"
    assert root.findtext("IDOC/E1EDL20/LIFEX") == "ASN-2026-0001"
    item = root.find("IDOC/E1EDL20/E1EDL24")
    assert (item.findtext("MATNR"), item.findtext("LFIMG"), item.findtext("VRKME")) == ("R-0402-10K", "100", "PCE")
    assert item.findtext("LICHN") == "LOT-2026-03-ABCDEF" and item.find("CHARG") is None  # too long for CHARG
    assert (item.findtext("E1EDL41/BSTNR"), item.findtext("E1EDL41/POSEX")) == ("4500012345", "10")


def test_writer_refusals():
    with pytest.raises(CanonicalError):
        idoc.write_documents([])
    with pytest.raises(CanonicalError):
        idoc.write_documents([{"type": "invoice", "id": "x"}])  # invalid canonical document
    po = {"type": "purchase_order", "id": "1", "issued": "2026-01-01", "sender": "A", "receiver": "B",
          "control_number": "1", "purpose": "original", "lines": []}
    inv = {"type": "invoice", "id": "1", "issued": "2026-01-01", "sender": "A", "receiver": "B",
           "control_number": "1", "kind": "invoice", "total": "1", "lines": []}
    with pytest.raises(CanonicalError, match="one IDoc basic type per file"):
        idoc.write_documents([po, inv])


@pytest.mark.parametrize("data, error", [
    (b"<ORDERS05/>", EdiSyntaxError),
    (b"<ORDERS05><IDOC BEGIN='1'></IDOC></ORDERS05>", EdiSyntaxError),
    (b"<MATMAS05><IDOC><EDI_DC40><IDOCTYP>MATMAS05</IDOCTYP></EDI_DC40></IDOC></MATMAS05>", UnsupportedDocument),
    (ORDERS05.replace(b"20260415", b"20261315"), EdiSyntaxError),
    (ORDERS05.replace(b"0.12", b"twelve"), EdiSyntaxError),
    (ORDERS05[:300], EdiSyntaxError),
])
def test_broken_files_raise_typed_errors(data, error):
    with pytest.raises(error):
        idoc.read_documents(data)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.builds(lambda cut, junk: ORDERS05[:cut] + junk + ORDERS05[cut:],
                                            st.integers(0, len(ORDERS05)), st.binary(max_size=8)))
def test_garbage_raises_only_codec_errors(data):
    from edi.codecs.base import EdiError

    try:
        idoc.read_documents(data)
    except EdiError:
        pass

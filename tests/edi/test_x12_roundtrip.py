"""Property tests: canonical -> X12 -> canonical gives back the same document, for every type.

The strategies generate documents in the form the X12 reader produces (see the X12 notes in
docs/canonical.md): 856 lines in hierarchy order and carrying their order, 810 totals with two
decimals, 855 units only with quantities, and so on.
"""

from __future__ import annotations

import io
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.codecs.base import MessageResult
from edi.codecs.canonical import validate_document
from edi.codecs.x12 import read, write
from edi.codecs.x12.dictionary import describe
from edi.codecs.x12.units import REC20_TO_X12

HEAD = {"sender": "BUYER01", "receiver": "SUPPLIER01", "control_number": "000000777"}
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_SAFE = string.ascii_letters + string.digits + " .,/()&#-+@?%$=;_"  # no delimiter used below
text = st.text(alphabet=_SAFE, min_size=1, max_size=30).map(str.strip).filter(bool)
code = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=2, max_size=20)
line_no = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=6)
dates = st.dates(min_value=__import__("datetime").date(2000, 1, 1),
                 max_value=__import__("datetime").date(2099, 12, 31)).map(lambda d: d.isoformat())
qty = st.from_regex(r"[1-9][0-9]{0,5}(\.[0-9]{1,3})?", fullmatch=True)
money = st.from_regex(r"-?[1-9][0-9]{0,6}\.[0-9]{2}", fullmatch=True)
# canonical units are Rec. 20: codes the X12 table translates (PCE <-> PC...) and two-character
# codes outside its X12 column, which pass through unchanged
unit = st.one_of(st.sampled_from(sorted(REC20_TO_X12)),
                 st.sampled_from(["EA", "PR", "BX", "PK", "KT"]))
currency = st.sampled_from(["USD", "EUR", "JPY", "CNY"])


@st.composite
def party(draw):
    p = {}
    if draw(st.booleans()):
        p["id"] = draw(code)
        q = draw(st.sampled_from([None, "1", "9", "92", "UL", "91"]))
        if q:
            p["qualifier"] = q
    if draw(st.booleans()) or not p:
        p["name"] = draw(text)
    return p


@st.composite
def parts(draw, need_one=False):
    out = {}
    for key, strat in (("buyer_part", code), ("supplier_part", code),
                       ("gtin", st.from_regex(r"[0-9]{8,14}", fullmatch=True))):
        if draw(st.booleans()):
            out[key] = draw(strat)
    if need_one and not out:
        out["buyer_part"] = draw(code)
    return out


def optional(draw, doc, key, strat):
    if draw(st.booleans()):
        doc[key] = draw(strat)


def header(kind, draw):
    return {"type": kind, **HEAD, "id": draw(code), "issued": draw(dates)}


def numbers(draw, n):
    return draw(st.lists(line_no, min_size=n, max_size=n, unique=True))


@st.composite
def purchase_orders(draw):
    change = draw(st.booleans())
    doc = header("purchase_order", draw)
    doc["id"] = doc["id"][:22]
    doc["purpose"] = draw(st.sampled_from(["change", "cancel"] if change
                                          else ["original", "replace"]))
    optional(draw, doc, "currency", currency)
    for key in ("buyer", "supplier", "ship_to"):
        optional(draw, doc, key, party())
    optional(draw, doc, "delivery_date", dates)
    lines = []
    for n in numbers(draw, draw(st.integers(0 if change else 1, 5))):  # an 850 needs a PO1
        line = {"line": n, **draw(parts())}
        optional(draw, line, "description", text)
        if draw(st.booleans()):
            line["quantity"] = draw(qty)
            optional(draw, line, "unit", unit)
        optional(draw, line, "price", qty)
        optional(draw, line, "delivery_date", dates)
        if change:
            optional(draw, line, "action", st.sampled_from(["add", "change", "cancel"]))
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def order_responses(draw):
    doc = header("order_response", draw)
    doc["order"] = draw(code) if draw(st.booleans()) else doc["id"]
    doc["status"] = draw(st.sampled_from(["accepted", "changed", "rejected"]))
    for key in ("buyer", "supplier"):
        optional(draw, doc, key, party())
    lines = []
    for n in numbers(draw, draw(st.integers(0, 5))):
        line = {"line": n, **draw(parts()),
                "status": draw(st.sampled_from(["accepted", "changed", "rejected"]))}
        optional(draw, line, "description", text)
        if draw(st.booleans()):
            line["quantity"] = draw(qty)
            optional(draw, line, "unit", unit)
        optional(draw, line, "price", qty)
        optional(draw, line, "delivery_date", dates)
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def despatch_advices(draw):
    doc = header("despatch_advice", draw)
    for key in ("shipped", "expected_delivery"):
        optional(draw, doc, key, dates)
    for key in ("supplier", "buyer", "ship_to"):
        optional(draw, doc, key, party())
    if draw(st.booleans()):
        carrier = {}
        if draw(st.booleans()):
            carrier["id"] = draw(code)
        if draw(st.booleans()) or not carrier:
            carrier["name"] = draw(text)
        doc["carrier"] = carrier
    optional(draw, doc, "tracking", code)
    numbers_ = iter(numbers(draw, 12))
    orders = draw(st.lists(code, min_size=1, max_size=3, unique=True))
    with_orders = draw(st.booleans())

    def make_line(order):
        line = {"line": next(numbers_), **draw(parts(need_one=True)), "quantity": draw(qty),
                "unit": draw(unit)}
        optional(draw, line, "description", text)
        if order:
            line["order"] = order
        optional(draw, line, "order_line", line_no)
        optional(draw, line, "lot", code)
        if draw(st.booleans()):
            line["serials"] = draw(st.lists(code, min_size=1, max_size=3))
        return line

    lines, packages = [], []
    boxed = draw(st.booleans())
    if boxed:  # one order; a pallet holding cartons, in hierarchy (depth-first) order
        order = orders[0] if with_orders else None
        ids = iter(draw(st.lists(st.text(alphabet="PKG0123456789", min_size=1, max_size=12),
                                 min_size=4, max_size=4, unique=True)))
        pallet = {"id": next(ids)}
        optional(draw, pallet, "sscc", st.from_regex(r"[0-9]{18}", fullmatch=True))
        optional(draw, pallet, "type", st.sampled_from(["PLT94", "PX", "CTN25"]))
        packages.append(pallet)
        for _ in range(draw(st.integers(1, 3))):
            carton = {"id": next(ids), "parent": pallet["id"]}
            optional(draw, carton, "type", st.sampled_from(["CTN25", "CT", "BX", "PLT94"]))
            packed = [make_line(order) for _ in range(draw(st.integers(0, 2)))]
            if packed:
                carton["lines"] = [ln["line"] for ln in packed]
            lines += packed
            packages.append(carton)
        lines += [make_line(order) for _ in range(draw(st.integers(0, 2)))]
    else:
        for order in (orders if with_orders else [None]):
            lines += [make_line(order) for _ in range(draw(st.integers(1, 2)))]
    distinct = {ln.get("order") for ln in lines}
    if len(distinct) == 1 and None not in distinct:
        doc["order"] = distinct.pop()
    doc["lines"] = lines
    if packages:
        doc["packages"] = packages
    return doc


@st.composite
def delivery_schedules(draw):
    doc = header("delivery_schedule", draw)
    start, end = sorted([draw(dates), draw(dates)])
    doc["horizon_start"], doc["horizon_end"] = start, end
    for key in ("buyer", "supplier", "ship_to"):
        optional(draw, doc, key, party())
    lines = []
    for _ in range(draw(st.integers(1, 3))):  # an 830 needs a LIN
        line = dict(draw(parts(need_one=True)))
        if draw(st.booleans()):
            line["line"] = draw(line_no)
        optional(draw, line, "unit", unit)
        optional(draw, line, "description", text)
        periods = []
        for _ in range(draw(st.integers(0, 4))):
            a, b = sorted([draw(dates), draw(dates)])
            periods.append({"start": a, "end": b, "quantity": draw(qty),
                            "commitment": draw(st.sampled_from(["firm", "planned"]))})
        line["schedule"] = periods
        lines.append(line)
    numbers_ = [ln["line"] for ln in lines if "line" in ln]
    if len(numbers_) != len(set(numbers_)):
        for ln in lines:
            ln.pop("line", None)
    doc["lines"] = lines
    return doc


@st.composite
def invoices(draw):
    doc = header("invoice", draw)
    doc["id"] = doc["id"][:22]
    doc["kind"] = draw(st.sampled_from(["invoice", "credit_note"]))
    optional(draw, doc, "order", code)
    optional(draw, doc, "currency", currency)
    doc["total"] = draw(money)
    optional(draw, doc, "subtotal", money)
    optional(draw, doc, "tax", qty)
    for key in ("buyer", "supplier"):
        optional(draw, doc, key, party())
    lines = []
    for n in numbers(draw, draw(st.integers(0, 4))):
        line = {"line": n, **draw(parts())}
        optional(draw, line, "description", text)
        if draw(st.booleans()):
            line["quantity"], line["unit"] = draw(qty), draw(unit)
        optional(draw, line, "price", qty)
        optional(draw, line, "order", code)
        lines.append(line)
    doc["lines"] = lines
    return doc


seg_tag = st.from_regex(r"[A-Z][A-Z0-9]{1,2}", fullmatch=True)


@st.composite
def errors_of_a_set(draw):
    errors = []
    used = set()
    for _ in range(draw(st.integers(0, 3))):
        seg, pos = draw(seg_tag), draw(st.integers(1, 9999))
        if (seg, pos) in used:
            continue
        used.add((seg, pos))
        if draw(st.booleans()):
            c = draw(st.sampled_from(["1", "2", "3", "4", "5", "6", "7"]))
            errors.append({"segment": seg, "position": pos, "code": c,
                           "message": describe("segment", c)})
        for _ in range(draw(st.integers(0 if errors and errors[-1]["segment"] == seg else 1,
                                        3))):
            element = str(draw(st.integers(1, 99)))
            if draw(st.booleans()):
                element += "." + str(draw(st.integers(1, 99)))
            c = draw(st.sampled_from([str(i) for i in range(1, 11)]))
            errors.append({"segment": seg, "position": pos, "element": element, "code": c,
                           "message": describe("element", c)})
    for c in draw(st.lists(st.sampled_from(["1", "2", "3", "4", "5", "23"]), max_size=3,
                           unique=True)):
        errors.append({"code": c, "message": describe("message", c)})
    return errors


@st.composite
def functional_acks(draw):
    doc = header("functional_ack", draw)
    doc["id"] = draw(st.from_regex(r"[0-9]{4,9}", fullmatch=True))
    doc["level"] = "group"
    doc["acknowledged"] = doc["group"] = draw(st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True))
    doc["functional_id"] = draw(st.sampled_from(["PO", "SH", "IN", "PR"]))
    doc["status"] = draw(st.sampled_from(["accepted", "rejected", "partially_accepted"]))
    doc["errors"] = [{"code": c, "message": describe("group", c)} for c in
                     draw(st.lists(st.sampled_from(["1", "2", "3", "4", "5", "6"]),
                                   max_size=2, unique=True))]
    messages = []
    for ref in draw(st.lists(st.from_regex(r"[0-9]{4,9}", fullmatch=True), max_size=4,
                             unique=True)):
        messages.append({"ref": ref, "type": draw(st.sampled_from(["850", "856", "810"])),
                         "status": draw(st.sampled_from(["accepted", "rejected"])),
                         "errors": draw(errors_of_a_set())})
    doc["messages"] = messages
    return doc


@st.composite
def interchange_acks(draw):
    doc = header("functional_ack", draw)
    doc["issued"] = draw(dates.filter(lambda d: d < "2070"))  # TA102 is YYMMDD
    doc["acknowledged"] = doc["id"] = draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
    doc["level"] = "interchange"
    doc["status"] = draw(st.sampled_from(["accepted", "rejected"]))
    doc["errors"] = []
    if draw(st.booleans()) or doc["status"] == "rejected":
        c = draw(st.sampled_from(["001", "004", "021", "022", "023", "025"]))
        doc["errors"] = [{"code": c, "message": describe("interchange", c)}]
    doc["messages"] = []
    return doc


delimiters = st.sampled_from([("*", ">", "~"), ("|", "^", "\n"), ("\x7f", ">", "\x15"),
                              ("*", ":", "'")])


def roundtrip(docs, version="00401", seps=("*", ">", "~")):
    for doc in docs:
        assert validate_document(doc) == [], doc
    e, c, t = seps
    data = write(docs, **HEAD, version=version, element_sep=e, component_sep=c, segment_term=t,
                 repetition_sep="^" if "^" not in seps else "!")
    results = [r for r in read(io.BytesIO(data)) if isinstance(r, MessageResult)]
    assert all(r.accepted and not r.issues for r in results), \
        [str(i) for r in results for i in r.issues]
    return [r.document for r in results]


@SETTINGS
@given(st.lists(purchase_orders(), min_size=1, max_size=3), st.sampled_from(["00401", "00501"]),
       delimiters)
def test_purchase_orders_850_860(docs, version, seps):
    # one GS per functional id: 850s (PO) and 860s (PC) come back grouped
    assert sorted(roundtrip(docs, version, seps), key=_key) == sorted(docs, key=_key)


def _key(doc):
    return __import__("json").dumps(doc, sort_keys=True)


@SETTINGS
@given(order_responses(), st.sampled_from(["00401", "00501"]), delimiters)
def test_order_response_855(doc, version, seps):
    assert roundtrip([doc], version, seps) == [doc]


@SETTINGS
@given(despatch_advices(), st.sampled_from(["00401", "00501"]), delimiters)
def test_despatch_advice_856(doc, version, seps):
    assert roundtrip([doc], version, seps) == [doc]


@SETTINGS
@given(delivery_schedules(), st.sampled_from(["00401", "00501"]), delimiters)
def test_delivery_schedule_830(doc, version, seps):
    assert roundtrip([doc], version, seps) == [doc]


@SETTINGS
@given(invoices(), st.sampled_from(["00401", "00501"]), delimiters)
def test_invoice_810(doc, version, seps):
    assert roundtrip([doc], version, seps) == [doc]


@SETTINGS
@given(st.lists(functional_acks(), min_size=1, max_size=3, unique_by=lambda d: d["id"]),
       st.sampled_from(["00401", "00501"]), delimiters)
def test_functional_ack_997_999(docs, version, seps):
    assert roundtrip(docs, version, seps) == docs


@SETTINGS
@given(interchange_acks(), delimiters)
def test_interchange_ack_ta1(doc, seps):
    assert roundtrip([doc], "00401", seps) == [doc]

"""Hypothesis strategies for canonical documents (docs/canonical.md).

The documents generated are the ones an EDIFACT round trip must reproduce exactly; where the
canonical form allows more than EDIFACT carries, the generator keeps to the documented
constraints (names of at most 35 characters, despatch lines in message order, CONTRL errors
grouped by segment position).
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from edi.codecs.edifact.tables import d96a

# printable text including every EDIFACT service character, so escaping is exercised
TEXT_ALPHABET = string.ascii_letters + string.digits + " .,-/()'+:?*=&%äöüéßÅ"
text = lambda n=35: st.text(TEXT_ALPHABET, min_size=1, max_size=n)  # noqa: E731
code = lambda n: st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=n)  # noqa: E731
ident = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=14)
dates = st.dates(min_value=__import__("datetime").date(2000, 1, 1),
                 max_value=__import__("datetime").date(2069, 12, 31)).map(lambda d: d.isoformat())


@st.composite
def decimals(draw, negative: bool = False) -> str:
    whole = draw(st.integers(min_value=-99999999 if negative else 0, max_value=99999999))
    frac = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=4)))
    return f"{whole}.{frac}" if frac else str(whole)


@st.composite
def party(draw, qualifier: bool = True) -> dict:
    p: dict = {}
    if draw(st.booleans()):
        p["id"] = draw(code(17))
        if qualifier and draw(st.booleans()):
            p["qualifier"] = draw(st.sampled_from(["9", "91", "92", "16", "ZZZ"]))
    if not p or draw(st.booleans()):
        p["name"] = draw(text())
    return p


def optional(draw, doc: dict, key: str, strategy) -> None:
    if draw(st.booleans()):
        doc[key] = draw(strategy)


@st.composite
def header(draw, type_: str) -> dict:
    return {"type": type_, "id": draw(text()), "issued": draw(dates), "sender": draw(ident),
            "receiver": draw(ident), "control_number": draw(ident)}


# EDIFACT LIN 1082 is numeric (n..6); X12 allows letters
line_numbers = st.lists(st.text(string.digits, min_size=1, max_size=6),
                        min_size=0, max_size=6, unique=True)


def item(draw, line: dict) -> None:
    for key in ("buyer_part", "supplier_part", "gtin"):
        optional(draw, line, key, code(35))
    optional(draw, line, "description", text())


@st.composite
def purchase_order(draw) -> dict:
    doc = draw(header("purchase_order"))
    doc["purpose"] = draw(st.sampled_from(["original", "replace", "change", "cancel"]))
    optional(draw, doc, "currency", st.sampled_from(["EUR", "USD", "JPY", "CNY"]))
    for key in ("buyer", "supplier", "ship_to"):
        optional(draw, doc, key, party())
    optional(draw, doc, "delivery_date", dates)
    lines = []
    for number in draw(line_numbers):
        line = {"line": number}
        item(draw, line)
        if draw(st.booleans()):
            line["quantity"] = draw(decimals())
            optional(draw, line, "unit", code(3))
        optional(draw, line, "price", decimals())
        optional(draw, line, "delivery_date", dates)
        if doc["purpose"] in ("change", "cancel"):
            optional(draw, line, "action", st.sampled_from(["add", "change", "cancel"]))
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def order_response(draw) -> dict:
    doc = draw(header("order_response"))
    doc["order"] = draw(text())
    doc["status"] = draw(st.sampled_from(["accepted", "changed", "rejected"]))
    for key in ("buyer", "supplier"):
        optional(draw, doc, key, party())
    lines = []
    for number in draw(line_numbers):
        line = {"line": number, "status": draw(st.sampled_from(["accepted", "changed", "rejected"]))}
        item(draw, line)
        if draw(st.booleans()):
            line["quantity"] = draw(decimals())
            optional(draw, line, "unit", code(3))
        optional(draw, line, "price", decimals())
        optional(draw, line, "delivery_date", dates)
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def despatch_advice(draw) -> dict:
    doc = draw(header("despatch_advice"))
    for key in ("shipped", "expected_delivery"):
        optional(draw, doc, key, dates)
    optional(draw, doc, "order", text())
    optional(draw, doc, "tracking", text())
    for key in ("supplier", "buyer", "ship_to"):
        optional(draw, doc, key, party())
    optional(draw, doc, "carrier", party(qualifier=False))
    numbers = draw(line_numbers)
    lines = {}
    for number in numbers:
        line = {"line": number, "quantity": draw(decimals())}
        item(draw, line)
        optional(draw, line, "unit", code(3))
        if draw(st.booleans()):
            line["order"] = draw(text())
            optional(draw, line, "order_line", st.text(string.digits, min_size=1, max_size=6))
        optional(draw, line, "lot", code(35))
        optional(draw, line, "serials", st.lists(code(20), min_size=1, max_size=12))
        lines[number] = line
    ids = draw(st.lists(st.text(string.digits + string.ascii_uppercase, min_size=1, max_size=12),
                        max_size=4, unique=True))
    packages = []
    remaining = list(numbers)
    for i, pid in enumerate(ids):
        pkg: dict = {"id": pid}
        optional(draw, pkg, "sscc", st.text(string.digits, min_size=18, max_size=18))
        optional(draw, pkg, "type", st.sampled_from(["CT", "PX", "201", "BX"]))
        if i and draw(st.booleans()):
            pkg["parent"] = draw(st.sampled_from(ids[:i]))
        take = draw(st.integers(min_value=0, max_value=len(remaining)))
        if take:
            pkg["lines"], remaining = remaining[:take], remaining[take:]
        packages.append(pkg)
    # message order: unpacked lines first, then each package's lines
    order = remaining + [n for p in packages for n in p.get("lines", [])]
    doc["lines"] = [lines[n] for n in order]
    if packages:
        doc["packages"] = packages
    return doc


@st.composite
def delivery_schedule(draw) -> dict:
    doc = draw(header("delivery_schedule"))
    for key in ("buyer", "supplier", "ship_to"):
        optional(draw, doc, key, party())
    for key in ("horizon_start", "horizon_end"):
        optional(draw, doc, key, dates)
    lines = []
    for number in draw(line_numbers):
        line: dict = {}
        if draw(st.booleans()):
            line["line"] = number
        line["buyer_part"] = draw(code(35))
        optional(draw, line, "supplier_part", code(35))
        schedule = []
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            a, b = sorted([draw(dates), draw(dates)])
            schedule.append({"start": a, "end": b, "quantity": draw(decimals()),
                             "commitment": draw(st.sampled_from(["firm", "planned"]))})
        if schedule:
            optional(draw, line, "unit", code(3))
        line["schedule"] = schedule
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def invoice(draw) -> dict:
    doc = draw(header("invoice"))
    doc["kind"] = draw(st.sampled_from(["invoice", "credit_note"]))
    doc["total"] = draw(decimals(negative=True))
    optional(draw, doc, "subtotal", decimals(negative=True))
    optional(draw, doc, "tax", decimals(negative=True))
    optional(draw, doc, "order", text())
    optional(draw, doc, "currency", st.sampled_from(["EUR", "USD", "JPY"]))
    for key in ("buyer", "supplier"):
        optional(draw, doc, key, party())
    lines = []
    for number in draw(line_numbers):
        line = {"line": number}
        item(draw, line)
        if draw(st.booleans()):
            line["quantity"] = draw(decimals())
            optional(draw, line, "unit", code(3))
        optional(draw, line, "price", decimals())
        optional(draw, line, "amount", decimals(negative=True))
        optional(draw, line, "order", text())
        lines.append(line)
    doc["lines"] = lines
    return doc


@st.composite
def quality_notice(draw) -> dict:
    doc = draw(header("quality_notice"))
    doc["purpose"] = draw(st.sampled_from(["original", "replace", "cancel"]))
    optional(draw, doc, "severity", st.sampled_from(["minor", "major", "critical"]))
    optional(draw, doc, "description", text(350))
    optional(draw, doc, "closed", dates)
    for key in ("order", "despatch_advice", "receipt"):
        optional(draw, doc, key, text())
    for key in ("buyer", "supplier"):
        optional(draw, doc, key, party())
    lines = []
    for number in draw(line_numbers):
        line = {"line": number}
        item(draw, line)
        if draw(st.booleans()):
            line["quantity"] = draw(decimals())
            optional(draw, line, "unit", code(3))
        optional(draw, line, "lot", text())
        if draw(st.booleans()):
            line["defect_code"] = draw(code(17))
            optional(draw, line, "defect_description", text())
        lines.append(line)
    doc["lines"] = lines
    return doc


SYNTAX_CODES = sorted(d96a.SERVICE_CODES["0085"])
element_pos = st.builds(
    lambda p, c: f"{p}.{c}" if c else str(p),
    st.integers(min_value=1, max_value=99), st.one_of(st.none(), st.integers(min_value=1, max_value=9)),
)


def _err(code: str, **kw) -> dict:
    e = {k: v for k, v in kw.items() if v is not None}
    e["code"] = code
    e["message"] = d96a.SERVICE_CODES["0085"][code]
    return e


@st.composite
def functional_ack(draw) -> dict:
    doc = draw(header("functional_ack"))
    doc["id"] = draw(ident)
    doc["acknowledged"] = draw(ident)
    doc["level"] = "interchange"
    errors = []
    if draw(st.booleans()):
        errors.append(_err(draw(st.sampled_from(SYNTAX_CODES)),
                           segment=draw(st.one_of(st.none(), st.sampled_from(["UNB", "UNZ", "UNH"]))),
                           element=draw(st.one_of(st.none(), element_pos))))
    messages = []
    for ref in draw(st.lists(ident, max_size=4, unique=True)):
        status = draw(st.sampled_from(["accepted", "rejected"]))
        errs = []
        if draw(st.booleans()):
            errs.append(_err(draw(st.sampled_from(SYNTAX_CODES)),
                             segment=draw(st.one_of(st.none(), st.sampled_from(["BGM", "DTM", "LIN"]))),
                             element=draw(st.one_of(st.none(), element_pos))))
        for position in sorted(draw(st.lists(st.integers(min_value=1, max_value=999), max_size=3,
                                             unique=True))):
            if draw(st.booleans()):
                errs.append(_err(draw(st.sampled_from(SYNTAX_CODES)), position=position))
            for _ in range(draw(st.integers(min_value=0 if errs and errs[-1].get("position") == position else 1,
                                            max_value=2))):
                errs.append(_err(draw(st.sampled_from(SYNTAX_CODES)), position=position,
                                 element=draw(element_pos)))
        messages.append({"ref": ref, "type": draw(st.sampled_from(["ORDERS", "DESADV", "INVOIC"])),
                         "status": status, "errors": errs})
    if draw(st.booleans()):
        doc["status"] = "rejected"
    elif any(m["status"] == "rejected" for m in messages):
        doc["status"] = "partially_accepted"
    else:
        doc["status"] = "accepted"
    doc["errors"] = errors
    doc["messages"] = messages
    return doc


DOCUMENTS = {
    "purchase_order": purchase_order(),
    "order_response": order_response(),
    "despatch_advice": despatch_advice(),
    "delivery_schedule": delivery_schedule(),
    "invoice": invoice(),
    "functional_ack": functional_ack(),
    "quality_notice": quality_notice(),
}
any_document = st.one_of(*DOCUMENTS.values())

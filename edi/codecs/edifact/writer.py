"""Canonical documents -> one EDIFACT interchange (D.96A messages, CONTRL per ISO 9735).

Segments are built as lists (``[tag, element, ...]``, an element a ``str`` or a ``list`` of
components, ``None`` or ``""`` for an empty one) in the order of the D.96A segment tables, then
serialised with every service character released.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable

from edi.codecs.base import CanonicalError, InterchangeResult
from edi.codecs.canonical import validate_document
from edi.codecs.edifact.service import CONTRL_VERSION
from edi.codecs.edifact.syntax import ENCODINGS, Separators, escape
from edi.codecs.edifact.validate import checker_for, syntax_error_name

Seg = list


def _d(value: str) -> list[str]:
    """An ISO date as DTM C507 value and format 102."""
    return [value.replace("-", ""), "102"]


def _dtm(qualifier: str, value: str) -> Seg:
    return ["DTM", [qualifier, *_d(value)]]


def _split35(text: str) -> list[str]:
    """Up to 70 characters over two an..35 components, cut at a space the reader puts back."""
    if len(text) <= 35:
        return [text]
    cut = text.rfind(" ", 0, 36)
    if cut > 0 and len(text) - cut - 1 <= 35 and cut == len(text[:cut].rstrip()):
        return [text[:cut], text[cut + 1 :]]
    return [text[:35], text[35:70]]


def _nad(qualifier: str, p: dict[str, str]) -> Seg:
    c082 = [p.get("id", ""), "", p.get("qualifier", "")] if "id" in p else ""
    name = _split35(p["name"]) if "name" in p else ""
    return ["NAD", qualifier, c082, "", name]


def _item_segments(line: dict[str, Any]) -> tuple[list, Seg | None]:
    """LIN C212 (the first of buyer part, GTIN, supplier part) and a PIA with the others."""
    ids = []
    if "buyer_part" in line:
        ids.append([line["buyer_part"], "BP"])
    if "gtin" in line:
        ids.append([line["gtin"], "EN"])
    if "supplier_part" in line:
        ids.append([line["supplier_part"], "SA"])
    lin_c212 = ids[0] if ids else ""
    pia = ["PIA", "5", *ids[1:]] if len(ids) > 1 else None
    return lin_c212, pia


def _imd(line: dict[str, Any]) -> Seg | None:
    if "description" not in line:
        return None
    return ["IMD", "F", "", ["", "", "", *_split35(line["description"])]]


def _qty(qualifier: str, quantity: str, unit: str | None) -> Seg:
    return ["QTY", [qualifier, quantity, unit or ""]]


def _header(doc: dict[str, Any], doc_code: str, function: str) -> list[Seg]:
    return [["BGM", doc_code, doc["id"], function], _dtm("137", doc["issued"])]


# --- per type --------------------------------------------------------------------------------

_PO_FUNCTION = {"original": "9", "replace": "5", "change": "4", "cancel": "1"}
_PO_ACTION = {"add": "1", "cancel": "2", "change": "3"}


def _purchase_order(doc: dict[str, Any]) -> tuple[str, list[Seg]]:
    change = doc["purpose"] in ("change", "cancel")
    mtype = "ORDCHG" if change else "ORDERS"
    segs = _header(doc, "230" if change else "220", _PO_FUNCTION[doc["purpose"]])
    if "delivery_date" in doc:
        segs.append(_dtm("2", doc["delivery_date"]))
    for field, q in (("buyer", "BY"), ("supplier", "SU"), ("ship_to", "DP")):
        if field in doc:
            segs.append(_nad(q, doc[field]))
    if "currency" in doc:
        segs.append(["CUX", ["2", doc["currency"], "9"]])
    for line in doc["lines"]:
        c212, pia = _item_segments(line)
        action = _PO_ACTION.get(line.get("action", ""), "") if change else ""
        segs.append(["LIN", line["line"], action, c212])
        if pia:
            segs.append(pia)
        imd = _imd(line)
        if imd:
            segs.append(imd)
        if "quantity" in line:
            segs.append(_qty("21", line["quantity"], line.get("unit")))
        if "delivery_date" in line:
            segs.append(_dtm("2", line["delivery_date"]))
        if "price" in line:
            segs.append(["PRI", ["AAA", line["price"]]])
    segs.append(["UNS", "S"])
    return mtype, segs


_RSP_FUNCTION = {"accepted": "29", "changed": "4", "rejected": "27"}
_RSP_LINE = {"accepted": "5", "changed": "3", "rejected": "7"}


def _order_response(doc: dict[str, Any]) -> tuple[str, list[Seg]]:
    segs = _header(doc, "231", _RSP_FUNCTION[doc["status"]])
    segs.append(["RFF", ["ON", doc["order"]]])
    for field, q in (("buyer", "BY"), ("supplier", "SU")):
        if field in doc:
            segs.append(_nad(q, doc[field]))
    for line in doc["lines"]:
        c212, pia = _item_segments(line)
        segs.append(["LIN", line["line"], _RSP_LINE[line["status"]], c212])
        if pia:
            segs.append(pia)
        imd = _imd(line)
        if imd:
            segs.append(imd)
        if "quantity" in line:
            segs.append(_qty("21", line["quantity"], line.get("unit")))
        if "delivery_date" in line:
            segs.append(_dtm("2", line["delivery_date"]))
        if "price" in line:
            segs.append(["PRI", ["AAA", line["price"]]])
    segs.append(["UNS", "S"])
    return "ORDRSP", segs


def _desadv_line(line: dict[str, Any]) -> list[Seg]:
    c212, pia = _item_segments(line)
    segs: list[Seg] = [["LIN", line["line"], "", c212]]
    if pia:
        segs.append(pia)
    imd = _imd(line)
    if imd:
        segs.append(imd)
    segs.append(_qty("12", line["quantity"], line.get("unit")))
    serials = list(line.get("serials", []))
    direct, rest = serials[:500], serials[500:]
    for i in range(0, len(direct), 5):
        segs.append(["GIN", "BN", *([s] for s in direct[i : i + 5])])
    if "order" in line:
        segs.append(["RFF", ["ON", line["order"], line.get("order_line", "")]])
    if "lot" in line:
        segs += [["PCI", "10"], ["GIN", "BX", [line["lot"]]]]
    for i in range(0, len(rest), 50):
        segs.append(["PCI", "24"])
        block = rest[i : i + 50]
        for j in range(0, len(block), 5):
            segs.append(["GIN", "BN", *([s] for s in block[j : j + 5])])
    return segs


def _despatch_advice(doc: dict[str, Any]) -> tuple[str, list[Seg]]:
    segs = _header(doc, "351", "9")
    if "shipped" in doc:
        segs.append(_dtm("11", doc["shipped"]))
    if "expected_delivery" in doc:
        segs.append(_dtm("17", doc["expected_delivery"]))
    if "order" in doc:
        segs.append(["RFF", ["ON", doc["order"]]])
    if "tracking" in doc:
        segs.append(["RFF", ["CN", doc["tracking"]]])
    for field, q in (("supplier", "SU"), ("buyer", "BY"), ("ship_to", "DP")):
        if field in doc:
            segs.append(_nad(q, doc[field]))
    if "carrier" in doc:
        c = doc["carrier"]
        segs.append(["TDT", "20", "", "", "", [c.get("id", ""), "", "", c.get("name", "")]])
    lines = {line["line"]: line for line in doc["lines"]}
    packed: set[str] = set()
    packages = doc.get("packages", [])
    for pkg in packages:
        packed.update(n for n in pkg.get("lines", []))
    unpacked = [line for line in doc["lines"] if line["line"] not in packed]
    if unpacked or not packages:
        ids = {p["id"] for p in packages}
        n = 1
        while str(n) in ids:
            n += 1
        segs.append(["CPS", str(n)])
        for line in unpacked:
            segs += _desadv_line(line)
    written: set[str] = set()
    for pkg in packages:
        segs.append(["CPS", pkg["id"], pkg.get("parent", "")])
        segs.append(["PAC", "1", "", [pkg["type"]] if "type" in pkg else ""])
        if "sscc" in pkg:
            segs += [["PCI", "33E"], ["GIN", "BJ", [pkg["sscc"]]]]
        for number in pkg.get("lines", []):
            if number in lines and number not in written:  # a line is written once
                written.add(number)
                segs += _desadv_line(lines[number])
    return "DESADV", segs


def _delivery_schedule(doc: dict[str, Any]) -> tuple[str, list[Seg]]:
    segs = _header(doc, "241", "9")
    if "horizon_start" in doc:
        segs.append(_dtm("158", doc["horizon_start"]))
    if "horizon_end" in doc:
        segs.append(_dtm("159", doc["horizon_end"]))
    for field, q in (("buyer", "BY"), ("supplier", "SU")):
        if field in doc:
            segs.append(_nad(q, doc[field]))
    segs.append(["UNS", "D"])
    if "ship_to" in doc:
        segs.append(_nad("ST", doc["ship_to"]))
    for line in doc["lines"]:
        c212, pia = _item_segments(line)
        segs.append(["LIN", line.get("line", ""), "", c212])
        if pia:
            segs.append(pia)
        imd = _imd(line)
        if imd:
            segs.append(imd)
        for period in line["schedule"]:
            segs.append(_qty("1", period["quantity"], line.get("unit")))
            segs.append(["SCC", "1" if period["commitment"] == "firm" else "4"])
            segs.append(_dtm("158", period["start"]))
            segs.append(_dtm("159", period["end"]))
    segs.append(["UNS", "S"])
    return "DELFOR", segs


def _invoice(doc: dict[str, Any]) -> tuple[str, list[Seg]]:
    segs = _header(doc, "381" if doc["kind"] == "credit_note" else "380", "9")
    if "order" in doc:
        segs.append(["RFF", ["ON", doc["order"]]])
    for field, q in (("buyer", "BY"), ("supplier", "SU")):
        if field in doc:
            segs.append(_nad(q, doc[field]))
    if "currency" in doc:
        segs.append(["CUX", ["2", doc["currency"], "4"]])
    for line in doc["lines"]:
        c212, pia = _item_segments(line)
        segs.append(["LIN", line["line"], "", c212])
        if pia:
            segs.append(pia)
        imd = _imd(line)
        if imd:
            segs.append(imd)
        if "quantity" in line:
            segs.append(_qty("47", line["quantity"], line.get("unit")))
        if "amount" in line:
            segs.append(["MOA", ["203", line["amount"]]])
        if "price" in line:
            segs.append(["PRI", ["AAA", line["price"]]])
        if "order" in line:
            segs.append(["RFF", ["ON", line["order"]]])
    segs.append(["UNS", "S"])
    segs.append(["MOA", ["77", doc["total"]]])
    if "subtotal" in doc:
        segs.append(["MOA", ["79", doc["subtotal"]]])
    if "tax" in doc:
        segs += [["TAX", "7", ["VAT"]], ["MOA", ["124", doc["tax"]]]]
    return "INVOIC", segs


_QN_FUNCTION = {"original": "9", "replace": "5", "cancel": "1"}


def _ftx_lines(text: str) -> list[str]:
    """Up to five an..70 lines; a cut falls after a space, which stays on its line, so the
    reader gets the text back by joining the lines as they are."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < 5:
        if len(rest) <= 70:
            lines.append(rest)
            rest = ""
            break
        cut = rest.rfind(" ", 0, 70) + 1
        cut = cut if cut > 0 else 70
        lines.append(rest[:cut])
        rest = rest[cut:]
    if rest:  # words too long to wrap: cut every 70 characters instead
        lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return lines


def _quality_notice(doc: dict[str, Any]) -> tuple[str, list[Seg]]:
    """A non-conformance as QALITY: BGM 20 (quality data message), the defect as CCI C240."""
    segs = _header(doc, "20", _QN_FUNCTION[doc["purpose"]])
    if "closed" in doc:
        segs.append(_dtm("164", doc["closed"]))
    if "description" in doc:
        segs.append(["FTX", "ACL", "", "", _ftx_lines(doc["description"])])
    if "severity" in doc:
        segs.append(["FTX", "PRI", "", "", [doc["severity"]]])
    for field, q in (("order", "ON"), ("despatch_advice", "AAK"), ("receipt", "ALO")):
        if field in doc:
            segs.append(["RFF", [q, doc[field]]])
    for field, q in (("buyer", "BY"), ("supplier", "SU")):
        if field in doc:
            segs.append(_nad(q, doc[field]))
    for line in doc["lines"]:
        c212, pia = _item_segments(line)
        segs.append(["LIN", line["line"], "", c212])
        if pia:
            segs.append(pia)
        imd = _imd(line)
        if imd:
            segs.append(imd)
        if "quantity" in line:
            segs.append(_qty("96", line["quantity"], line.get("unit")))
        if "lot" in line:
            segs.append(["RFF", ["BT", line["lot"]]])
        if "defect_code" in line:
            segs.append(["CCI", "", "", [line["defect_code"], "", "", line.get("defect_description", "")]])
    return "QALITY", segs


def _s011(element: str | None) -> list[str] | str:
    if not element:
        return ""
    p, _, c = element.partition(".")
    return [p, c] if c else [p]


def _functional_ack(doc: dict[str, Any], version: str) -> tuple[str, list[Seg]]:
    action = "4" if doc["status"] == "rejected" else "7"
    uci: Seg = ["UCI", doc["acknowledged"], [doc["receiver"]], [doc["sender"]], action]
    if doc["errors"]:
        e = doc["errors"][0]
        uci += [e["code"], e.get("segment", ""), _s011(e.get("element"))]
    segs: list[Seg] = [uci]
    for m in doc["messages"]:
        ucm: Seg = ["UCM", m["ref"], [m["type"], "D", "96A", "UN"],
                    "4" if m["status"] == "rejected" else "7"]
        unplaced = [e for e in m["errors"] if "position" not in e]
        if unplaced:
            e = unplaced[0]
            ucm += [e["code"], e.get("segment", ""), _s011(e.get("element"))]
        segs.append(ucm)
        current: int | None = None
        for e in m["errors"]:
            if "position" not in e:
                continue
            if e["position"] != current:
                current = e["position"]
                seg_level = "element" not in e
                segs.append(["UCS", str(current), e["code"] if seg_level else ""])
                if seg_level:
                    continue
            elif "element" not in e:
                # a second segment-level error for the same position: its own UCS
                segs.append(["UCS", str(current), e["code"]])
                continue
            segs.append(["UCD", e["code"], _s011(e["element"])])
    return "CONTRL", segs


_BUILDERS = {
    "purchase_order": _purchase_order,
    "order_response": _order_response,
    "despatch_advice": _despatch_advice,
    "delivery_schedule": _delivery_schedule,
    "invoice": _invoice,
    "quality_notice": _quality_notice,
}


def _serialise(seg: Seg, seps: Separators) -> str:
    el, comp = seps.element, seps.component
    out = [seg[0]]
    for e in seg[1:]:
        if e is None:
            out.append("")
        elif e.__class__ is list:
            comps = [escape(c, seps) if c else "" for c in e]
            while comps and not comps[-1]:
                comps.pop()
            out.append(comp.join(comps))
        else:
            out.append(escape(e, seps))
    while len(out) > 1 and not out[-1]:
        out.pop()
    return el.join(out) + seps.terminator


def _parse_date(date: Any) -> _dt.datetime:
    if date is None:
        return _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
    if isinstance(date, _dt.datetime):
        return date
    if isinstance(date, _dt.date):
        return _dt.datetime(date.year, date.month, date.day)
    if isinstance(date, str):
        try:
            return _dt.datetime.fromisoformat(date)
        except ValueError as exc:
            raise CanonicalError(f"date {date!r} is not ISO 8601") from exc
    raise CanonicalError(f"date must be a date, datetime or ISO string, not {type(date).__name__}")


def write(
    documents: Iterable[dict[str, Any]],
    *,
    sender: str,
    receiver: str,
    control_number: str,
    sender_qualifier: str = "14",
    receiver_qualifier: str = "14",
    syntax: str = "UNOC:3",
    date: Any = None,
    una: bool = True,
    separators: Separators | None = None,
    test: bool = False,
    ack_requested: bool = False,
    validate: bool = True,
    newline: bool = False,
) -> bytes:
    """Write canonical documents as one interchange: UNA, UNB, one UNH..UNT per document, UNZ.

    ``syntax`` is ``"<identifier>:<version>"`` (``UNOA:3``, ``UNOC:4``, ``UNOW:4``...); version 4
    writes CCYYMMDD dates and declares ``*`` as repetition separator. Documents are checked with
    :func:`edi.codecs.canonical.validate_document` first (``validate=False`` skips it);
    :class:`CanonicalError` is raised for an invalid document or a value the syntax level
    cannot carry. ``newline=True`` puts each segment on its own line (layout only).
    """
    ident, _, version = syntax.partition(":")
    version = version or "3"
    if ident not in ENCODINGS or version not in ("1", "2", "3", "4"):
        raise CanonicalError(f"syntax {syntax!r} is not supported for writing")
    encoding = ENCODINGS[ident]
    seps = separators or (Separators(repetition="*") if version == "4" else Separators())
    for name, value in (("sender", sender), ("receiver", receiver),
                        ("control_number", control_number)):
        if not isinstance(value, str) or not value or len(value) > (14 if name == "control_number" else 35):
            raise CanonicalError(f"{name} must be a non-empty string (max "
                                 f"{14 if name == 'control_number' else 35} characters)")
    when = _parse_date(date)
    d = when.strftime("%Y%m%d") if version == "4" else when.strftime("%y%m%d")
    nl = "\n" if newline else ""
    out: list[str] = []
    if una:
        out.append(seps.una() + nl)
    unb: Seg = ["UNB", [ident, version], [sender, sender_qualifier], [receiver, receiver_qualifier],
                [d, when.strftime("%H%M")], control_number]
    if ack_requested or test:
        unb += ["", "", "", "1" if ack_requested else "", "", "1" if test else ""]
    out.append(_serialise(unb, seps) + nl)
    count = 0
    clean: set[str] = set()
    for doc in documents:
        if validate:
            problems = validate_document(doc)
            if problems:
                raise CanonicalError(
                    f"invalid {doc.get('type', 'canonical') if isinstance(doc, dict) else ''} "
                    f"document {doc.get('id', '') if isinstance(doc, dict) else ''}: "
                    + "; ".join(problems[:10])
                )
        count += 1
        kind = doc["type"]
        for line in doc.get("lines", ()) if kind != "functional_ack" else ():
            if "line" in line and not (line["line"].isascii() and line["line"].isdigit()):
                raise CanonicalError(f"line number {line['line']!r}: EDIFACT LIN 1082 is numeric")
        if kind == "functional_ack":
            mtype, body = _functional_ack(doc, version)
            v = CONTRL_VERSION["4" if version == "4" else "3"]
            ref = doc["id"]
            unh: Seg = ["UNH", ref, [mtype, *v]]
        else:
            builder = _BUILDERS.get(kind)
            if builder is None:
                raise CanonicalError(f"no EDIFACT message for document type {kind!r}")
            mtype, body = builder(doc)
            ref = str(count)
            unh = ["UNH", ref, [mtype, "D", "96A", "UN"]]
        texts = [_serialise(seg, seps) for seg in body]
        _refuse_what_the_reader_would(body, texts, doc, "4" if version == "4" else "3", clean)
        out.append(_serialise(unh, seps) + nl)
        for text in texts:
            out.append(text + nl)
        out.append(_serialise(["UNT", str(len(body) + 2), ref], seps) + nl)
    out.append(_serialise(["UNZ", str(count), control_number], seps) + nl)
    text = "".join(out)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise CanonicalError(
            f"character {text[exc.start]!r} cannot be written under syntax identifier {ident}"
        ) from exc
    if ident == "UNOA":
        from edi.codecs.edifact.syntax import LEVEL_A

        body_chars = text.replace("\n", "")
        for c in (seps.terminator, seps.release, seps.repetition):
            body_chars = body_chars.replace(c, "")
        m = LEVEL_A.search(body_chars)
        if m:
            raise CanonicalError(f"character {m.group()!r} is outside syntax level A (UNOA)")
    return data


def _refuse_what_the_reader_would(body: list[Seg], texts: list[str], doc: dict[str, Any], syntax: str,
                                  clean: set[str]) -> None:
    """Check each segment against its directory entry, as the reader will: a value the canonical
    contract allows but the message cannot carry (a 20-character carrier id in TDT 3127, an..17)
    is refused here by name instead of reaching a partner who would reject it. ``clean`` holds
    the serialised segments already found clean in this interchange (they repeat a lot)."""
    findings: list = []
    if len(clean) > 50_000:
        clean.clear()
    for pos, (seg, text) in enumerate(zip(body, texts), start=2):
        if text in clean:
            continue
        checker = checker_for(seg[0], syntax)
        if checker is None:
            continue
        plain = [seg[0]] + [
            [c or "" for c in v] if isinstance(v, list) else (v or "") for v in seg[1:]
        ]
        checker.check(plain, pos, False, findings, False)
        errors = [f for f in findings if f[5] == "error"]
        if errors:
            _code, message, _pos, tag, element, _sev = errors[0]
            where = f"{tag} element {element}" if element else tag
            raise CanonicalError(f"{doc['type']} {doc.get('id', '')}: {where}: {message} "
                                 f"(EDIFACT cannot carry it) [code {_code}]")
        findings.clear()
        clean.add(text)


def contrl_for(
    result: InterchangeResult,
    *,
    id: str = "1",  # noqa: A002 - the canonical field name
    issued: str | None = None,
    control_number: str | None = None,
) -> dict[str, Any]:
    """The canonical functional_ack (CONTRL) answering an inbound interchange.

    ``sender``/``receiver`` are swapped from the inbound envelope (we answer the sender);
    ``control_number`` is the control number the CONTRL interchange will carry (defaults to
    ``id``). Rejected messages are listed with their errors; messages accepted with warnings
    and clean messages are acknowledged by UCI action 7 without being listed.
    """
    env = result.envelope
    status = result.status
    errors = []
    for issue in result.issues:
        if issue.severity == "error":
            errors.append(_ack_error(issue, with_position=False))
            break
    messages = []
    for m in result.messages:
        if m.accepted:
            continue
        errs = []
        unplaced_done = False
        for issue in m.issues:
            if issue.severity != "error":
                continue
            if issue.position is None or issue.segment in ("UNB", "UNZ"):
                if unplaced_done:
                    continue
                unplaced_done = True
                errs.append(_ack_error(issue, with_position=False))
            else:
                errs.append(_ack_error(issue, with_position=True))
        # group by position in first-seen order, segment-level error first (the CONTRL layout)
        placed = [e for e in errs if "position" in e]
        order: dict[int, int] = {}
        for e in placed:
            order.setdefault(e["position"], len(order))
        placed.sort(key=lambda e: (order[e["position"]], "element" in e))
        errs = [e for e in errs if "position" not in e] + placed
        messages.append({"ref": m.message_ref, "type": m.message_type, "status": "rejected",
                         "errors": errs})
    doc: dict[str, Any] = {
        "type": "functional_ack",
        "id": id,
        "issued": issued or _dt.date.today().isoformat(),
        "sender": env.receiver,
        "receiver": env.sender,
        "control_number": control_number or id,
        "acknowledged": env.control_number,
        "level": "interchange",
        "status": status,
        "errors": errors,
        "messages": messages,
    }
    return doc


def _ack_error(issue: Any, *, with_position: bool) -> dict[str, Any]:
    e: dict[str, Any] = {}
    if issue.segment and len(issue.segment) == 3 and issue.segment.isalnum():
        e["segment"] = issue.segment
    if with_position and issue.position:
        e["position"] = issue.position
    if issue.element and all((p.isascii() and p.isdigit()) and len(p) <= 3 for p in issue.element.split(".")):
        e["element"] = issue.element
    code = issue.code if issue.code and len(issue.code) <= 3 else "18"
    e["code"] = code
    e["message"] = issue.message or syntax_error_name(code)
    return e

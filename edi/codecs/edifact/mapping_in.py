"""EDIFACT messages -> canonical documents (see docs/canonical.md for the field mapping).

Each mapper walks the message's segments once, in order, keeping the current line (and, for
DESADV, the current packing level) as context: this is tolerant of the many subsets (EANCOM...)
that use the D.96A groups loosely, and fast. Structure has already been validated when a mapper
runs; what is checked here is what the canonical form needs (a document number, a readable date).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from edi.codecs.base import Envelope
from edi.codecs.edifact.tables import d96a

Segment = list


class Context:
    __slots__ = ("envelope", "decimal", "mtype", "issues", "pos")

    def __init__(self, envelope: Envelope, decimal: str, mtype: str) -> None:
        self.envelope = envelope
        self.decimal = decimal
        self.mtype = mtype
        self.issues: list[tuple[str, str, int, str | None, str | None]] = []
        self.pos = 0

    def error(self, code: str, text: str, tag: str | None = None, element: str | None = None,
              pos: int | None = None) -> None:
        self.issues.append((code, text, self.pos if pos is None else pos, tag, element))


def el(seg: Segment, i: int) -> str:
    if i >= len(seg):
        return ""
    v = seg[i]
    if v.__class__ is list:
        return v[0]
    return v if v.__class__ is str else ""


def comp(seg: Segment, i: int, j: int) -> str:
    if i >= len(seg):
        return ""
    v = seg[i]
    if v.__class__ is list:
        return v[j - 1] if j <= len(v) else ""
    return v if (j == 1 and v.__class__ is str) else ""


def components(seg: Segment, i: int) -> list[str]:
    if i >= len(seg):
        return []
    v = seg[i]
    if v.__class__ is list:
        return v
    return [v] if v.__class__ is str else []


_FORMATS = {"102": 8, "203": 12, "204": 14, "205": 14, "101": 6, "718": 17, "719": 25, "201": 10}


def date_of(seg: Segment, ctx: Context) -> str | None:
    """The date of a DTM segment as YYYY-MM-DD, or None with an issue when unreadable."""
    value, fmt = comp(seg, 1, 2), comp(seg, 1, 3)
    if not value:
        ctx.error("13", "DTM without a date value", "DTM", "1.2")
        return None
    if not fmt:
        fmt = {8: "102", 12: "203", 14: "204", 6: "101"}.get(len(value), "")
    digits = value[:8]
    if fmt in ("101", "201"):
        digits = ("20" if int(value[:2] or 0) < 70 else "19") + value[:6] if (value[:6].isascii() and value[:6].isdigit()) else ""
    elif fmt not in ("102", "203", "204", "205", "718", "719"):
        ctx.error("12", f"date format {fmt!r} is not read (102, 203, 204, 101, 718 are)", "DTM",
                  "1.3")
        return None
    try:
        d = _dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        ctx.error("12", f"{value!r} is not a valid date in format {fmt}", "DTM", "1.2")
        return None
    return d.isoformat()


def decimal(value: str, ctx: Context, tag: str, element: str) -> str | None:
    if not value:
        return None
    v = value.replace(",", ".")
    if v.startswith("+"):
        v = v[1:]
    if v.endswith("."):
        v = v[:-1]
    if v.startswith("-."):
        v = "-0" + v[1:]
    body = v[1:] if v.startswith("-") else v
    head, _, tail = body.partition(".")
    if not (head.isascii() and head.isdigit()) or (tail and not (tail.isascii() and tail.isdigit())) or body.count(".") > 1:
        ctx.error("12", f"{value!r} is not a decimal number", tag, element)
        return None
    return v


def party(seg: Segment) -> dict[str, str]:
    p: dict[str, str] = {}
    pid = comp(seg, 2, 1)
    if pid:
        p["id"] = pid
    names = [c for c in components(seg, 4) if c]
    if not names:
        names = [c for c in components(seg, 3) if c]  # C058 unstructured name and address
    if names:
        name = names[0]
        for extra in names[1:]:
            if len(name) + 1 + len(extra) > 70:
                break
            name = f"{name} {extra}"
        p["name"] = name[:70]
    qual = comp(seg, 2, 3)
    if qual and p:
        p["qualifier"] = qual
    return p


_BUYER_PART = {"BP", "IN"}
_SUPPLIER_PART = {"SA", "VP", "VN"}
_GTIN = {"EN", "SRV", "UP", "UK", "EU"}


def item_numbers(line: dict[str, Any], pairs: list[tuple[str, str]], unqualified: str) -> None:
    for number, kind in pairs:
        if not number:
            continue
        if kind in _BUYER_PART:
            line.setdefault("buyer_part", number)
        elif kind in _SUPPLIER_PART:
            line.setdefault("supplier_part", number)
        elif kind in _GTIN:
            line.setdefault("gtin", number)
        elif not kind:
            line.setdefault(unqualified, number)


def lin_line(seg: Segment, index: int, unqualified: str) -> dict[str, Any]:
    line: dict[str, Any] = {"line": el(seg, 1).strip() or str(index)}
    item_numbers(line, [(comp(seg, 3, 1), comp(seg, 3, 2))], unqualified)
    return line


def pia(seg: Segment, line: dict[str, Any], unqualified: str) -> None:
    pairs = [(comp(seg, i, 1), comp(seg, i, 2)) for i in range(2, min(len(seg), 7))]
    item_numbers(line, pairs, unqualified)


def imd(seg: Segment, line: dict[str, Any]) -> None:
    text = comp(seg, 3, 4)
    if text and "description" not in line:
        extra = comp(seg, 3, 5)
        line["description"] = (f"{text} {extra}" if extra else text)[:70]


def _header(doc_type: str, seg_bgm: Segment | None, ctx: Context) -> dict[str, Any]:
    env = ctx.envelope
    doc: dict[str, Any] = {"type": doc_type, "id": "", "issued": ""}
    if seg_bgm is not None:
        doc["id"] = el(seg_bgm, 2)
    doc["sender"] = env.sender
    doc["receiver"] = env.receiver
    doc["control_number"] = env.control_number
    return doc


def _finish_header(doc: dict[str, Any], dates: dict[str, str], ctx: Context, bgm_pos: int) -> None:
    if not doc["id"]:
        ctx.error("13", "document number (BGM 1004) missing", "BGM", "2", bgm_pos)
    issued = dates.get("137") or dates.get("3") or dates.get("4") or ctx.envelope.date
    if not issued:
        ctx.error("13", "document date (DTM 137) missing", "DTM", None, bgm_pos)
    doc["issued"] = issued


def _parties(doc: dict[str, Any], found: dict[str, dict[str, str]], roles: dict[str, tuple[str, ...]]) -> None:
    for field, quals in roles.items():
        for q in quals:
            if q in found:
                doc[field] = found[q]
                break


# --- ORDERS / ORDCHG ---------------------------------------------------------------------------

_PO_PURPOSE = {"9": "original", "5": "replace", "1": "cancel"}
_PO_ACTION = {"1": "add", "2": "cancel", "3": "change"}


def map_orders(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    change = ctx.mtype == "ORDCHG"
    doc = _header("purchase_order", None, ctx)
    dates: dict[str, str] = {}
    parties: dict[str, dict[str, str]] = {}
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    bgm_pos = 1
    currency = ""
    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "LIN":
            line = lin_line(seg, len(lines) + 1, "buyer_part")
            if change:
                action = _PO_ACTION.get(el(seg, 2))
                if action:
                    line["action"] = action
            lines.append(line)
        elif tag == "QTY":
            if line is not None and comp(seg, 1, 1) == "21":
                q = decimal(comp(seg, 1, 2), ctx, "QTY", "1.2")
                if q is not None:
                    line["quantity"] = q
                unit = comp(seg, 1, 3)
                if unit:
                    line["unit"] = unit
        elif tag == "PRI":
            if line is not None:
                _price(seg, line, ctx)
        elif tag == "DTM":
            qual = comp(seg, 1, 1)
            if qual in ("137", "2", "4"):
                d = date_of(seg, ctx)
                if d:
                    if line is None:
                        dates.setdefault(qual, d)
                    elif qual == "2":
                        line.setdefault("delivery_date", d)
        elif tag == "PIA":
            if line is not None:
                pia(seg, line, "buyer_part")
        elif tag == "IMD":
            if line is not None:
                imd(seg, line)
        elif tag == "NAD":
            if line is None:
                parties.setdefault(el(seg, 1), party(seg))
        elif tag == "CUX":
            if not currency and comp(seg, 1, 1) in ("2", "9", ""):
                currency = comp(seg, 1, 2)
        elif tag == "BGM":
            bgm_pos = pos
            doc["id"] = el(seg, 2)
            func = el(seg, 3)
            if change:
                doc["purpose"] = "cancel" if func == "1" else "change"
            else:
                doc["purpose"] = _PO_PURPOSE.get(func, "original")
    _finish_header(doc, dates, ctx, bgm_pos)
    doc.setdefault("purpose", "change" if change else "original")
    if currency:
        doc["currency"] = currency
    _parties(doc, parties, {"buyer": ("BY",), "supplier": ("SU", "SE"), "ship_to": ("DP", "ST")})
    if "2" in dates:
        doc["delivery_date"] = dates["2"]
    doc["lines"] = lines
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number", "purpose"))


def _price(seg: Segment, line: dict[str, Any], ctx: Context) -> None:
    qual = comp(seg, 1, 1)
    if qual == "AAA" or (qual in ("AAB", "INV", "CAL") and "price" not in line):
        p = decimal(comp(seg, 1, 2), ctx, "PRI", "1.2")
        if p is not None:
            line["price"] = p


def _order(doc: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    """Stable key order: header fields first (for people reading JSON), then the rest."""
    out = {k: doc[k] for k in first if k in doc}
    out.update((k, v) for k, v in doc.items() if k not in out)
    return out


# --- ORDRSP ------------------------------------------------------------------------------------

_RSP_STATUS = {"29": "accepted", "4": "changed", "28": "changed", "30": "changed",
               "34": "changed", "6": "changed", "27": "rejected"}
_RSP_4343 = {"AP": "accepted", "AD": "accepted", "AC": "changed", "CA": "changed", "RE": "rejected"}
_LINE_STATUS = {"5": "accepted", "3": "changed", "6": "changed", "7": "rejected"}


def map_ordrsp(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    doc = _header("order_response", None, ctx)
    dates: dict[str, str] = {}
    parties: dict[str, dict[str, str]] = {}
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    bgm_pos = 1
    status = ""
    order = ""
    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "LIN":
            line = lin_line(seg, len(lines) + 1, "buyer_part")
            st = _LINE_STATUS.get(el(seg, 2))
            if st:
                line["status"] = st
            lines.append(line)
        elif tag == "QTY":
            if line is not None and comp(seg, 1, 1) in ("21", "113"):
                if comp(seg, 1, 1) == "21" or "quantity" not in line:
                    q = decimal(comp(seg, 1, 2), ctx, "QTY", "1.2")
                    if q is not None:
                        line["quantity"] = q
                    unit = comp(seg, 1, 3)
                    if unit:
                        line["unit"] = unit
        elif tag == "PRI":
            if line is not None:
                _price(seg, line, ctx)
        elif tag == "DTM":
            qual = comp(seg, 1, 1)
            if line is None and qual in ("137", "4"):
                d = date_of(seg, ctx)
                if d:
                    dates.setdefault(qual, d)
            elif line is not None and qual in ("2", "69", "17"):
                d = date_of(seg, ctx)
                if d and (qual == "2" or "delivery_date" not in line):
                    line["delivery_date"] = d
        elif tag == "RFF":
            if line is None and comp(seg, 1, 1) == "ON" and not order:
                order = comp(seg, 1, 2)
        elif tag == "PIA":
            if line is not None:
                pia(seg, line, "buyer_part")
        elif tag == "IMD":
            if line is not None:
                imd(seg, line)
        elif tag == "NAD":
            if line is None:
                parties.setdefault(el(seg, 1), party(seg))
        elif tag == "BGM":
            bgm_pos = pos
            doc["id"] = el(seg, 2)
            status = _RSP_STATUS.get(el(seg, 3)) or _RSP_4343.get(el(seg, 4)) or ""
    _finish_header(doc, dates, ctx, bgm_pos)
    if not order:
        ctx.error("13", "order number (RFF+ON) missing", "RFF", None, bgm_pos)
    doc["order"] = order
    doc["status"] = status or "accepted"
    _parties(doc, parties, {"buyer": ("BY",), "supplier": ("SU", "SE")})
    default = "accepted" if doc["status"] == "accepted" else doc["status"]
    for ln in lines:
        ln.setdefault("status", default)
    doc["lines"] = lines
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number", "order",
                        "status"))


# --- DESADV ------------------------------------------------------------------------------------


def map_desadv(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    doc = _header("despatch_advice", None, ctx)
    dates: dict[str, str] = {}
    parties: dict[str, dict[str, str]] = {}
    lines: list[dict[str, Any]] = []
    by_number: dict[str, dict[str, Any]] = {}
    line: dict[str, Any] | None = None
    packages: list[dict[str, Any]] = []
    cps_packages: dict[str, list[dict[str, Any]]] = {}
    cps_parent: dict[str, str] = {}
    cps: str | None = None
    cur_pkgs: list[dict[str, Any]] = []  # packages of the current CPS
    pac: dict[str, Any] | None = None  # package opened by the last PAC, awaiting its SSCC
    refs: dict[str, str] = {}
    bgm_pos = 1
    in_batch = False
    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "LIN":
            number = el(seg, 1).strip() or str(len(lines) + 1)
            existing = by_number.get(number)
            if existing is not None:
                line = existing  # the same line packed in a second package
                line["_again"] = True
            else:
                line = lin_line(seg, len(lines) + 1, "supplier_part")
                line["line"] = number
                lines.append(line)
                by_number[number] = line
            for p in cur_pkgs:
                if number not in p["lines"]:
                    p["lines"].append(number)
            pac = None
            in_batch = False
        elif tag == "GIN":
            qual = el(seg, 1)
            ids = _first_components(seg, 2, 7)
            if line is None or pac is not None:
                if qual in ("BJ", "AW") and cps is not None:
                    for sscc in ids:
                        if pac is not None and "sscc" not in pac:
                            pac["sscc"] = sscc
                        else:
                            pkg = _new_package(cps, cur_pkgs, pac)
                            pkg["sscc"] = sscc
                            packages.append(pkg)
                            cur_pkgs.append(pkg)
            elif qual in ("BN", "SN"):
                line.setdefault("serials", []).extend(ids)
            elif qual == "BX" and ids:
                line.setdefault("lot", ids[0])
        elif tag == "QTY":
            if line is not None and pac is None and not in_batch:
                qual = comp(seg, 1, 1)
                if qual == "12" or ("quantity" not in line and qual in ("46", "21", "1")):
                    q = decimal(comp(seg, 1, 2), ctx, "QTY", "1.2")
                    if q is not None:
                        if line.pop("_again", False) and "quantity" in line:
                            q = _add(line["quantity"], q)
                        line["quantity"] = q
                    unit = comp(seg, 1, 3)
                    if unit:
                        line["unit"] = unit
        elif tag == "RFF":
            qual = comp(seg, 1, 1)
            if line is not None:
                if qual == "ON":
                    line.setdefault("order", comp(seg, 1, 2))
                    if comp(seg, 1, 3):
                        line.setdefault("order_line", comp(seg, 1, 3))
            elif cps is None:
                refs.setdefault(qual, comp(seg, 1, 2))
        elif tag == "PCI":
            if line is not None:
                in_batch = True
        elif tag == "CPS":
            cps = el(seg, 1) or str(len(cps_packages) + 1)
            if el(seg, 2):
                cps_parent[cps] = el(seg, 2)
            cur_pkgs = cps_packages.setdefault(cps, [])
            line = None
            pac = None
        elif tag == "PAC":
            if cps is None:
                cps = "1"
                cur_pkgs = cps_packages.setdefault(cps, [])
            line = None
            pkg = _new_package(cps, cur_pkgs, None)
            ptype = comp(seg, 3, 1)
            if ptype:
                pkg["type"] = ptype
            packages.append(pkg)
            cur_pkgs.append(pkg)
            pac = pkg
        elif tag == "PIA":
            if line is not None:
                pia(seg, line, "supplier_part")
        elif tag == "IMD":
            if line is not None:
                imd(seg, line)
        elif tag == "DTM":
            if line is None and cps is None:
                qual = comp(seg, 1, 1)
                if qual in ("137", "11", "17", "132"):
                    d = date_of(seg, ctx)
                    if d:
                        dates.setdefault(qual, d)
        elif tag == "NAD":
            if cps is None:
                parties.setdefault(el(seg, 1), party(seg))
        elif tag == "TDT":
            if "carrier" not in doc:
                carrier = {}
                if comp(seg, 5, 1):
                    carrier["id"] = comp(seg, 5, 1)
                if comp(seg, 5, 4):
                    carrier["name"] = comp(seg, 5, 4)
                if carrier:
                    doc["carrier"] = carrier
        elif tag == "BGM":
            bgm_pos = pos
            doc["id"] = el(seg, 2)
    _finish_header(doc, dates, ctx, bgm_pos)
    if "11" in dates:
        doc["shipped"] = dates["11"]
    if "17" in dates or "132" in dates:
        doc["expected_delivery"] = dates.get("17") or dates["132"]
    if refs.get("ON"):
        doc["order"] = refs["ON"]
    tracking = refs.get("CN") or refs.get("BM")
    if tracking:
        doc["tracking"] = tracking
    _parties(doc, parties, {"supplier": ("SU", "SF"), "buyer": ("BY",), "ship_to": ("DP", "ST")})
    for ln in lines:
        ln.pop("_again", None)
        if "quantity" not in ln:
            ctx.error("13", f"despatch quantity (QTY+12) missing for line {ln['line']}", "QTY")
    for pkg in packages:
        parent = cps_parent.get(pkg.pop("_cps"))
        if parent and cps_packages.get(parent):
            pkg["parent"] = cps_packages[parent][0]["id"]
    doc["lines"] = lines
    if packages:
        doc["packages"] = [_pkg_order(p) for p in packages]
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number"))


def _first_components(seg: Segment, start: int, stop: int) -> list[str]:
    """The non-empty first components of elements ``start``..``stop - 1`` (GIN identity numbers)."""
    out = []
    for v in seg[start:stop]:
        if v.__class__ is list:
            v = v[0]
        if v and v.__class__ is str:
            out.append(v)
    return out


def _new_package(cps: str, cur: list[dict[str, Any]], pac: dict[str, Any] | None) -> dict[str, Any]:
    pid = cps if not cur else f"{cps}-{len(cur) + 1}"
    pkg: dict[str, Any] = {"id": pid, "_cps": cps, "lines": []}
    if pac is not None and "type" in pac:
        pkg["type"] = pac["type"]
    return pkg


def _pkg_order(p: dict[str, Any]) -> dict[str, Any]:
    if not p["lines"]:
        del p["lines"]
    return _order(p, ("id", "sscc", "type", "parent", "lines"))


def _add(a: str, b: str) -> str:
    try:
        return str(Decimal(a) + Decimal(b))
    except InvalidOperation:
        return a


# --- DELFOR ------------------------------------------------------------------------------------

_FIRM = {"1", "10", "15"}
_SCHEDULE_QTY = {"1", "113"}


def map_delfor(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    doc = _header("delivery_schedule", None, ctx)
    dates: dict[str, str] = {}
    parties: dict[str, dict[str, str]] = {}
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    entry: dict[str, Any] | None = None
    entry_pos = 0
    detail = False
    ship_to: dict[str, str] | None = None
    bgm_pos = 1

    def close_entry() -> None:
        nonlocal entry
        if entry is not None and line is not None:
            if "start" not in entry:
                ctx.error("13", "schedule quantity without a date (DTM 158/159, 194/206 or 2)",
                          "DTM", None, entry_pos)
            else:
                entry.setdefault("end", entry["start"])
                entry.setdefault("commitment", "planned")
                line["schedule"].append(
                    {k: entry[k] for k in ("start", "end", "quantity", "commitment")}
                )
        entry = None

    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "QTY":
            close_entry()
            if line is not None and comp(seg, 1, 1) in _SCHEDULE_QTY:
                q = decimal(comp(seg, 1, 2), ctx, "QTY", "1.2")
                if q is not None:
                    entry = {"quantity": q}
                    entry_pos = pos
                unit = comp(seg, 1, 3)
                if unit:
                    line.setdefault("unit", unit)
        elif tag == "DTM":
            qual = comp(seg, 1, 1)
            if entry is not None:
                if qual in ("158", "194", "159", "206", "2", "10", "64", "63", "69"):
                    d = date_of(seg, ctx)
                    if d:
                        if qual in ("158", "194"):
                            entry["start"] = d
                        elif qual in ("159", "206"):
                            entry["end"] = d
                        elif "start" not in entry:
                            entry["start"] = entry["end"] = d
            elif line is None and not detail and qual in ("137", "158", "159", "4"):
                d = date_of(seg, ctx)
                if d:
                    dates.setdefault(qual, d)
        elif tag == "SCC":
            if entry is not None:
                entry["commitment"] = "firm" if el(seg, 1) in _FIRM else "planned"
        elif tag == "LIN":
            close_entry()
            line = {}
            if el(seg, 1).strip():
                line["line"] = el(seg, 1).strip()
            item_numbers(line, [(comp(seg, 3, 1), comp(seg, 3, 2))], "buyer_part")
            line["schedule"] = []
            lines.append(line)
        elif tag == "PIA":
            if line is not None:
                pia(seg, line, "buyer_part")
        elif tag == "IMD":
            if line is not None:
                imd(seg, line)
        elif tag == "NAD":
            close_entry()
            if detail:
                if ship_to is None:
                    ship_to = party(seg)
                line = None
            else:
                parties.setdefault(el(seg, 1), party(seg))
        elif tag == "UNS":
            close_entry()
            if not detail:
                detail = True
            else:
                line = None
        elif tag in ("PAC", "QVR", "TDT"):
            close_entry()  # these groups follow the quantity groups: the period is complete
        elif tag == "BGM":
            bgm_pos = pos
            doc["id"] = el(seg, 2)
    close_entry()
    _finish_header(doc, dates, ctx, bgm_pos)
    _parties(doc, parties, {"buyer": ("BY",), "supplier": ("SU", "SE")})
    if ship_to:
        doc["ship_to"] = ship_to
    if "158" in dates:
        doc["horizon_start"] = dates["158"]
    if "159" in dates:
        doc["horizon_end"] = dates["159"]
    for i, ln in enumerate(lines):
        if not any(k in ln for k in ("buyer_part", "supplier_part", "gtin")):
            ctx.error("13", f"line {i + 1} has no item number", "LIN", "3")
        sched = ln.pop("schedule")
        ln["schedule"] = sched
    doc["lines"] = lines
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number"))


# --- INVOIC ------------------------------------------------------------------------------------

_TOTALS = ("77", "86", "39", "128", "9")


def map_invoic(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    doc = _header("invoice", None, ctx)
    dates: dict[str, str] = {}
    parties: dict[str, dict[str, str]] = {}
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    summary = False
    amounts: dict[str, str] = {}
    taxes: list[str] = []
    order = ""
    currency = ""
    bgm_pos = 1
    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "LIN":
            line = lin_line(seg, len(lines) + 1, "supplier_part")
            lines.append(line)
        elif tag == "QTY":
            if line is not None and not summary:
                qual = comp(seg, 1, 1)
                if qual == "47" or ("quantity" not in line and qual in ("46", "12")):
                    q = decimal(comp(seg, 1, 2), ctx, "QTY", "1.2")
                    if q is not None:
                        line["quantity"] = q
                    unit = comp(seg, 1, 3)
                    if unit:
                        line["unit"] = unit
        elif tag == "MOA":
            qual = comp(seg, 1, 1)
            if summary:
                if qual in _TOTALS or qual in ("79", "124", "176"):
                    v = decimal(comp(seg, 1, 2), ctx, "MOA", "1.2")
                    if v is not None:
                        if qual == "124":
                            taxes.append(v)
                        else:
                            amounts.setdefault(qual, v)
            elif line is not None and qual == "203":
                v = decimal(comp(seg, 1, 2), ctx, "MOA", "1.2")
                if v is not None:
                    line.setdefault("amount", v)
        elif tag == "PRI":
            if line is not None and not summary:
                _price(seg, line, ctx)
        elif tag == "RFF":
            if comp(seg, 1, 1) == "ON":
                if line is None and not summary:
                    order = order or comp(seg, 1, 2)
                elif line is not None and not summary:
                    line.setdefault("order", comp(seg, 1, 2))
        elif tag == "DTM":
            qual = comp(seg, 1, 1)
            if line is None and qual in ("137", "3"):
                d = date_of(seg, ctx)
                if d:
                    dates.setdefault(qual, d)
        elif tag == "PIA":
            if line is not None and not summary:
                pia(seg, line, "supplier_part")
        elif tag == "IMD":
            if line is not None and not summary:
                imd(seg, line)
        elif tag == "NAD":
            if line is None:
                parties.setdefault(el(seg, 1), party(seg))
        elif tag == "CUX":
            if not currency and comp(seg, 1, 1) in ("2", "9", "") and line is None:
                currency = comp(seg, 1, 2)
        elif tag == "UNS":
            summary = True
        elif tag == "BGM":
            bgm_pos = pos
            doc["id"] = el(seg, 2)
            doc["kind"] = "credit_note" if comp(seg, 1, 1) == "381" else "invoice"
    _finish_header(doc, dates, ctx, bgm_pos)
    doc.setdefault("kind", "invoice")
    if order:
        doc["order"] = order
    if currency:
        doc["currency"] = currency
    total = next((amounts[q] for q in _TOTALS if q in amounts), None)
    if total is not None:
        doc["total"] = total
    else:
        ctx.error("13", "invoice total (MOA+77 in the summary) missing", "MOA", None, len(segs))
    if "79" in amounts:
        doc["subtotal"] = amounts["79"]
    if "176" in amounts:
        doc["tax"] = amounts["176"]
    elif len(taxes) == 1:
        doc["tax"] = taxes[0]
    elif taxes:
        doc["tax"] = str(sum((Decimal(t) for t in taxes), Decimal(0)))
    _parties(doc, parties, {"buyer": ("BY",), "supplier": ("SU", "SE")})
    doc["lines"] = lines
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number", "kind"))


# --- CONTRL ------------------------------------------------------------------------------------


def _error(code: str, **where: Any) -> dict[str, Any]:
    e: dict[str, Any] = {k: v for k, v in where.items() if v not in (None, "")}
    e["code"] = code
    e["message"] = d96a.SERVICE_CODES["0085"].get(code, "Unspecified error")
    return _order(e, ("segment", "position", "element", "code", "message"))


def _element_pos(seg: Segment, i: int) -> str | None:
    p, c = comp(seg, i, 1), comp(seg, i, 2)
    if not (p.isascii() and p.isdigit()):
        return None
    p = str(int(p))
    return f"{p}.{int(c)}" if (c.isascii() and c.isdigit()) else p


def map_contrl(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    env = ctx.envelope
    doc: dict[str, Any] = {
        "type": "functional_ack",
        "id": el(segs[0], 1),
        "issued": env.date,
        "sender": env.sender,
        "receiver": env.receiver,
        "control_number": env.control_number,
    }
    if not env.date:
        ctx.error("13", "interchange date (UNB S004) missing", "UNB", "4.1", 1)
    messages: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    msg: dict[str, Any] | None = None
    position: int | None = None
    action = ""
    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "UCI":
            doc["acknowledged"] = el(seg, 1)
            action = el(seg, 4)
            if el(seg, 5):
                errors.append(_error(el(seg, 5), segment=el(seg, 6), element=_element_pos(seg, 7)))
        elif tag == "UCF":
            doc.setdefault("group", el(seg, 1))
            msg = None
        elif tag == "UCM":
            msg = {"ref": el(seg, 1), "type": comp(seg, 2, 1),
                   "status": "rejected" if el(seg, 3) == "4" else "accepted", "errors": []}
            if el(seg, 4):
                msg["errors"].append(_error(el(seg, 4), segment=el(seg, 5),
                                            element=_element_pos(seg, 6)))
            messages.append(msg)
        elif tag == "UCS":
            p = el(seg, 1)
            position = int(p) if (p.isascii() and p.isdigit()) and int(p) > 0 else None
            if msg is not None and el(seg, 2):
                msg["errors"].append(_error(el(seg, 2), position=position))
        elif tag == "UCD":
            if msg is not None:
                msg["errors"].append(_error(el(seg, 1), position=position,
                                            element=_element_pos(seg, 2)))
    if "acknowledged" not in doc:
        ctx.error("13", "UCI missing", "UCI", None, 2)
        doc["acknowledged"] = ""
    doc["level"] = "interchange"
    if action in ("4", "6"):
        doc["status"] = "rejected"
    elif any(m["status"] == "rejected" for m in messages):
        doc["status"] = "partially_accepted"
    else:
        doc["status"] = "accepted"
    doc["errors"] = errors
    doc["messages"] = messages
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number",
                        "acknowledged", "level"))


# --- QALITY (a quality notice: one non-conformance) ----------------------------------------------

_QN_PURPOSE = {"9": "original", "5": "replace", "1": "cancel"}
_QN_REFERENCES = {"ON": "order", "AAK": "despatch_advice", "ALO": "receipt"}
_SEVERITIES = ("minor", "major", "critical")


def map_qality(segs: list[Segment], groups: list, ctx: Context) -> dict[str, Any]:
    doc = _header("quality_notice", None, ctx)
    dates: dict[str, str] = {}
    parties: dict[str, dict[str, str]] = {}
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    bgm_pos = 1
    for pos, seg in enumerate(segs, 1):
        ctx.pos = pos
        tag = seg[0]
        if tag == "LIN":
            line = lin_line(seg, len(lines) + 1, "buyer_part")
            lines.append(line)
        elif tag == "QTY":
            if line is not None and comp(seg, 1, 1) in ("96", "185", "195") and "quantity" not in line:
                q = decimal(comp(seg, 1, 2), ctx, "QTY", "1.2")
                if q is not None:
                    line["quantity"] = q
                unit = comp(seg, 1, 3)
                if unit:
                    line["unit"] = unit
        elif tag == "CCI":
            if line is not None and "defect_code" not in line and comp(seg, 3, 1):
                line["defect_code"] = comp(seg, 3, 1)
                if comp(seg, 3, 4):
                    line["defect_description"] = comp(seg, 3, 4)
        elif tag == "RFF":
            qual, value = comp(seg, 1, 1), comp(seg, 1, 2)
            if line is not None:
                if qual == "BT" and value:
                    line.setdefault("lot", value)
            elif qual in _QN_REFERENCES and value:
                doc.setdefault(_QN_REFERENCES[qual], value)
        elif tag == "FTX":
            if line is None:
                text = "".join(components(seg, 4))
                if el(seg, 1) == "ACL" and text:
                    doc.setdefault("description", text[:350])
                elif el(seg, 1) == "PRI" and text.strip().lower() in _SEVERITIES:
                    doc.setdefault("severity", text.strip().lower())
        elif tag == "DTM":
            qual = comp(seg, 1, 1)
            if line is None and qual in ("137", "164"):
                d = date_of(seg, ctx)
                if d:
                    dates.setdefault(qual, d)
        elif tag == "PIA":
            if line is not None:
                pia(seg, line, "buyer_part")
        elif tag == "IMD":
            if line is not None:
                imd(seg, line)
        elif tag == "NAD":
            if line is None:
                parties.setdefault(el(seg, 1), party(seg))
        elif tag == "BGM":
            bgm_pos = pos
            doc["id"] = el(seg, 2)
            doc["purpose"] = _QN_PURPOSE.get(el(seg, 3), "original")
    _finish_header(doc, dates, ctx, bgm_pos)
    doc.setdefault("purpose", "original")
    if "164" in dates:
        doc["closed"] = dates["164"]
    _parties(doc, parties, {"buyer": ("BY",), "supplier": ("SU", "SE")})
    doc["lines"] = lines
    return _order(doc, ("type", "id", "issued", "sender", "receiver", "control_number", "purpose"))


MAPPERS: dict[str, Callable[[list[Segment], list, Context], dict[str, Any]]] = {
    "ORDERS": map_orders,
    "ORDCHG": map_orders,
    "ORDRSP": map_ordrsp,
    "DESADV": map_desadv,
    "DELFOR": map_delfor,
    "INVOIC": map_invoic,
    "CONTRL": map_contrl,
    "QALITY": map_qality,
}

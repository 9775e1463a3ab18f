"""830 planning schedule (delivery_schedule) and 810 invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from edi.codecs.base import CanonicalError
from edi.codecs.x12.maps.common import (
    Context,
    Parties,
    Segment,
    date,
    dec,
    first_component,
    g,
    header,
    line_no,
    n2,
    read_products,
    to_n2,
    write_party,
    write_products,
    x12_date,
)
from edi.codecs.x12.units import unit_from_x12, unit_to_x12

_SCHEDULE_ROLES = {"BY": ("buyer", 0), "MI": ("buyer", 1), "SU": ("supplier", 0),
                   "SE": ("supplier", 1), "VN": ("supplier", 2), "ST": ("ship_to", 0)}
_FIRM = {"A", "C"}


def read_830(segs: list[Segment], ctx: Context) -> dict[str, Any]:
    doc = header(ctx, "delivery_schedule")
    parties = Parties(_SCHEDULE_ROLES)
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    for el in segs:
        tag = el[0]
        if tag == "BFR":
            doc["id"] = g(el, 2) or g(el, 3) or ctx.control
            doc["issued"] = date(g(el, 8))
            if g(el, 6):
                doc["horizon_start"] = date(g(el, 6))
            if g(el, 7):
                doc["horizon_end"] = date(g(el, 7))
        elif tag == "LIN":
            line = {}
            if g(el, 1):
                line["line"] = g(el, 1)
            read_products(el, 2, line)
            line["schedule"] = []
            lines.append(line)
        elif line is None:
            if tag == "N1":
                parties.take(doc, el)
        elif tag == "UIT":
            unit = first_component(g(el, 1), ctx.cs)
            if unit:
                line["unit"] = unit_from_x12(unit)
        elif tag == "PID":
            if g(el, 1) == "F" and g(el, 5) and "description" not in line:
                line["description"] = g(el, 5)
        elif tag == "FST":
            start = date(g(el, 4))
            line["schedule"].append({
                "start": start, "end": date(g(el, 5)) if g(el, 5) else start,
                "quantity": dec(g(el, 1)),
                "commitment": "firm" if g(el, 2) in _FIRM else "planned"})
    doc["lines"] = lines
    return doc


def write_delivery_schedule(doc: dict[str, Any]) -> tuple[str, list[Segment]]:
    starts = [p["start"] for ln in doc["lines"] for p in ln["schedule"]]
    ends = [p["end"] for ln in doc["lines"] for p in ln["schedule"]]
    start = doc.get("horizon_start") or (min(starts) if starts else doc["issued"])
    end = doc.get("horizon_end") or (max(ends) if ends else "")
    segs: list[Segment] = [["BFR", "00", doc["id"], "", "DL", "A", x12_date(start),
                            x12_date(end) if end else "", x12_date(doc["issued"])]]
    for key, code in (("buyer", "BY"), ("supplier", "SU"), ("ship_to", "ST")):
        if key in doc:
            segs.append(write_party(code, doc[key]))
    for line in doc["lines"]:
        products = write_products(line)
        if not products:
            raise CanonicalError("an 830 line needs buyer_part, supplier_part or gtin")
        segs.append(["LIN", line.get("line", ""), *products])
        if line.get("unit"):
            segs.append(["UIT", unit_to_x12(line["unit"], f"line {line.get('line', '')}")])
        if line.get("description"):
            segs.append(["PID", "F", "", "", "", line["description"]])
        for p in line["schedule"]:
            single = p["start"] == p["end"]
            segs.append(["FST", p["quantity"], "C" if p["commitment"] == "firm" else "D",
                         "D" if single else "F", x12_date(p["start"]),
                         "" if single else x12_date(p["end"])])
    segs.append(["CTT", str(len(doc["lines"]))])
    return "830", segs


# --- 810 ---------------------------------------------------------------------------------------

_INVOICE_ROLES = {"BY": ("buyer", 0), "BT": ("buyer", 1), "SE": ("supplier", 0),
                  "RE": ("supplier", 1), "VN": ("supplier", 2)}


def read_810(segs: list[Segment], ctx: Context) -> dict[str, Any]:
    doc = header(ctx, "invoice")
    parties = Parties(_INVOICE_ROLES)
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    summary = False
    taxes: list[str] = []
    for el in segs:
        tag = el[0]
        if tag == "BIG":
            doc["issued"], doc["id"] = date(g(el, 1)), g(el, 2)
            doc["kind"] = "credit_note" if g(el, 7) == "CR" else "invoice"
            if g(el, 4):
                doc["order"] = g(el, 4)
        elif tag == "TDS":
            summary = True
            doc["total"] = n2(g(el, 1))
            if g(el, 2):
                doc["subtotal"] = n2(g(el, 2))
        elif summary:
            if tag == "TXI" and g(el, 2):
                taxes.append(dec(g(el, 2)))
        elif tag == "IT1":
            line = {"line": line_no(g(el, 1), len(lines) + 1)}
            read_products(el, 6, line)
            if g(el, 2):
                line["quantity"] = dec(g(el, 2))
            if g(el, 3):
                line["unit"] = unit_from_x12(g(el, 3))
            if g(el, 4):
                line["price"] = dec(g(el, 4))
            lines.append(line)
        elif line is None:
            if tag == "CUR" and g(el, 2):
                doc["currency"] = g(el, 2)
            elif tag == "N1":
                parties.take(doc, el)
        elif tag == "PID":
            if g(el, 1) == "F" and g(el, 5) and "description" not in line:
                line["description"] = g(el, 5)
        elif tag == "REF":
            if g(el, 1) == "PO" and g(el, 2) and "order" not in line:
                line["order"] = g(el, 2)
    if len(taxes) == 1:
        doc["tax"] = taxes[0]
    elif taxes:
        doc["tax"] = str(sum(Decimal(t) for t in taxes))
    doc["lines"] = lines
    return doc


def write_invoice(doc: dict[str, Any]) -> tuple[str, list[Segment]]:
    segs: list[Segment] = [["BIG", x12_date(doc["issued"]), doc["id"], "", doc.get("order", ""),
                            "", "", "CR" if doc["kind"] == "credit_note" else ""]]
    if doc.get("currency"):
        segs.append(["CUR", "SE", doc["currency"]])
    for key, code in (("buyer", "BY"), ("supplier", "SE")):
        if key in doc:
            segs.append(write_party(code, doc[key]))
    for line in doc["lines"]:
        qty, price = line.get("quantity", ""), line.get("price", "")
        unit = unit_to_x12(line.get("unit", ""), f"line {line['line']}")
        segs.append(["IT1", line["line"], qty, unit, price, "PE" if price else ""]
                    + write_products(line))
        if line.get("description"):
            segs.append(["PID", "F", "", "", "", line["description"]])
        if line.get("order"):
            segs.append(["REF", "PO", line["order"]])
    total = doc.get("total")
    if total is None:
        raise CanonicalError("an 810 needs total (TDS01 is mandatory)")
    tds = ["TDS", to_n2(total, "total")]
    if doc.get("subtotal"):
        tds.append(to_n2(doc["subtotal"], "subtotal"))
    segs.append(tds)
    if doc.get("tax"):
        segs.append(["TXI", "TX", doc["tax"]])
    segs.append(["CTT", str(len(doc["lines"]))])
    return "810", segs

"""850 / 860 (purchase_order) and 855 (order_response)."""

from __future__ import annotations

from typing import Any

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
    read_products,
    write_party,
    write_products,
    x12_date,
)
from edi.codecs.x12.units import unit_from_x12, unit_to_x12

_PO_ROLES = {"BY": ("buyer", 0), "SE": ("supplier", 0), "SU": ("supplier", 1),
             "VN": ("supplier", 2), "ST": ("ship_to", 0)}
_BEG_PURPOSE = {"00": "original", "05": "replace", "01": "cancel", "04": "change"}
_PURPOSE_BEG = {"original": "00", "replace": "05", "cancel": "01", "change": "04"}
_BCH_PURPOSE = {"01": "cancel", "05": "replace"}
_PURPOSE_BCH = {"change": "04", "cancel": "01", "replace": "05", "original": "04"}
_POC_ACTION = {"AI": "add", "DI": "cancel", "NC": None}
_ACTION_POC = {"add": "AI", "cancel": "DI", "change": "CA", None: "NC"}


def _line_date(target: dict[str, Any], value: str) -> None:
    if value and "delivery_date" not in target:
        target["delivery_date"] = date(value)


def read_850(segs: list[Segment], ctx: Context) -> dict[str, Any]:
    doc = header(ctx, "purchase_order")
    parties = Parties(_PO_ROLES)
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    change = ctx.set_id == "860"
    for el in segs:
        tag = el[0]
        if tag == "BEG":
            doc["purpose"] = _BEG_PURPOSE.get(g(el, 1), "original")
            doc["id"], doc["issued"] = g(el, 3), date(g(el, 5))
            if g(el, 2) and g(el, 2) != "SA":
                doc["x_order_type"] = g(el, 2)
        elif tag == "BCH":
            doc["purpose"] = _BCH_PURPOSE.get(g(el, 1), "change")
            doc["id"], doc["issued"] = g(el, 3), date(g(el, 6))
            if g(el, 11):
                doc["x_change_date"] = date(g(el, 11))
        elif tag in ("PO1", "POC"):
            line = {"line": line_no(g(el, 1), len(lines) + 1)}
            if change:
                action = _POC_ACTION.get(g(el, 2), "change")
                if action:
                    line["action"] = action
                qty, unit, price, start = g(el, 3), first_component(g(el, 5), ctx.cs), g(el, 6), 8
            else:
                qty, unit, price, start = g(el, 2), g(el, 3), g(el, 4), 6
            read_products(el, start, line)
            if qty:
                line["quantity"] = dec(qty)
            if unit:
                line["unit"] = unit_from_x12(unit)
            if price:
                line["price"] = dec(price)
            lines.append(line)
        elif line is None:
            if tag == "CUR" and g(el, 2):
                doc["currency"] = g(el, 2)
            elif tag == "DTM" and g(el, 1) == "002":
                _line_date(doc, g(el, 2))
            elif tag == "N1":
                parties.take(doc, el)
        elif tag == "PID":
            if g(el, 1) == "F" and g(el, 5) and "description" not in line:
                line["description"] = g(el, 5)
        elif tag == "DTM":
            if g(el, 1) == "002":
                _line_date(line, g(el, 2))
        elif tag == "SCH":
            if g(el, 5) == "002":
                _line_date(line, g(el, 6))
    doc["lines"] = lines
    return doc


def write_purchase_order(doc: dict[str, Any]) -> tuple[str, list[Segment]]:
    change = doc["purpose"] in ("change", "cancel") or any("action" in ln for ln in doc["lines"])
    segs: list[Segment] = []
    if change:
        segs.append(["BCH", _PURPOSE_BCH[doc["purpose"]], "SA", doc["id"], "", "",
                     x12_date(doc["issued"])])
    else:
        segs.append(["BEG", _PURPOSE_BEG[doc["purpose"]], "SA", doc["id"], "",
                     x12_date(doc["issued"])])
    if doc.get("currency"):
        segs.append(["CUR", "BY", doc["currency"]])
    if doc.get("delivery_date"):
        segs.append(["DTM", "002", x12_date(doc["delivery_date"])])
    for key, code in (("buyer", "BY"), ("supplier", "SE"), ("ship_to", "ST")):
        if key in doc:
            segs.append(write_party(code, doc[key]))
    for line in doc["lines"]:
        qty, price = line.get("quantity", ""), line.get("price", "")
        unit = unit_to_x12(line.get("unit", ""), f"line {line['line']}")
        if change:
            segs.append(["POC", line["line"], _ACTION_POC[line.get("action")], qty, "", unit,
                         price, "PE" if price else ""] + write_products(line))
        else:
            segs.append(["PO1", line["line"], qty, unit, price, "PE" if price else ""]
                        + write_products(line))
        if line.get("description"):
            segs.append(["PID", "F", "", "", "", line["description"]])
        if line.get("delivery_date"):
            segs.append(["DTM", "002", x12_date(line["delivery_date"])])
    segs.append(["CTT", str(len(doc["lines"]))])
    return ("860" if change else "850"), segs


# --- 855 ---------------------------------------------------------------------------------------

_BAK_STATUS = {"AC": "changed", "AE": "changed", "RD": "rejected", "RF": "rejected",
               "RJ": "rejected", "RO": "rejected"}
_STATUS_BAK = {"accepted": "AD", "changed": "AC", "rejected": "RJ"}
_ACK_STATUS = {"IC": "changed", "IQ": "changed", "IP": "changed", "DR": "changed",
               "IS": "changed", "IB": "changed", "BP": "changed", "IR": "rejected",
               "ID": "rejected", "R1": "rejected", "R2": "rejected", "R3": "rejected",
               "R4": "rejected", "R5": "rejected", "R6": "rejected", "R7": "rejected",
               "R8": "rejected"}
_STATUS_ACK = {"accepted": "IA", "changed": "IC", "rejected": "IR"}
_RESPONSE_ROLES = {"BY": ("buyer", 0), "SE": ("supplier", 0), "SU": ("supplier", 1),
                   "VN": ("supplier", 2)}


def read_855(segs: list[Segment], ctx: Context) -> dict[str, Any]:
    doc = header(ctx, "order_response")
    parties = Parties(_RESPONSE_ROLES)
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] | None = None
    acked = False
    for el in segs:
        tag = el[0]
        if tag == "BAK":
            doc["order"] = g(el, 3)
            doc["status"] = _BAK_STATUS.get(g(el, 2), "accepted")
            doc["id"] = g(el, 8) or g(el, 3)
            doc["issued"] = date(g(el, 9) or g(el, 4))
        elif tag == "PO1":
            line = {"line": line_no(g(el, 1), len(lines) + 1)}
            read_products(el, 6, line)
            if g(el, 2):
                line["quantity"] = dec(g(el, 2))
            if g(el, 3):
                line["unit"] = unit_from_x12(g(el, 3))
            if g(el, 4):
                line["price"] = dec(g(el, 4))
            lines.append(line)
            acked = False
        elif line is None:
            if tag == "N1":
                parties.take(doc, el)
        elif tag == "PID":
            if g(el, 1) == "F" and g(el, 5) and "description" not in line:
                line["description"] = g(el, 5)
        elif tag == "ACK" and not acked:
            acked = True
            line["status"] = _ACK_STATUS.get(g(el, 1), "accepted")
            if g(el, 2):
                line["quantity"] = dec(g(el, 2))
            if g(el, 3):
                line["unit"] = unit_from_x12(g(el, 3))
            if g(el, 5):
                line["delivery_date"] = date(g(el, 5))
    for ln in lines:
        if "status" not in ln:
            ln["status"] = "rejected" if doc.get("status") == "rejected" else "accepted"
    doc["lines"] = lines
    return doc


def write_order_response(doc: dict[str, Any]) -> tuple[str, list[Segment]]:
    issued = x12_date(doc["issued"])
    own = doc["id"] if doc["id"] != doc["order"] else ""
    segs: list[Segment] = [["BAK", "00", _STATUS_BAK[doc["status"]], doc["order"], issued, "",
                            "", "", own, issued]]
    for key, code in (("buyer", "BY"), ("supplier", "SE")):
        if key in doc:
            segs.append(write_party(code, doc[key]))
    for line in doc["lines"]:
        qty, price = line.get("quantity", ""), line.get("price", "")
        unit = unit_to_x12(line.get("unit", ""), f"line {line['line']}")
        segs.append(["PO1", line["line"], qty, unit, price, "PE" if price else ""]
                    + write_products(line))
        if line.get("description"):
            segs.append(["PID", "F", "", "", "", line["description"]])
        when = line.get("delivery_date")
        both = bool(qty and unit)  # ACK02/ACK03 are paired; PO1 carries a lone quantity
        segs.append(["ACK", _STATUS_ACK[line["status"]], qty if both else "",
                     unit if both else "", "067" if when else "",
                     x12_date(when) if when else ""])
    segs.append(["CTT", str(len(doc["lines"]))])
    return "855", segs

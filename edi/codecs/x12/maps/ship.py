"""856 ship notice <-> despatch_advice.

Reading walks the HL hierarchy through HL01/HL02 (any order, any depth): an item (I) takes its
order from the nearest order (O) level above it, and its package from the nearest pack (P) or
tare (T) level. Writing emits shipment / order / tare-pack / item (BSN05 0001), or shipment /
order / item (0004) when there are no packages.
"""

from __future__ import annotations

from typing import Any

from edi.codecs.base import CanonicalError
from edi.codecs.x12.maps.common import (
    Context,
    Parties,
    Segment,
    date,
    dec,
    g,
    header,
    line_no,
    read_products,
    write_party,
    write_products,
    x12_date,
)
from edi.codecs.x12.units import unit_from_x12, unit_to_x12

_ROLES = {"SF": ("supplier", 0), "SU": ("supplier", 1), "BY": ("buyer", 0),
          "ST": ("ship_to", 0)}
# EDIFACT 7065 package types to X12 packaging codes (103 is 3-5 characters).
PACKAGE_TYPES = {"CT": "CTN", "PX": "PLT", "BX": "BOX", "CS": "CAS", "BG": "BAG", "PK": "PKG",
                 "CR": "CRT", "DR": "DRM", "RL": "ROL", "TB": "TBE", "SW": "SHR"}
# ... and back on read, so DESADV -> 856 -> DESADV keeps the 7065 code. One-to-one; a TD101
# with a material suffix (CTN25, PLT94) is kept as sent.
PACKAGE_TYPES_IN = {x12: edifact for edifact, x12 in PACKAGE_TYPES.items()}
assert len(PACKAGE_TYPES_IN) == len(PACKAGE_TYPES)


def read_856(segs: list[Segment], ctx: Context) -> dict[str, Any]:
    doc = header(ctx, "despatch_advice")
    parties = Parties(_ROLES)
    nodes: dict[str, dict[str, Any]] = {}
    order_of_nodes: list[dict[str, Any]] = []
    node: dict[str, Any] | None = None
    tracking_rank = 9
    for el in segs:
        tag = el[0]
        if tag == "BSN":
            doc["id"], doc["issued"] = g(el, 2), date(g(el, 3))
        elif tag == "DTM":
            key = {"011": "shipped", "017": "expected_delivery"}.get(g(el, 1))
            if key and g(el, 2) and key not in doc:
                doc[key] = date(g(el, 2))
        elif tag == "HL":
            hid = g(el, 1) or str(len(order_of_nodes) + 1)
            node = {"id": hid, "parent": g(el, 2), "code": g(el, 3)}
            if node["code"] == "I":
                node["line"] = {}
            elif node["code"] in ("P", "T"):
                node["package"] = {"id": hid}
            nodes[hid] = node
            order_of_nodes.append(node)
        elif node is None:
            continue
        elif tag == "TD5":
            carrier: dict[str, str] = {}
            if g(el, 3):
                carrier["id"] = g(el, 3)
                if g(el, 2) not in ("", "2"):
                    carrier["qualifier"] = g(el, 2)
            if g(el, 5):
                carrier["name"] = g(el, 5)
            if carrier and "carrier" not in doc:
                doc["carrier"] = carrier
        elif tag == "REF":
            qual, value = g(el, 1), g(el, 2) or g(el, 3)
            if not value:
                continue
            rank = {"CN": 0, "BM": 1}.get(qual)
            if rank is not None and rank < tracking_rank:
                doc["tracking"], tracking_rank = value, rank
            line = node.get("line")
            if line is not None:
                if qual == "LT" and "lot" not in line:
                    line["lot"] = value
                elif qual == "SE":
                    line.setdefault("serials", []).append(value)
                elif qual == "LI" and "order_line" not in line:
                    line["order_line"] = value
        elif tag == "N1":
            parties.take(doc, el)
        elif tag == "PRF":
            if g(el, 1):
                node["order"] = g(el, 1)
        elif "line" in node:
            line = node["line"]
            if tag == "LIN":
                node["number"] = g(el, 1)
                others = read_products(el, 2, line)
                if "LT" in others and "lot" not in line:
                    line["lot"] = others["LT"][0]
                if "SN" in others:
                    line.setdefault("serials", []).extend(others["SN"])
            elif tag == "SN1":
                if g(el, 2):
                    line["quantity"] = dec(g(el, 2))
                if g(el, 3):
                    line["unit"] = unit_from_x12(g(el, 3))
            elif tag == "SLN":
                for i in range(9, len(el) - 1, 2):
                    if el[i].strip() == "SN" and el[i + 1].strip():
                        line.setdefault("serials", []).append(el[i + 1].strip())
            elif tag == "PID":
                if g(el, 1) == "F" and g(el, 5) and "description" not in line:
                    line["description"] = g(el, 5)
        elif "package" in node:
            package = node["package"]
            if tag == "MAN" and g(el, 1) == "GM" and g(el, 2) and "sscc" not in package:
                package["sscc"] = g(el, 2)
            elif tag == "TD1" and g(el, 1) and "type" not in package:
                package["type"] = PACKAGE_TYPES_IN.get(g(el, 1), g(el, 1))
            elif tag == "PO4" and g(el, 4) and "type" not in package:
                package["type"] = PACKAGE_TYPES_IN.get(g(el, 4), g(el, 4))

    def ancestor(n: dict[str, Any], want: tuple[str, ...], field: str | None = None):
        seen = 0
        cur = nodes.get(n["parent"]) if n["parent"] else None
        while cur is not None and cur is not n and seen <= len(nodes):
            if cur["code"] in want and (field is None or field in cur):
                return cur
            cur = nodes.get(cur["parent"]) if cur["parent"] else None
            seen += 1
        return None

    lines: list[dict[str, Any]] = []
    packages: list[dict[str, Any]] = []
    for n in order_of_nodes:
        if "package" in n:
            pkg = n["package"]
            parent = ancestor(n, ("P", "T"))
            if parent is not None:
                pkg["parent"] = parent["id"]
            packages.append(pkg)
    for n in order_of_nodes:
        if "line" not in n:
            continue
        line = {"line": line_no(n.get("number", ""), len(lines) + 1), **n["line"]}
        order = n.get("order") or (ancestor(n, ("O", "S", "P", "T"), "order") or {}).get("order")
        if order:
            line["order"] = order
        lines.append(line)
        box = ancestor(n, ("P", "T"))
        if box is not None:
            box["package"].setdefault("lines", []).append(line["line"])
    orders = {ln["order"] for ln in lines if "order" in ln}
    if len(orders) == 1 and all("order" in ln for ln in lines):
        doc["order"] = orders.pop()
    doc["lines"] = lines
    if packages:
        doc["packages"] = packages
    return doc


def write_despatch_advice(doc: dict[str, Any]) -> tuple[str, list[Segment]]:
    lines = doc["lines"]
    packages = doc.get("packages", [])
    by_id = {p["id"]: p for p in packages}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for p in packages:
        children.setdefault(p.get("parent"), []).append(p)
    packed: dict[str, str] = {n: p["id"] for p in packages for n in p.get("lines", [])}
    line_by_no = {ln["line"]: ln for ln in lines}

    def order_of(line: dict[str, Any]) -> str | None:
        return line.get("order") or doc.get("order")

    groups: list[str | None] = []
    for ln in lines:
        if order_of(ln) not in groups:
            groups.append(order_of(ln))
    if not groups:
        groups.append(doc.get("order"))

    def subtree_orders(p: dict[str, Any], depth: int = 0) -> set[str | None]:
        if depth > len(packages):
            raise CanonicalError("packages: parent cycle")
        found = {order_of(line_by_no[n]) for n in p.get("lines", []) if n in line_by_no}
        for c in children.get(p["id"], []):
            found |= subtree_orders(c, depth + 1)
        return found

    roots: dict[str | None, list[dict[str, Any]]] = {}
    for p in children.get(None, []):
        owners = subtree_orders(p)
        if len(owners) > 1:
            raise CanonicalError(f"package {p['id']} holds lines of several orders: the 856 "
                                 "order/pack hierarchy cannot express that")
        roots.setdefault(owners.pop() if owners else groups[0], []).append(p)
    for p in packages:
        if p.get("parent") is not None and p["parent"] not in by_id:
            raise CanonicalError(f"package {p['id']}: unknown parent {p['parent']}")

    used = set(by_id)
    counter = [0]

    def next_id() -> str:
        while True:
            counter[0] += 1
            if str(counter[0]) not in used:
                used.add(str(counter[0]))
                return str(counter[0])

    segs: list[Segment] = [["BSN", "00", doc["id"], x12_date(doc["issued"]), "0000",
                            "0001" if packages else "0004"]]
    if doc.get("shipped"):
        segs.append(["DTM", "011", x12_date(doc["shipped"])])
    if doc.get("expected_delivery"):
        segs.append(["DTM", "017", x12_date(doc["expected_delivery"])])
    hl_count = 0
    ship = next_id()
    segs.append(["HL", ship, "", "S"])
    hl_count += 1
    carrier = doc.get("carrier")
    if carrier:
        ident = carrier.get("id", "")
        segs.append(["TD5", "", (carrier.get("qualifier") or "2") if ident else "", ident, "",
                     carrier.get("name", "")])
    if doc.get("tracking"):
        segs.append(["REF", "CN", doc["tracking"]])
    for key, code in (("supplier", "SF"), ("ship_to", "ST"), ("buyer", "BY")):
        if key in doc:
            segs.append(write_party(code, doc[key]))

    def item(line: dict[str, Any], parent: str) -> None:
        nonlocal hl_count
        segs.append(["HL", next_id(), parent, "I"])
        hl_count += 1
        products = write_products(line)
        if not products:
            raise CanonicalError(f"line {line['line']}: an 856 LIN needs buyer_part, "
                                 "supplier_part or gtin")
        segs.append(["LIN", line["line"], *products])
        segs.append(["SN1", "", line["quantity"],
                     unit_to_x12(line.get("unit") or "EA", f"line {line['line']}")])
        if line.get("description"):
            segs.append(["PID", "F", "", "", "", line["description"]])
        if line.get("order_line"):
            segs.append(["REF", "LI", line["order_line"]])
        if line.get("lot"):
            segs.append(["REF", "LT", line["lot"]])
        for serial in line.get("serials", []):
            segs.append(["REF", "SE", serial])

    def package(p: dict[str, Any], parent: str, depth: int = 0) -> None:
        nonlocal hl_count
        kids = children.get(p["id"], [])
        segs.append(["HL", p["id"], parent, "T" if kids else "P"])
        hl_count += 1
        kind = p.get("type")
        if kind:
            kind = PACKAGE_TYPES.get(kind, kind)
            segs.append(["TD1", kind, "1"])
        if p.get("sscc"):
            segs.append(["MAN", "GM", p["sscc"]])
        for n in p.get("lines", []):
            if n in line_by_no:
                item(line_by_no[n], p["id"])
        for c in kids:
            package(c, p["id"], depth + 1)

    for order in groups:
        hid = next_id()
        segs.append(["HL", hid, ship, "O"])
        hl_count += 1
        if order:
            segs.append(["PRF", order])
        for p in roots.get(order, []):
            package(p, hid)
        for ln in lines:
            if order_of(ln) == order and ln["line"] not in packed:
                item(ln, hid)
    segs.append(["CTT", str(hl_count)])
    return "856", segs

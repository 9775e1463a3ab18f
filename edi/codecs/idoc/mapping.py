"""IDoc segments <-> canonical documents (docs/erp-idoc.md has the table).

ORDERS05 (MESTYP ORDERS / ORDCHG) <-> purchase_order, ORDERS05 (MESTYP ORDRSP) <->
order_response, DELVRY03 (MESTYP DESADV) <-> despatch_advice, INVOIC02 (MESTYP INVOIC) <->
invoice. Each reader is the writer's inverse, so a canonical document written and read back is
the same document (the round-trip tests hold them to it).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from lxml import etree

from edi.codecs.base import CanonicalError, EdiSyntaxError, UnsupportedDocument
from edi.codecs.idoc.xml import element, text

# --- value conversions ---------------------------------------------------------------------------

_SAP_DECIMAL = re.compile(r"^(-?)([0-9]*)(?:[.,]([0-9]*))?(-?)$")


def sap_date(value: str, where: str) -> str | None:
    value = value.strip()
    if not value or set(value) == {"0"}:
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").date().isoformat()
    except ValueError:
        raise EdiSyntaxError(f"{where}: not a date YYYYMMDD") from None


def to_sap_date(value: str | None) -> str | None:
    return value.replace("-", "") if value else None


def sap_decimal(value: str, where: str) -> str:
    """SAP writes ``"500.000"``, ``" 12,5"`` or ``"5.000-"`` (trailing minus); canonical is ``"-5.000"``."""
    m = _SAP_DECIMAL.match(value.strip())
    if not m or not (m.group(2) or m.group(3)) or (m.group(1) and m.group(4)):
        raise EdiSyntaxError(f"{where}: not a number")
    whole, frac = m.group(2) or "0", m.group(3)
    sign = "-" if (m.group(1) or m.group(4)) else ""
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        doc[key] = value


def _party(node: etree._Element, id_tag: str, name_tag: str = "NAME1") -> dict[str, str] | None:
    party: dict[str, str] = {}
    _put(party, "id", text(node, id_tag)[:35])
    _put(party, "name", text(node, name_tag)[:70])
    return party or None


# --- control record ---------------------------------------------------------------------------------

def read_control(idoc: etree._Element, n: int) -> dict[str, str]:
    dc = idoc.find("EDI_DC40")
    if dc is None:
        raise EdiSyntaxError(f"IDoc {n}: no control record EDI_DC40")
    docnum = text(dc, "DOCNUM").lstrip("0") or "0"
    return {
        "idoctyp": text(dc, "IDOCTYP").upper(), "mestyp": text(dc, "MESTYP").upper(),
        "sender": text(dc, "SNDPRN")[:35], "receiver": text(dc, "RCVPRN")[:35],
        "control_number": docnum[-14:], "credat": text(dc, "CREDAT"), "cretim": text(dc, "CRETIM"),
    }


def write_control(idoc: etree._Element, doc: dict[str, Any], *, idoctyp: str, mestyp: str, direct: str) -> None:
    number = re.sub(r"[^0-9]", "", str(doc.get("control_number") or "")) or "1"
    element(idoc, "EDI_DC40", TABNAM="EDI_DC40", DOCNUM=number[-16:].zfill(16), DIRECT=direct, IDOCTYP=idoctyp,
            MESTYP=mestyp, SNDPOR="TSUNAGI" if direct == "2" else "SAP", SNDPRT="LS",
            SNDPRN=doc.get("sender") or "TSUNAGI", RCVPOR="SAP" if direct == "2" else "TSUNAGI", RCVPRT="LS",
            RCVPRN=doc.get("receiver") or "SAP", CREDAT=to_sap_date(doc.get("issued")), CRETIM="000000")


def _header(doc_type: str, ctl: dict[str, str], ident: str, issued: str | None, n: int) -> dict[str, Any]:
    if not ident:
        raise EdiSyntaxError(f"IDoc {n}: the {doc_type} has no number")
    if issued is None:
        issued = sap_date(ctl["credat"], f"IDoc {n} EDI_DC40-CREDAT")
    if issued is None:
        raise EdiSyntaxError(f"IDoc {n}: no document date (E1EDK03 012) and no EDI_DC40-CREDAT")
    return {"type": doc_type, "id": ident[:35], "issued": issued, "sender": ctl["sender"] or "SAP",
            "receiver": ctl["receiver"] or "TSUNAGI", "control_number": ctl["control_number"]}


def _dates(idoc: etree._Element, segment: str, n: int) -> dict[str, str]:
    out = {}
    for node in idoc.findall(segment):
        value = sap_date(text(node, "DATUM"), f"IDoc {n} {segment}-DATUM")
        if value:
            out.setdefault(text(node, "IDDAT"), value)
    return out


def _refs(node: etree._Element, segment: str) -> dict[str, etree._Element]:
    out: dict[str, etree._Element] = {}
    for ref in node.findall(segment):
        out.setdefault(text(ref, "QUALF"), ref)
    return out


def _parts_in(item: etree._Element) -> dict[str, str]:
    """E1EDP19: 001 buyer's material, 002 supplier's material, 003 EAN/GTIN; KTEXT description."""
    out: dict[str, str] = {}
    for node in item.findall("E1EDP19"):
        key = {"001": "buyer_part", "002": "supplier_part", "003": "gtin"}.get(text(node, "QUALF"))
        if key:
            _put(out, key, text(node, "IDTNR")[:35])
        if text(node, "KTEXT") and "description" not in out:
            out["description"] = text(node, "KTEXT")[:70]
    return out


def _parts_out(item: etree._Element, line: dict[str, Any]) -> None:
    for qualf, key in (("001", "buyer_part"), ("002", "supplier_part"), ("003", "gtin")):
        if line.get(key):
            element(item, "E1EDP19", QUALF=qualf, IDTNR=line[key],
                    KTEXT=line.get("description") if qualf == "001" else None)
    if line.get("description") and not line.get("buyer_part"):
        element(item, "E1EDP19", QUALF="001", KTEXT=line["description"])


# --- ORDERS05: purchase_order and order_response ---------------------------------------------------------

PARTNER_ROLES = {"AG": "buyer", "LF": "supplier", "WE": "ship_to"}
# Item actions: ORDERS/ORDCHG 001 add, 002 change, 003 cancel; ORDRSP 000 accepted, 002 changed, 003 rejected
PO_ACTIONS = {"001": "add", "002": "change", "003": "cancel"}
RSP_STATUS = {"000": "accepted", "": "accepted", "001": "accepted", "002": "changed", "003": "rejected"}
RSP_ACTION = {"accepted": "000", "changed": "002", "rejected": "003"}
REVISION_QUALF = "ZRV"
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def _revision_from_control(ctl: dict[str, str]) -> int | None:
    """No revision in the IDoc: the creation time, in seconds since 2000, orders the IDocs of an order."""
    try:
        made = datetime.strptime(ctl["credat"] + (ctl["cretim"] or "000000").ljust(6, "0")[:6],
                                 "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return max(0, int((made - _EPOCH).total_seconds()))


def read_orders(idoc: etree._Element, ctl: dict[str, str], n: int) -> dict[str, Any]:
    if ctl["mestyp"] == "ORDRSP":
        return read_ordrsp(idoc, ctl, n)
    k01 = idoc.find("E1EDK01")
    if k01 is None:
        raise EdiSyntaxError(f"IDoc {n}: ORDERS05 without E1EDK01")
    refs = _refs(idoc, "E1EDK02")
    number = text(k01, "BELNR") or (text(refs["001"], "BELNR") if "001" in refs else "")
    dates = _dates(idoc, "E1EDK03", n)
    doc = _header("purchase_order", ctl, number, dates.get("012"), n)
    action = text(k01, "ACTION")
    if ctl["mestyp"] == "ORDCHG":
        doc["purpose"] = "cancel" if action == "003" else "change"
    else:
        doc["purpose"] = {"003": "cancel", "004": "replace"}.get(action, "original")
    if REVISION_QUALF in refs:
        raw = text(refs[REVISION_QUALF], "BELNR")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise EdiSyntaxError(f"IDoc {n}: E1EDK02 {REVISION_QUALF} (revision) must be a whole number")
        doc["revision"] = int(raw)
    else:
        _put(doc, "revision", _revision_from_control(ctl))
    _put(doc, "currency", text(k01, "CURCY")[:3])
    for party in idoc.findall("E1EDKA1"):
        role = PARTNER_ROLES.get(text(party, "PARVW"))
        if role and role not in doc:
            _put(doc, role, _party(party, "PARTN"))
    _put(doc, "delivery_date", dates.get("002"))
    lines = []
    for m, item in enumerate(idoc.findall("E1EDP01"), start=1):
        where = f"IDoc {n} item {m}"
        line: dict[str, Any] = {"line": text(item, "POSEX") or str(m)}
        line.update(_parts_in(item))
        if text(item, "MENGE"):
            line["quantity"] = sap_decimal(text(item, "MENGE"), f"{where} MENGE")
        _put(line, "unit", text(item, "MENEE")[:3])
        if text(item, "VPREI"):
            line["price"] = sap_decimal(text(item, "VPREI"), f"{where} VPREI")
        schedule = item.find("E1EDP20")
        if schedule is not None:
            _put(line, "delivery_date", sap_date(text(schedule, "EDATU"), f"{where} E1EDP20-EDATU"))
        if ctl["mestyp"] == "ORDCHG":
            _put(line, "action", PO_ACTIONS.get(text(item, "ACTION")))
        lines.append(line)
    doc["lines"] = lines
    return doc


def write_orders(root: etree._Element, doc: dict[str, Any]) -> None:
    idoc = etree.SubElement(root, "IDOC", BEGIN="1")
    change = doc.get("purpose") in ("change",) or any("action" in li for li in doc["lines"])
    write_control(idoc, doc, idoctyp="ORDERS05", mestyp="ORDCHG" if change else "ORDERS", direct="1")
    action = {"cancel": "003", "replace": "004"}.get(doc.get("purpose", ""), "000")
    element(idoc, "E1EDK01", ACTION=action, CURCY=doc.get("currency"), BELNR=doc["id"])
    element(idoc, "E1EDK14", QUALF="012", ORGID="NB")
    element(idoc, "E1EDK03", IDDAT="012", DATUM=to_sap_date(doc["issued"]))
    if doc.get("delivery_date"):
        element(idoc, "E1EDK03", IDDAT="002", DATUM=to_sap_date(doc["delivery_date"]))
    for code, role in PARTNER_ROLES.items():
        if doc.get(role):
            element(idoc, "E1EDKA1", PARVW=code, PARTN=doc[role].get("id"), NAME1=doc[role].get("name"))
    element(idoc, "E1EDK02", QUALF="001", BELNR=doc["id"], DATUM=to_sap_date(doc["issued"]))
    if "revision" in doc:
        element(idoc, "E1EDK02", QUALF=REVISION_QUALF, BELNR=str(doc["revision"]))
    reverse = {v: k for k, v in PO_ACTIONS.items()}
    for line in doc["lines"]:
        item = element(idoc, "E1EDP01", POSEX=line["line"], ACTION=reverse.get(line.get("action", "")),
                       MENGE=line.get("quantity"), MENEE=line.get("unit"), VPREI=line.get("price"))
        if line.get("delivery_date") or line.get("quantity"):
            element(item, "E1EDP20", WMENG=line.get("quantity"), EDATU=to_sap_date(line.get("delivery_date")))
        _parts_out(item, line)


def read_ordrsp(idoc: etree._Element, ctl: dict[str, str], n: int) -> dict[str, Any]:
    k01 = idoc.find("E1EDK01")
    if k01 is None:
        raise EdiSyntaxError(f"IDoc {n}: ORDRSP without E1EDK01")
    refs = _refs(idoc, "E1EDK02")
    dates = _dates(idoc, "E1EDK03", n)
    doc = _header("order_response", ctl, text(k01, "BELNR"), dates.get("012"), n)
    order = text(refs["001"], "BELNR") if "001" in refs else ""
    if not order:
        raise EdiSyntaxError(f"IDoc {n}: ORDRSP without the order number (E1EDK02 QUALF 001)")
    doc["order"] = order[:35]
    doc["status"] = RSP_STATUS.get(text(k01, "ACTION"), "changed")
    for party in idoc.findall("E1EDKA1"):
        role = {"AG": "buyer", "LF": "supplier"}.get(text(party, "PARVW"))
        if role and role not in doc:
            _put(doc, role, _party(party, "PARTN"))
    lines = []
    for m, item in enumerate(idoc.findall("E1EDP01"), start=1):
        where = f"IDoc {n} item {m}"
        line: dict[str, Any] = {"line": text(item, "POSEX") or str(m)}
        line.update(_parts_in(item))
        line["status"] = RSP_STATUS.get(text(item, "ACTION"), "changed")
        if text(item, "MENGE"):
            line["quantity"] = sap_decimal(text(item, "MENGE"), f"{where} MENGE")
        _put(line, "unit", text(item, "MENEE")[:3])
        if text(item, "VPREI"):
            line["price"] = sap_decimal(text(item, "VPREI"), f"{where} VPREI")
        schedule = item.find("E1EDP20")
        if schedule is not None:
            _put(line, "delivery_date", sap_date(text(schedule, "EDATU"), f"{where} E1EDP20-EDATU"))
        reason = " ".join(text(t, "TDLINE") for t in item.findall("E1EDPT1/E1EDPT2") if text(t, "TDLINE"))
        _put(line, "reason", reason[:200])
        lines.append(line)
    doc["lines"] = lines
    return doc


def write_ordrsp(root: etree._Element, doc: dict[str, Any]) -> None:
    idoc = etree.SubElement(root, "IDOC", BEGIN="1")
    write_control(idoc, doc, idoctyp="ORDERS05", mestyp="ORDRSP", direct="2")
    element(idoc, "E1EDK01", ACTION=RSP_ACTION[doc["status"]], BELNR=doc["id"])
    element(idoc, "E1EDK03", IDDAT="012", DATUM=to_sap_date(doc["issued"]))
    for code, role in (("AG", "buyer"), ("LF", "supplier")):
        if doc.get(role):
            element(idoc, "E1EDKA1", PARVW=code, PARTN=doc[role].get("id"), NAME1=doc[role].get("name"))
    element(idoc, "E1EDK02", QUALF="001", BELNR=doc["order"])
    for line in doc["lines"]:
        item = element(idoc, "E1EDP01", POSEX=line["line"], ACTION=RSP_ACTION[line["status"]],
                       MENGE=line.get("quantity"), MENEE=line.get("unit"), VPREI=line.get("price"))
        if line.get("delivery_date"):
            element(item, "E1EDP20", WMENG=line.get("quantity"), EDATU=to_sap_date(line["delivery_date"]))
        _parts_out(item, line)
        if line.get("reason"):
            text_node = element(item, "E1EDPT1", TDID="0001", TSSPRAS="E")
            for start in range(0, len(line["reason"]), 70):
                element(text_node, "E1EDPT2", TDLINE=line["reason"][start:start + 70])


# --- DELVRY03: despatch_advice ---------------------------------------------------------------------------

DELVRY_PARTIES = {"LF": "supplier", "AG": "buyer", "WE": "ship_to"}
# E1EDT13 QUALF: 006 goods issue (shipped), 007 delivery (expected), 015 document date (issued)
DELVRY_DATES = {"006": "shipped", "007": "expected_delivery", "015": "issued"}


def read_delvry(idoc: etree._Element, ctl: dict[str, str], n: int) -> dict[str, Any]:
    head = idoc.find("E1EDL20")
    if head is None:
        raise EdiSyntaxError(f"IDoc {n}: DELVRY03 without E1EDL20")
    dates = {}
    for node in head.findall("E1EDT13"):
        key = DELVRY_DATES.get(text(node, "QUALF"))
        value = sap_date(text(node, "NTANF"), f"IDoc {n} E1EDT13-NTANF")
        if key and value:
            dates.setdefault(key, value)
    doc = _header("despatch_advice", ctl, text(head, "LIFEX") or text(head, "VBELN"), dates.get("issued"), n)
    _put(doc, "shipped", dates.get("shipped"))
    _put(doc, "expected_delivery", dates.get("expected_delivery"))
    for party in head.findall("E1ADRM1"):
        qualifier = text(party, "PARTNER_Q")
        if qualifier == "SP" and "carrier" not in doc:
            _put(doc, "carrier", _party(party, "PARTNER_ID"))
        role = DELVRY_PARTIES.get(qualifier)
        if role and role not in doc:
            _put(doc, role, _party(party, "PARTNER_ID"))
    _put(doc, "tracking", text(head, "BOLNR")[:35])
    lines = []
    for m, item in enumerate(head.findall("E1EDL24"), start=1):
        where = f"IDoc {n} item {m}"
        line: dict[str, Any] = {"line": text(item, "POSNR").lstrip("0") or str(m)}
        _put(line, "buyer_part", text(item, "MATNR")[:35])
        _put(line, "supplier_part", text(item, "IDNLF")[:35])
        _put(line, "gtin", text(item, "EAN11")[:35])
        _put(line, "description", text(item, "ARKTX")[:70])
        if not text(item, "LFIMG"):
            raise EdiSyntaxError(f"{where}: no delivered quantity (LFIMG)")
        line["quantity"] = sap_decimal(text(item, "LFIMG"), f"{where} LFIMG")
        _put(line, "unit", text(item, "VRKME")[:3])
        ref = item.find("E1EDL41")
        if ref is not None:
            _put(line, "order", text(ref, "BSTNR")[:35])
            _put(line, "order_line", text(ref, "POSEX")[:6])
        _put(line, "lot", (text(item, "LICHN") or text(item, "CHARG"))[:35])
        _put(line, "serials", [text(s, "SERNR") for s in item.findall("E1EDL11") if text(s, "SERNR")])
        lines.append(line)
    doc["lines"] = lines
    orders = {li.get("order") for li in lines}
    if len(orders) == 1 and None not in orders:
        doc["order"] = orders.pop()
    packages = []
    for m, hu in enumerate(head.findall("E1EDL37"), start=1):
        pkg: dict[str, Any] = {"id": text(hu, "EXIDV2") or str(m)}
        _put(pkg, "sscc", text(hu, "EXIDV")[:35])
        _put(pkg, "type", text(hu, "VHILM")[:17])
        pkg["lines"] = [text(c, "POSNR").lstrip("0") for c in hu.findall("E1EDL44") if text(c, "VELIN") == "1"]
        pkg["_children"] = [text(c, "EXIDV") for c in hu.findall("E1EDL44") if text(c, "VELIN") == "3"]
        packages.append(pkg)
    by_sscc = {p.get("sscc"): p for p in packages if p.get("sscc")}
    for pkg in packages:
        for child in pkg.pop("_children"):
            if child in by_sscc:
                by_sscc[child]["parent"] = pkg["id"]
        if not pkg["lines"]:
            del pkg["lines"]
    _put(doc, "packages", packages)
    return doc


def write_delvry(root: etree._Element, doc: dict[str, Any]) -> None:
    idoc = etree.SubElement(root, "IDOC", BEGIN="1")
    write_control(idoc, doc, idoctyp="DELVRY03", mestyp="DESADV", direct="2")
    head = element(idoc, "E1EDL20", LIFEX=doc["id"], BOLNR=doc.get("tracking"))
    for code, role in DELVRY_PARTIES.items():
        if doc.get(role):
            element(head, "E1ADRM1", PARTNER_Q=code, PARTNER_ID=doc[role].get("id"), NAME1=doc[role].get("name"))
    if doc.get("carrier"):
        element(head, "E1ADRM1", PARTNER_Q="SP", PARTNER_ID=doc["carrier"].get("id"), NAME1=doc["carrier"].get("name"))
    for qualf, key in DELVRY_DATES.items():
        if doc.get(key):
            element(head, "E1EDT13", QUALF=qualf, NTANF=to_sap_date(doc[key]))
    for line in doc["lines"]:
        number = line["line"]
        lot = line.get("lot") or ""
        item = element(head, "E1EDL24", POSNR=number.zfill(6) if number.isdigit() else number,
                       MATNR=line.get("buyer_part"), IDNLF=line.get("supplier_part"), EAN11=line.get("gtin"),
                       ARKTX=line.get("description"), LFIMG=line["quantity"], VRKME=line.get("unit"),
                       CHARG=lot if 0 < len(lot) <= 10 else None, LICHN=lot or None)
        if line.get("order") or doc.get("order"):
            element(item, "E1EDL41", QUALI="001", BSTNR=line.get("order") or doc.get("order"),
                    POSEX=line.get("order_line"))
        for serial in line.get("serials") or []:
            element(item, "E1EDL11", SERNR=serial)
    packages = doc.get("packages") or []
    by_id = {p["id"]: p for p in packages}
    for pkg in packages:
        hu = element(head, "E1EDL37", EXIDV=pkg.get("sscc"), EXIDV2=pkg["id"], VHILM=pkg.get("type"))
        for number in pkg.get("lines") or []:
            element(hu, "E1EDL44", VELIN="1", POSNR=number.zfill(6) if number.isdigit() else number)
        for child in packages:
            if child.get("parent") == pkg["id"]:
                if not child.get("sscc"):
                    raise CanonicalError(f"package {child['id']} sits in {pkg['id']} but has no SSCC to point at")
                element(hu, "E1EDL44", VELIN="3", EXIDV=child["sscc"])
        if pkg.get("parent") and pkg["parent"] not in by_id:
            raise CanonicalError(f"package {pkg['id']}: no parent package {pkg['parent']}")


# --- INVOIC02: invoice --------------------------------------------------------------------------------------

INVOICE_PARTIES = {"RS": "supplier", "LF": "supplier", "RE": "buyer", "AG": "buyer"}
# E1EDS01 SUMID: 010 total (gross), 002 subtotal (net), 005 tax
TOTALS = {"010": "total", "002": "subtotal", "005": "tax"}


def read_invoic(idoc: etree._Element, ctl: dict[str, str], n: int) -> dict[str, Any]:
    k01 = idoc.find("E1EDK01")
    if k01 is None:
        raise EdiSyntaxError(f"IDoc {n}: INVOIC02 without E1EDK01")
    refs = _refs(idoc, "E1EDK02")
    dates = _dates(idoc, "E1EDK03", n)
    number = (text(refs["009"], "BELNR") if "009" in refs else "") or text(k01, "BELNR")
    doc = _header("invoice", ctl, number, dates.get("012"), n)
    doc["kind"] = "credit_note" if text(k01, "BSART").upper() == "CRME" else "invoice"
    if "001" in refs:
        _put(doc, "order", text(refs["001"], "BELNR")[:35])
    _put(doc, "currency", text(k01, "CURCY")[:3])
    for party in idoc.findall("E1EDKA1"):
        role = INVOICE_PARTIES.get(text(party, "PARVW"))
        if role and role not in doc:
            _put(doc, role, _party(party, "PARTN"))
    for node in idoc.findall("E1EDS01"):
        key = TOTALS.get(text(node, "SUMID"))
        if key and key not in doc and text(node, "SUMME"):
            doc[key] = sap_decimal(text(node, "SUMME"), f"IDoc {n} E1EDS01 {text(node, 'SUMID')}")
    if "total" not in doc:
        raise EdiSyntaxError(f"IDoc {n}: INVOIC02 without its total (E1EDS01 SUMID 010)")
    lines = []
    for m, item in enumerate(idoc.findall("E1EDP01"), start=1):
        where = f"IDoc {n} item {m}"
        line: dict[str, Any] = {"line": text(item, "POSEX") or str(m)}
        line.update(_parts_in(item))
        for tag, key in (("MENGE", "quantity"), ("VPREI", "price"), ("NETWR", "amount")):
            if text(item, tag):
                line[key] = sap_decimal(text(item, tag), f"{where} {tag}")
        _put(line, "unit", text(item, "MENEE")[:3])
        item_refs = _refs(item, "E1EDP02")
        if "001" in item_refs:
            _put(line, "order", text(item_refs["001"], "BELNR")[:35])
        lines.append(line)
    doc["lines"] = lines
    return doc


def write_invoic(root: etree._Element, doc: dict[str, Any]) -> None:
    idoc = etree.SubElement(root, "IDOC", BEGIN="1")
    write_control(idoc, doc, idoctyp="INVOIC02", mestyp="INVOIC", direct="2")
    element(idoc, "E1EDK01", CURCY=doc.get("currency"), BSART="CRME" if doc["kind"] == "credit_note" else "INVO",
            BELNR=doc["id"])
    element(idoc, "E1EDK03", IDDAT="012", DATUM=to_sap_date(doc["issued"]))
    for code, role in (("RS", "supplier"), ("RE", "buyer")):
        if doc.get(role):
            element(idoc, "E1EDKA1", PARVW=code, PARTN=doc[role].get("id"), NAME1=doc[role].get("name"))
    element(idoc, "E1EDK02", QUALF="009", BELNR=doc["id"], DATUM=to_sap_date(doc["issued"]))
    if doc.get("order"):
        element(idoc, "E1EDK02", QUALF="001", BELNR=doc["order"])
    for line in doc["lines"]:
        item = element(idoc, "E1EDP01", POSEX=line["line"], MENGE=line.get("quantity"), MENEE=line.get("unit"),
                       VPREI=line.get("price"), NETWR=line.get("amount"))
        if line.get("order"):
            element(item, "E1EDP02", QUALF="001", BELNR=line["order"])
        _parts_out(item, line)
    for sumid, key in TOTALS.items():
        if doc.get(key):
            element(idoc, "E1EDS01", SUMID=sumid, SUMME=doc[key], WAERQ=doc.get("currency"))


READERS = {"ORDERS05": read_orders, "ORDERS04": read_orders, "DELVRY03": read_delvry, "DELVRY05": read_delvry,
           "INVOIC02": read_invoic}
WRITERS = {"purchase_order": ("ORDERS05", write_orders), "order_response": ("ORDERS05", write_ordrsp),
           "despatch_advice": ("DELVRY03", write_delvry), "invoice": ("INVOIC02", write_invoic)}


def reader_for(idoctyp: str, n: int):
    reader = READERS.get(idoctyp)
    if reader is None:
        raise UnsupportedDocument(f"IDoc {n}: basic type {idoctyp or '(none)'} is not translated "
                                  f"(ORDERS05, DELVRY03 and INVOIC02 are)")
    return reader


__all__ = ["READERS", "WRITERS", "date", "reader_for", "read_control"]

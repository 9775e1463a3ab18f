"""A human-readable listing of an interchange: each segment with its directory name and each
element with its data element name, for the console's "show segments" page and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from edi.codecs.base import EdiError

X12_SEGMENT_NAMES = {
    "ISA": "Interchange Control Header", "IEA": "Interchange Control Trailer", "GS": "Functional Group Header",
    "GE": "Functional Group Trailer", "ST": "Transaction Set Header", "SE": "Transaction Set Trailer",
    "BEG": "Beginning Segment for Purchase Order", "BCH": "Beginning Segment for Purchase Order Change",
    "BAK": "Beginning Segment for Purchase Order Acknowledgment", "BSN": "Beginning Segment for Ship Notice",
    "BFR": "Beginning Segment for Planning Schedule", "BIG": "Beginning Segment for Invoice",
    "CUR": "Currency", "REF": "Reference Identification", "PER": "Administrative Communications Contact",
    "DTM": "Date/Time Reference", "N1": "Name", "N2": "Additional Name Information", "N3": "Address Information",
    "N4": "Geographic Location", "PO1": "Baseline Item Data", "POC": "Line Item Change",
    "ACK": "Line Item Acknowledgment", "PID": "Product/Item Description", "SCH": "Line Item Schedule",
    "CTT": "Transaction Totals", "AMT": "Monetary Amount", "HL": "Hierarchical Level", "TD1": "Carrier Details (Quantity and Weight)",
    "TD5": "Carrier Details (Routing Sequence/Transit Time)", "PRF": "Purchase Order Reference",
    "MAN": "Marks and Numbers", "LIN": "Item Identification", "SN1": "Item Detail (Shipment)",
    "SLN": "Subline Item Detail", "PO4": "Item Physical Details", "UIT": "Unit Detail", "FST": "Forecast Schedule",
    "IT1": "Baseline Item Data (Invoice)", "TDS": "Total Monetary Value Summary", "TXI": "Tax Information",
    "SAC": "Service, Promotion, Allowance, or Charge Information", "ISS": "Invoice Shipment Summary",
    "AK1": "Functional Group Response Header", "AK2": "Transaction Set Response Header",
    "AK3": "Data Segment Note", "AK4": "Data Element Note", "AK5": "Transaction Set Response Trailer",
    "AK9": "Functional Group Response Trailer", "IK3": "Implementation Data Segment Note",
    "IK4": "Implementation Data Element Note", "IK5": "Implementation Transaction Set Response Trailer",
    "TA1": "Interchange Acknowledgment", "CTB": "Restrictions/Conditions", "ITD": "Terms of Sale/Deferred Terms of Sale",
    "FOB": "F.O.B. Related Instructions", "TD4": "Carrier Details (Special Handling)", "MSG": "Message Text",
    "ATH": "Resource Authorization", "SDP": "Ship/Delivery Pattern", "SHP": "Shipped/Received Information",
}


@dataclass
class Segment:
    position: int
    tag: str
    name: str
    elements: list[tuple[str, str, str]] = field(default_factory=list)  # (position, value, name)


def _edifact(data: bytes, limit: int) -> tuple[list[Segment], bool]:
    from edi.codecs.edifact.service import SERVICE_SEGMENTS_V4
    from edi.codecs.edifact.syntax import Separators, find_start
    from edi.codecs.edifact.tables import d96a

    start = max(find_start(data[:65536]), 0)
    body = data[start:]
    seps = Separators()
    if body.startswith(b"UNA"):
        seps = Separators.from_una(body[:9])
        body = body[9:]
    text = body.decode("latin-1")
    out: list[Segment] = []
    buf, escaped = [], False
    raw_segments = []
    for ch in text:
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == seps.release:
            buf.append(ch)
            escaped = True
        elif ch == seps.terminator:
            raw_segments.append("".join(buf).strip("\r\n"))
            buf = []
        else:
            buf.append(ch)
    for n, raw in enumerate(raw_segments, start=1):
        if len(out) >= limit:
            return out, True
        parts = _split_released(raw.replace("\r", "").replace("\n", ""), seps.element, seps.release)
        tag = parts[0][:3]
        seg_def = d96a.SEGMENTS.get(tag) or SERVICE_SEGMENTS_V4.get(tag)
        name = seg_def[0] if seg_def else ""
        defs = seg_def[1] if seg_def else []
        elements = []
        for i, value in enumerate(parts[1:], start=1):
            label = ""
            if i - 1 < len(defs):
                ident = defs[i - 1][1]
                label = _element_name(d96a, ident)
            elements.append((str(i), value.replace(seps.release + seps.element, seps.element), label))
        out.append(Segment(n, tag, name, elements))
    return out, False


def _element_name(tables, ident: str) -> str:
    entry = tables.COMPOSITES.get(ident) or tables.ELEMENTS.get(ident)
    if isinstance(entry, tuple) and entry and isinstance(entry[0], str):
        return f"{ident} {entry[0]}"
    return ident


def _split_released(raw: str, sep: str, release: str) -> list[str]:
    parts, buf, escaped = [], [], False
    for ch in raw:
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == release:
            escaped = True
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _x12(data: bytes, limit: int) -> tuple[list[Segment], bool]:
    start = data.find(b"ISA")
    text = data[start:].decode("latin-1")
    if len(text) < 106:
        raise EdiError("too short for an ISA segment")
    element, term = text[3], text[105]
    out: list[Segment] = []
    for n, raw in enumerate(text.split(term), start=1):
        raw = raw.strip("\r\n")
        if not raw:
            continue
        if len(out) >= limit:
            return out, True
        parts = raw.split(element)
        tag = parts[0]
        out.append(Segment(n, tag, X12_SEGMENT_NAMES.get(tag, ""),
                           [(f"{i:02d}", v, "") for i, v in enumerate(parts[1:], start=1)]))
    return out, False


def describe_file(path: Path, *, limit: int = 2000) -> tuple[list[Segment], bool, str]:
    """(segments, truncated, error): never raises for a bad file, the page shows the error."""
    from edi.codecs import detect

    try:
        with open(path, "rb") as fh:
            data = fh.read(8 * 1024 * 1024)
        standard = detect(data[:4096])
        if standard == "x12":
            segments, truncated = _x12(data, limit)
        elif standard == "edifact":
            segments, truncated = _edifact(data, limit)
        else:
            return [], False, f"{standard} payloads have no segments to show"
        return segments, truncated, ""
    except (EdiError, ValueError, UnicodeDecodeError, OSError) as exc:
        return [], False, str(exc)

"""A human-readable listing of an interchange: each segment with its directory name and each
element (or component) with its data element name, for the console's "show segments" page.

It reads what the translator would refuse too (that is when people look), so it never raises:
:func:`describe_bytes` returns the segments it could list and an error text. A file holding
several interchanges is listed interchange by interchange, each with its own separators.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edi.codecs.base import EdiError
from edi.codecs.x12.names import ELEMENT_NAMES as X12_ELEMENT_NAMES
from edi.codecs.x12.names import ENVELOPE_ELEMENTS, ISA11_00501
from edi.codecs.x12.names import SEGMENT_NAMES as X12_SEGMENT_NAMES

# ISO 9735 service data elements and composites (syntax 3 names; a few differ in syntax 4).
SERVICE_NAMES: dict[str, str] = {
    "S001": "Syntax identifier", "0001": "Syntax identifier", "0002": "Syntax version number",
    "0080": "Service code list directory version number", "0133": "Character encoding, coded",
    "S002": "Interchange sender", "0004": "Interchange sender identification",
    "0007": "Identification code qualifier", "0008": "Address for reverse routing",
    "0042": "Interchange sender internal sub-identification",
    "S003": "Interchange recipient", "0010": "Interchange recipient identification",
    "0014": "Routing address", "0046": "Interchange recipient internal sub-identification",
    "S004": "Date and time of preparation", "0017": "Date", "0019": "Time",
    "0020": "Interchange control reference",
    "S005": "Recipient reference/password details", "0022": "Recipient reference/password",
    "0025": "Recipient reference/password qualifier", "0026": "Application reference",
    "0029": "Processing priority code", "0031": "Acknowledgement request",
    "0032": "Interchange agreement identifier", "0035": "Test indicator",
    "0036": "Interchange control count",
    "0038": "Functional group identification",
    "S006": "Application sender identification", "0040": "Application sender identification",
    "S007": "Application recipient identification", "0044": "Application recipient identification",
    "0048": "Functional group reference number", "0051": "Controlling agency",
    "S008": "Message version", "0052": "Message version number", "0054": "Message release number",
    "0057": "Association assigned code", "0058": "Application password", "0060": "Number of messages",
    "0062": "Message reference number", "S009": "Message identifier", "0065": "Message type",
    "0110": "Code list directory version number", "0113": "Message type sub-function identification",
    "0068": "Common access reference", "S010": "Status of the transfer", "0070": "Sequence of transfers",
    "0073": "First and last transfer", "S016": "Message subset identification",
    "0115": "Message subset identification", "0116": "Message subset version number",
    "0118": "Message subset release number", "S017": "Message implementation guideline identification",
    "0121": "Message implementation guideline identification",
    "0122": "Message implementation guideline version number",
    "0124": "Message implementation guideline release number", "S018": "Scenario identification",
    "0127": "Scenario identification", "0128": "Scenario version number", "0130": "Scenario release number",
    "0074": "Number of segments in the message", "0081": "Section identification",
    # CONTRL
    "0083": "Action, coded", "0085": "Syntax error, coded", "0013": "Service segment tag, coded",
    "S011": "Data element identification", "0098": "Erroneous data element position in segment",
    "0104": "Erroneous component data element position", "0136": "Erroneous data element occurrence",
    "0096": "Segment position in message body", "0534": "Security reference number",
    "0800": "Package reference number",
}
SERVICE_NAMES_V4 = {
    "0008": "Interchange sender internal identification",
    "0014": "Interchange recipient internal identification",
    "0038": "Message group identification", "0048": "Group reference number",
    "0051": "Controlling agency, coded", "0060": "Group control count",
}
UNA_PARTS = ("Component data element separator", "Data element separator", "Decimal mark",
             "Release character", "Repetition separator", "Segment terminator")


@dataclass
class Segment:
    """One segment: ``position`` counts segments in the file from 1; ``ref`` is the position in
    its message as error messages give it (``"BGM#2"``, UNH/ST = 1), empty outside messages."""

    position: int
    tag: str
    name: str
    elements: list[tuple[str, str, str]] = field(default_factory=list)  # (position, value, name)
    ref: str = ""


class _Listing:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.segments: list[Segment] = []
        self.truncated = False
        self.in_message = 0  # position within the current message, 0 outside one

    def full(self) -> bool:
        if len(self.segments) >= self.limit:
            self.truncated = True
        return self.truncated

    def add(self, tag: str, name: str, elements: list[tuple[str, str, str]], opens: bool, closes: bool) -> None:
        if opens:
            self.in_message = 1
        elif self.in_message:
            self.in_message += 1
        ref = f"{tag}#{self.in_message}" if self.in_message else ""
        self.segments.append(Segment(len(self.segments) + 1, tag, name, elements, ref))
        if closes:
            self.in_message = 0


# --- EDIFACT --------------------------------------------------------------------------------------

def _service_name(code: str, version: str) -> str | None:
    return (SERVICE_NAMES_V4.get(code) if version == "4" else None) or SERVICE_NAMES.get(code)


def _edifact_name(code: str, version: str) -> str:
    from edi.codecs.edifact.tables import d96a

    name = _service_name(code, version)
    if name is None:
        entry = d96a.COMPOSITES.get(code) or d96a.ELEMENTS.get(code)
        name = entry[0] if isinstance(entry, tuple) and entry and isinstance(entry[0], str) else ""
    return f"{code} {name}".strip()


def _edifact_elements(values: list[Any], defs: list[Any], version: str) -> list[tuple[str, str, str]]:
    """(position, value, name) per element; composites as one row per present component."""
    rows: list[tuple[str, str, str]] = []
    for i, value in enumerate(values, start=1):
        if isinstance(value, tuple):  # ("REPEATED", n) from a syntax 4 repetition
            rows.append(("", f"{value[1]} repetition(s) not shown", ""))
            continue
        spec = defs[i - 1] if i - 1 < len(defs) else None
        if isinstance(value, list) or (spec is not None and isinstance(spec[3], list)):
            comps = value if isinstance(value, list) else [value]
            comp_defs = spec[3] if spec is not None and isinstance(spec[3], list) else []
            composite = _edifact_name(spec[1], version) if spec is not None else ""
            for j, comp in enumerate(comps, start=1):
                if comp == "":
                    continue
                name = _edifact_name(comp_defs[j - 1][0], version) if j - 1 < len(comp_defs) else ""
                label = f"{name} ({composite})" if name and composite else (name or composite)
                rows.append((f"{i}.{j}", comp, label))
            continue
        if value == "":
            continue
        rows.append((str(i), value, _edifact_name(spec[1], version) if spec is not None else ""))
    return rows


def _edifact(data: bytes, start: int, end: int, out: _Listing) -> None:
    from edi.codecs.edifact.service import SERVICE_SEGMENTS_V3, SERVICE_SEGMENTS_V4
    from edi.codecs.edifact.syntax import (
        DEFAULT,
        DEFAULT_V4,
        ENCODINGS,
        Separators,
        Splitter,
        tokenize,
    )
    from edi.codecs.edifact.tables import d96a

    chunk = data[start:end]
    offset = len(chunk) - len(chunk.lstrip(b" \t\r\n\x00\xef\xbb\xbf"))
    seps, explicit = DEFAULT, False
    if chunk[offset : offset + 3] == b"UNA":
        una = chunk[offset : offset + 9]
        seps, explicit = Separators.from_una(una), True
        if not out.full():
            out.add("UNA", "Service string advice",
                    [(str(k), una[3 + k - 1 : 3 + k].decode("latin-1"), UNA_PARTS[k - 1])
                     for k in range(1, len(una) - 2)], False, False)
        offset += 9
    splitter = Splitter(io.BytesIO(chunk[offset:]), 1 << 20)
    splitter.configure(seps)
    version, encoding = "3", "latin-1"
    while not out.full():
        raw = splitter.next()
        if raw is None:
            break
        text = raw.strip(b" \t").decode(encoding, errors="replace")
        if not text:
            continue
        parts = tokenize(text, seps)
        tag = str(parts[0])[:3]
        if tag == "UNB":
            syntax = parts[1] if len(parts) > 1 else ""
            ident = syntax[0] if isinstance(syntax, list) else syntax
            version = syntax[1] if isinstance(syntax, list) and len(syntax) > 1 else "3"
            encoding = ENCODINGS.get(ident, "latin-1")
            if version == "4" and not explicit:
                seps = DEFAULT_V4
        service = SERVICE_SEGMENTS_V4 if version == "4" else SERVICE_SEGMENTS_V3
        seg_def = service.get(tag) or d96a.SEGMENTS.get(tag)
        name = seg_def[0] if seg_def else ""
        out.add(tag, name, _edifact_elements(parts[1:], seg_def[1] if seg_def else [], version),
                opens=tag == "UNH", closes=tag == "UNT")


# --- X12 ------------------------------------------------------------------------------------------

def _x12_elements(tag: str, values: list[str], version: str) -> list[tuple[str, str, str]]:
    from edi.codecs.x12.dictionary import SEGMENTS

    if tag in ENVELOPE_ELEMENTS:
        ids = list(ENVELOPE_ELEMENTS[tag])
        if tag == "ISA" and version >= "00501":
            ids[10] = ISA11_00501
        names = [f"{code} {name}" for code, name in ids]
    else:
        names = [f"{code} {X12_ELEMENT_NAMES.get(code, '')}".strip() for code, _req in SEGMENTS.get(tag, (0, []))[1]]
    rows = []
    for i, value in enumerate(values, start=1):
        if value.strip() == "" and tag != "ISA":
            continue
        rows.append((f"{i:02d}", value, names[i - 1] if i - 1 < len(names) else ""))
    return rows


def _x12(data: bytes, start: int, end: int, out: _Listing) -> None:
    from edi.codecs.x12.envelope import parse_isa

    isa = parse_isa(data[start : start + 200])
    element, term = isa.delimiters.element, isa.delimiters.segment
    version = isa.fields[12] if len(isa.fields) > 12 else ""
    text = data[start:end].decode("latin-1")
    for raw in text.split(term):
        if out.full():
            return
        raw = raw.strip("\r\n") if term not in "\r\n" else raw.strip("\r")
        if not raw.strip():
            continue
        parts = raw.split(element)
        tag = parts[0].strip()
        out.add(tag, X12_SEGMENT_NAMES.get(tag, ""), _x12_elements(tag, parts[1:], version),
                opens=tag == "ST", closes=tag == "SE")


# --- entry points ---------------------------------------------------------------------------------

def describe_bytes(data: bytes, *, limit: int = 2000) -> tuple[list[Segment], bool, str]:
    """(segments, truncated, error) for the interchanges in ``data``; never raises."""
    from edi.codecs import detect
    from edi.codecs.split import split

    out = _Listing(limit)
    try:
        try:
            standard = detect(data[:4096])
        except EdiError as exc:
            if not str(exc).startswith("EDIFACT segments without"):
                raise
            # bare segments (a message cut out of its interchange): list them with the default
            # separators, and say why the translator refuses the file
            _edifact(data, 0, len(data), out)
            return out.segments, out.truncated, str(exc)
        if standard not in ("x12", "edifact"):
            return [], False, f"{standard} payloads have no segments to show"
        for start, end in split(data, standard):
            if out.full():
                break
            (_x12 if standard == "x12" else _edifact)(data, start, end, out)
        return out.segments, out.truncated, ""
    except EdiError as exc:
        return out.segments, out.truncated, str(exc)
    except Exception as exc:  # noqa: BLE001 - a page showing a bad file must not fail with it
        return out.segments, out.truncated, f"cannot list this file: {type(exc).__name__}: {exc}"


def describe_file(path: Path, *, limit: int = 2000, max_bytes: int = 8 << 20) -> tuple[list[Segment], bool, str]:
    """(segments, truncated, error) of the first ``max_bytes`` of a file; never raises."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return [], False, f"{path.name}: {exc.strerror or exc}"
    segments, truncated, error = describe_bytes(data[:max_bytes], limit=limit)
    return segments, truncated or len(data) > max_bytes, error


__all__ = ["Segment", "describe_bytes", "describe_file"]

"""Canonical documents -> one X12 interchange (ISA, a GS per functional id, ST..SE, GE, IEA)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from edi.codecs.base import CanonicalError
from edi.codecs.canonical import validate_document
from edi.codecs.x12.machine import machine, validators
from edi.codecs.x12.maps import OUTBOUND, write_functional_ack, write_ta1
from edi.codecs.x12.sets import FUNCTIONAL_IDS

_VERSIONS = {"00401": "004010", "004010": "004010", "00501": "005010", "005010": "005010"}


def _check_sep(name: str, value: str) -> None:
    if not isinstance(value, str) or len(value) != 1 or value.isalnum() or value == " ":
        raise CanonicalError(f"{name} must be one non-alphanumeric character, not {value!r}")


def write(
    documents: Iterable[dict[str, Any]],
    *,
    sender: str,
    receiver: str,
    control_number: int | str,
    sender_qualifier: str = "ZZ",
    receiver_qualifier: str = "ZZ",
    version: str = "00401",
    group_control: int | str | None = None,
    date: dt.datetime | dt.date | None = None,
    test: bool = False,
    element_sep: str = "*",
    component_sep: str = ">",
    segment_term: str = "~",
    repetition_sep: str = "^",
    line_breaks: bool = False,
) -> bytes:
    """Write canonical documents as one X12 interchange, UTF-8 encoded.

    ``version`` is the control version (``"00401"`` or ``"00501"``); the groups carry 004010 /
    005010 (and 005010X231 for the 999). Functional acknowledgements are written as 997 in
    00401 and 999 in 00501; one of level ``interchange`` becomes a TA1. ``group_control`` is the
    first GS06 (default: the interchange control number), incremented per group. Raises
    :class:`CanonicalError` for an invalid document or a value the X12 syntax cannot carry.
    """
    ctl_version = {"004010": "00401", "005010": "00501"}.get(version, version)
    if ctl_version not in ("00401", "00501"):
        raise CanonicalError(f"version {version!r}: write 00401 or 00501")
    seps = {"element_sep": element_sep, "component_sep": component_sep,
            "segment_term": segment_term}
    if ctl_version >= "00501":
        seps["repetition_sep"] = repetition_sep
    for name, value in seps.items():
        _check_sep(name, value)
    if len(set(seps.values())) != len(seps):
        raise CanonicalError(f"delimiters must differ: {seps}")
    forbidden = set(seps.values()) | {"\r", "\n"}
    ctl = str(control_number).strip()
    if not (ctl.isdigit() and 1 <= len(ctl) <= 9):
        raise CanonicalError(f"control_number {control_number!r} must be 1-9 digits")
    for name, value, width in (("sender", sender, 15), ("receiver", receiver, 15),
                               ("sender_qualifier", sender_qualifier, 2),
                               ("receiver_qualifier", receiver_qualifier, 2)):
        if not isinstance(value, str) or not value.strip() or len(value) > width:
            raise CanonicalError(f"{name} {value!r} must be 1-{width} characters")
        if any(ch in forbidden for ch in value):
            raise CanonicalError(f"{name} {value!r} contains a delimiter")
    if len(sender.strip()) < 2 or len(receiver.strip()) < 2:
        raise CanonicalError("sender and receiver need at least 2 characters (GS02/GS03)")
    now = date or dt.datetime.now(dt.timezone.utc)
    when = now if isinstance(now, dt.datetime) else dt.datetime(now.year, now.month, now.day)
    gs_version = _VERSIONS[ctl_version]

    # one GS per functional id; acknowledgements also per date, since GS04 is their date
    groups: dict[tuple[str, str], list[tuple[str, list[list[str]]]]] = {}
    ta1s: list[list[str]] = []
    set_number = 0
    used_refs: set[str] = set()
    for index, doc in enumerate(documents):
        problems = validate_document(doc)
        if problems:
            raise CanonicalError(f"document {index} ({doc.get('type') if isinstance(doc, dict) else '?'}"
                                 f"): " + "; ".join(problems[:10]))
        kind = doc["type"]
        ref = None
        if kind == "functional_ack":
            if doc["level"] == "interchange":
                ta1s.append(_checked(write_ta1(doc), index, doc, forbidden, component_sep))
                continue
            set_id, body = write_functional_ack(doc, version=ctl_version)
            if 4 <= len(doc["id"]) <= 9 and doc["id"] not in used_refs:
                ref = doc["id"]
        else:
            if kind not in OUTBOUND:
                raise CanonicalError(f"document {index}: no X12 transaction set for document type {kind!r}")
            set_id, body = OUTBOUND[kind](doc)
        if ref is None:
            while True:
                set_number += 1
                ref = f"{set_number:04d}"
                if ref not in used_refs:
                    break
        used_refs.add(ref)
        st = ["ST", set_id, ref]
        if set_id == "999":
            st.append("005010X231")
        segments = [st] + [_checked(s, index, doc, forbidden, component_sep) for s in body]
        _check_structure(set_id, segments, index, doc)
        segments.append(["SE", str(len(segments) + 1), ref])
        fid = FUNCTIONAL_IDS[set_id]
        day = doc["issued"].replace("-", "") if fid == "FA" else ""
        groups.setdefault((fid, day), []).append((set_id, segments))

    term = segment_term + ("\n" if line_breaks and segment_term != "\n" else "")
    out: list[str] = []

    def emit(seg: list[str]) -> None:
        while len(seg) > 1 and seg[-1] == "":
            seg.pop()
        out.append(element_sep.join(seg))
        out.append(term)

    isa11 = repetition_sep if ctl_version >= "00501" else "U"
    emit(["ISA", "00", " " * 10, "00", " " * 10, sender_qualifier.ljust(2),
          sender.ljust(15), receiver_qualifier.ljust(2), receiver.ljust(15),
          when.strftime("%y%m%d"), when.strftime("%H%M"), isa11, ctl_version, ctl.zfill(9),
          "0", "T" if test else "P", component_sep])
    for ta1 in ta1s:
        emit(ta1)
    gcn = int(str(group_control if group_control is not None else ctl).strip() or 0)
    for (fid, day), sets in groups.items():
        version_id = "005010X231" if fid == "FA" and ctl_version >= "00501" else gs_version
        emit(["GS", fid, sender.strip(), receiver.strip(), day or when.strftime("%Y%m%d"),
              when.strftime("%H%M"), str(gcn), "X", version_id])
        for _, segments in sets:
            for seg in segments:
                emit(seg)
        emit(["GE", str(len(sets)), str(gcn)])
        gcn += 1
    emit(["IEA", str(len(groups)), ctl.zfill(9)])
    return "".join(out).encode("utf-8")


def _checked(seg: list[str], index: int, doc: dict[str, Any], forbidden: set[str],
             cs: str) -> list[str]:
    """Refuse values holding a delimiter (X12 has no escape) and segments the reader would reject."""
    out = [seg[0]]
    for pos, value in enumerate(seg[1:], start=1):
        parts = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        for part in parts:  # a list is a composite: its components are joined below
            if any(ch in forbidden for ch in part) or any(ord(ch) < 32 for ch in part):
                raise CanonicalError(f"document {index} ({doc['type']} {doc.get('id')}): "
                                     f"{seg[0]}{pos:02d} {part!r} contains a delimiter or a "
                                     "control character, which X12 cannot carry")
        out.append(cs.join(parts))
    seg = out
    check = validators(False).get(seg[0])
    if check is not None:
        trimmed = list(seg)
        while len(trimmed) > 1 and trimmed[-1] == "":
            trimmed.pop()
        errors = check(trimmed, cs)
        if errors:
            pos, _, text = errors[0]
            raise CanonicalError(f"document {index} ({doc['type']} {doc.get('id')}): {text}")
    return seg


def _check_structure(set_id: str, segments: list[list[str]], index: int,
                     doc: dict[str, Any]) -> None:
    """Walk the set's state machine over the built segments: a document the set cannot carry
    (an 850 without lines, an 830 without items) is refused here, not by the partner."""
    m = machine(set_id)
    state = 0
    where = f"document {index} ({doc['type']} {doc.get('id')})"
    for seg in segments[1:]:
        tr = m.transitions[state].get(seg[0])
        if tr is None:
            raise CanonicalError(f"{where}: {seg[0]} cannot be placed in an X12 {set_id}")
        if tr[3]:
            raise CanonicalError(f"{where}: an X12 {set_id} needs {', '.join(tr[3])} "
                                 "(the document has nothing to put there)")
        state = tr[0]
    if m.se_missing[state]:
        raise CanonicalError(f"{where}: an X12 {set_id} needs {', '.join(m.se_missing[state])} "
                             "(for example at least one line)")

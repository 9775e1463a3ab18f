"""997 / 999 / TA1 <-> functional_ack.

The AK9 counts (sets included, received, accepted) are not in the canonical document, whose
``messages`` name only the sets that were not plainly accepted; the reader keeps them in
``x_sets_included`` / ``x_sets_received`` / ``x_sets_accepted`` when they differ from what the
messages imply, and the writer uses those three fields when present (the only ``x_`` fields an
X12 writer reads).
"""

from __future__ import annotations

from typing import Any

from edi.codecs.base import CanonicalError, Envelope
from edi.codecs.x12.dictionary import describe
from edi.codecs.x12.maps.common import Context, MapError, Segment, g, header

_GROUP_STATUS = {"A": "accepted", "E": "accepted", "P": "partially_accepted"}
_SET_STATUS = {"A": "accepted", "E": "accepted"}


def _int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() else None


def read_997(segs: list[Segment], ctx: Context) -> dict[str, Any]:
    doc = header(ctx, "functional_ack")
    doc["id"] = ctx.control
    doc["issued"] = ctx.group_date or ctx.envelope.date
    doc["level"] = "group"
    messages: list[dict[str, Any]] = []
    msg: dict[str, Any] | None = None
    seg_error: dict[str, Any] | None = None  # the last AK3/IK3, for its AK4/IK4
    implied: dict[str, Any] | None = None  # an AK3 code 8 that its AK4s make redundant
    counts: tuple[int | None, int | None, int | None] = (None, None, None)
    doc_errors: list[dict[str, Any]] = []
    for el in segs:
        tag = el[0]
        if tag == "AK1":
            doc["functional_id"] = g(el, 1)
            doc["acknowledged"] = doc["group"] = g(el, 2)
        elif tag == "AK2":
            msg = {"ref": g(el, 2), "type": g(el, 1), "status": "accepted", "errors": []}
            messages.append(msg)
            seg_error = implied = None
        elif tag in ("AK3", "IK3"):
            if msg is None:
                raise MapError(f"{tag} outside an AK2 loop", "2", tag)
            code = g(el, 4) or "8"
            seg_error = {"segment": g(el, 1)}
            pos = _int(g(el, 2))
            if pos:
                seg_error["position"] = pos
            seg_error["code"] = code
            seg_error["message"] = describe("segment", code)
            if g(el, 3):
                seg_error["x_loop"] = g(el, 3)
            msg["errors"].append(seg_error)
            implied = seg_error if code == "8" else None
        elif tag in ("AK4", "IK4"):
            if msg is None:
                raise MapError(f"{tag} outside an AK2 loop", "2", tag)
            parts = [p.strip() for p in g(el, 1).split(ctx.cs)]
            element = parts[0]
            if len(parts) > 1 and parts[1]:
                element += "." + parts[1]
            code = g(el, 3)
            err: dict[str, Any] = {}
            if seg_error is not None:
                err["segment"] = seg_error["segment"]
                if "position" in seg_error:
                    err["position"] = seg_error["position"]
            if element.replace(".", "").isdigit():
                err["element"] = element
            err["code"] = code
            err["message"] = describe("element", code)
            if g(el, 4):
                err["x_value"] = g(el, 4)
            if implied is not None:
                msg["errors"].remove(implied)
                implied = None
            msg["errors"].append(err)
        elif tag in ("AK5", "IK5"):
            if msg is None:
                raise MapError(f"{tag} outside an AK2 loop", "2", tag)
            msg["status"] = _SET_STATUS.get(g(el, 1), "rejected")
            for i in range(2, 7):
                if g(el, i):
                    msg["errors"].append({"code": g(el, i), "message": describe("message", g(el, i))})
            msg = None
        elif tag == "AK9":
            doc["status"] = _GROUP_STATUS.get(g(el, 1), "rejected")
            counts = (_int(g(el, 2)), _int(g(el, 3)), _int(g(el, 4)))
            for i in range(5, 10):
                if g(el, i):
                    doc_errors.append({"code": g(el, i), "message": describe("group", g(el, i))})
    doc["errors"] = doc_errors
    doc["messages"] = messages
    n = len(messages)
    ok = sum(1 for m in messages if m["status"] == "accepted")
    for key, value, implied_value in zip(
            ("x_sets_included", "x_sets_received", "x_sets_accepted"), counts, (n, n, ok)):
        if value is not None and value != implied_value:
            doc[key] = value
    return doc


def write_functional_ack(doc: dict[str, Any], *, version: str) -> tuple[str, list[Segment]]:
    impl = version >= "00501"
    set_id = "999" if impl else "997"
    s3, s4, s5 = ("IK3", "IK4", "IK5") if impl else ("AK3", "AK4", "AK5")
    segs: list[Segment] = [["AK1", doc.get("functional_id", ""), doc["acknowledged"]]]
    if impl:
        segs[0].append("005010")
    for m in doc["messages"]:
        segs.append(["AK2", m["type"], m["ref"]])
        codes: list[str] = []
        last: tuple[str, int] | None = None
        for err in m["errors"]:
            seg, pos, element = err.get("segment"), err.get("position"), err.get("element")
            if seg and not pos:
                raise CanonicalError(f"message {m['ref']}: an error on segment {seg} needs its "
                                     "position for AK3")
            if seg and element is None:
                segs.append([s3, seg, str(pos), err.get("x_loop", ""), err["code"]])
                last = (seg, pos)
            elif seg:
                if last != (seg, pos):
                    segs.append([s3, seg, str(pos), "", "8"])
                    last = (seg, pos)
                segs.append([s4, element.split("."), "", err["code"],  # type: ignore[list-item]
                             err.get("x_value", "")])
            else:
                codes.append(err["code"])
        if len(codes) > 5:
            raise CanonicalError(f"message {m['ref']}: AK5 carries at most 5 codes")
        if m["status"] == "accepted":
            status = "E" if m["errors"] else "A"
        else:
            status = "R"
        segs.append([s5, status, *codes])
    n = len(doc["messages"])
    ok = sum(1 for m in doc["messages"] if m["status"] == "accepted")
    included = doc.get("x_sets_included", n)
    received = doc.get("x_sets_received", n)
    accepted = doc.get("x_sets_accepted", ok)
    status = {"accepted": "A", "partially_accepted": "P", "rejected": "R"}[doc["status"]]
    if status == "A" and any(m["errors"] for m in doc["messages"]):
        status = "E"
    group_codes = [e["code"] for e in doc["errors"]]
    if len(group_codes) > 5:
        raise CanonicalError("AK9 carries at most 5 group error codes")
    segs.append(["AK9", status, str(included), str(received), str(accepted), *group_codes])
    return set_id, segs


def read_ta1(el: Segment, envelope: Envelope) -> dict[str, Any]:
    """A TA1 interchange acknowledgement as a functional_ack of level interchange."""
    control = g(el, 1)
    if not control:
        raise MapError("TA1 without the acknowledged control number", "024", "TA1")
    d = g(el, 2)
    issued = envelope.date
    if len(d) == 6 and d.isascii() and d.isdigit():
        yy = int(d[:2])  # the ISA09 window: 70-99 are 19xx
        issued = f"{2000 + yy if yy < 70 else 1900 + yy}-{d[2:4]}-{d[4:6]}"
    code = g(el, 5)
    doc = {"type": "functional_ack", "id": control, "issued": issued,
           "sender": envelope.sender, "receiver": envelope.receiver,
           "control_number": envelope.control_number, "acknowledged": control,
           "level": "interchange", "status": "rejected" if g(el, 4) == "R" else "accepted",
           "errors": [], "messages": []}
    if code and code != "000":
        doc["errors"].append({"code": code, "message": describe("interchange", code)})
    return doc


def write_ta1(doc: dict[str, Any]) -> Segment:
    control = doc["acknowledged"]
    if not (control.isdigit() and len(control) <= 9):
        raise CanonicalError(f"TA1: acknowledged {control!r} is not an interchange control number")
    codes = [e["code"] for e in doc["errors"]]
    if len(codes) > 1:
        raise CanonicalError("TA1 carries one note code")
    status = {"accepted": "E" if codes else "A", "rejected": "R",
              "partially_accepted": "E"}[doc["status"]]
    issued = doc["issued"].replace("-", "")[2:]
    return ["TA1", control.zfill(9), issued, doc.get("x_time", "0000"), status,
            codes[0] if codes else "000"]

"""The ISA header: fixed-width parsing, delimiters and the TA1 checks of its fields."""

from __future__ import annotations

from dataclasses import dataclass

from edi.codecs.base import EdiSyntaxError, Envelope, Issue
from edi.codecs.x12.machine import dt6, tm

ISA_LEN = 106
# Offsets of the 16 element separators in a fixed-width ISA.
_SEPS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1)
KNOWN_VERSIONS = frozenset(
    ["00200", "00201", "00204", "00300", "00301", "00302", "00303", "00304", "00305", "00306",
     "00307", "00400", "00401", "00402", "00403", "00404", "00405", "00406", "00500", "00501",
     "00502", "00503", "00504", "00505", "00600", "00601", "00602", "00603", "00604", "00605",
     "00700", "00701", "00702", "00703", "00704", "00705", "00800", "00801"])


@dataclass(slots=True)
class Delimiters:
    element: str
    component: str
    segment: str
    repetition: str | None


@dataclass(slots=True)
class Isa:
    envelope: Envelope
    delimiters: Delimiters
    fields: list[str]
    length: int  # bytes consumed, terminator included
    issues: list[Issue]


def _issue(code: str, text: str, control: str | None, element: str | None = None) -> Issue:
    return Issue(code=code, message=text, level="interchange", interchange=control, segment="ISA",
                 position=None, element=element)


def parse_isa(head: bytes) -> Isa:
    """Parse the ISA at the start of ``head`` (at least 106 bytes unless the input ends).

    Raises :class:`EdiSyntaxError` when no delimiters can be taken from it; field problems are
    returned as TA1-coded issues so the interchange can still be read and acknowledged.
    """
    if len(head) < 4 or head[:3] != b"ISA":
        raise EdiSyntaxError("no ISA interchange header", [_issue("024", "no ISA", None)])
    text = head[:200].decode("latin-1")
    e = text[3]
    if e.isalnum() or e in " \r\n":
        raise EdiSyntaxError(f"invalid element separator {e!r} after ISA",
                             [_issue("026", f"invalid element separator {e!r}", None)])
    issues: list[Issue] = []
    if len(text) >= ISA_LEN and all(text[p] == e for p in _SEPS):
        fields = text[:103].split(e)
        comp, term = text[104], text[105]
        length = ISA_LEN
    else:
        # Not fixed width: find the 16th separator, the component separator follows it.
        pos, seps = 3, 0
        while seps < 16:
            pos = text.find(e, pos + (1 if seps else 0))
            if pos < 0:
                raise EdiSyntaxError("truncated or malformed ISA header",
                                     [_issue("023", "truncated ISA header", None)])
            seps += 1
        if len(text) < pos + 3:
            raise EdiSyntaxError("truncated ISA header", [_issue("023", "truncated ISA", None)])
        fields = text[:pos].split(e)
        comp, term = text[pos + 1], text[pos + 2]
        length = pos + 3
        issues.append(_issue("022", "ISA is not fixed width (106 characters)", None))
    control = fields[13].strip() if len(fields) > 13 else None
    if term.isalnum() or term in (e, comp, " "):
        raise EdiSyntaxError(f"invalid segment terminator {term!r} in ISA",
                             [_issue("004", f"invalid segment terminator {term!r}", control)])
    if comp.isalnum() or comp in (e, " ") or comp in "\r\n":
        issues.append(_issue("027", f"invalid component separator {comp!r}", control, "16"))
    if len(fields) != 16:
        raise EdiSyntaxError("ISA does not have 16 elements", [_issue("022", "bad ISA", control)])
    (_, auth_q, auth, sec_q, sec, s_q, sender, r_q, receiver, d, t, rep, version, ctl, ack,
     usage) = fields
    for value, width, code, name, idx in (
        (auth_q, 2, "010", "authorization qualifier", "1"), (auth, 10, "011", "authorization", "2"),
        (sec_q, 2, "012", "security qualifier", "3"), (sec, 10, "013", "security info", "4"),
        (s_q, 2, "005", "sender qualifier", "5"), (sender, 15, "006", "sender id", "6"),
        (r_q, 2, "007", "receiver qualifier", "7"), (receiver, 15, "008", "receiver id", "8"),
    ):
        if length == ISA_LEN and len(value) != width:
            issues.append(_issue(code, f"ISA{idx} {name} is not {width} characters", control, idx))
    if not s_q.strip():
        issues.append(_issue("005", "ISA05 sender qualifier missing", control, "5"))
    if not sender.strip():
        issues.append(_issue("006", "ISA06 sender id missing", control, "6"))
    if not r_q.strip():
        issues.append(_issue("007", "ISA07 receiver qualifier missing", control, "7"))
    if not receiver.strip():
        issues.append(_issue("008", "ISA08 receiver id missing", control, "8"))
    if not (len(d) == 6 and dt6(d)):
        issues.append(_issue("014", f"ISA09 date {d!r} is not YYMMDD", control, "9"))
    if not (len(t) == 4 and tm(t)):
        issues.append(_issue("015", f"ISA10 time {t!r} is not HHMM", control, "10"))
    if version not in KNOWN_VERSIONS:
        issues.append(_issue("017", f"ISA12 version {version!r} is not an X12 control version",
                             control, "12"))
    repetition = None
    if version >= "00402":
        if rep.isalnum() and rep != "U":
            issues.append(_issue("016", f"ISA11 repetition separator {rep!r} is invalid", control,
                                 "11"))
        elif not rep.isalnum() and rep not in (e, comp, term):
            repetition = rep
    elif rep != "U":
        issues.append(_issue("016", f"ISA11 {rep!r} must be U for version {version}", control,
                             "11"))
    if not (len(ctl) == 9 and ctl.isascii() and ctl.isdigit()):
        issues.append(_issue("018", f"ISA13 control number {ctl!r} is not 9 digits", control,
                             "13"))
    if ack not in ("0", "1"):
        issues.append(_issue("019", f"ISA14 {ack!r} must be 0 or 1", control, "14"))
    if usage not in ("P", "T", "I"):
        issues.append(_issue("020", f"ISA15 {usage!r} must be P, T or I", control, "15"))
    iso = ""
    if len(d) == 6 and dt6(d):
        yy = int(d[:2])
        iso = f"{2000 + yy if yy < 70 else 1900 + yy}-{d[2:4]}-{d[4:6]}"
    envelope = Envelope(
        standard="x12", sender=sender.strip(), receiver=receiver.strip(), control_number=ctl.strip(),
        sender_qualifier=s_q.strip(), receiver_qualifier=r_q.strip(), date=iso,
        time=f"{t[:2]}:{t[2:4]}" if len(t) == 4 and t.isdigit() else "", syntax=version,
        test=usage == "T", ack_requested=ack == "1")
    for issue in issues:
        object.__setattr__(issue, "interchange", envelope.control_number)
    return Isa(envelope, Delimiters(e, comp, term, repetition), fields, length, issues)

"""Streaming EDIFACT reader: bytes in, one result per message as soon as its UNT is read.

Memory is bounded by one chunk, one message and the findings: a message's segments are kept as
raw bytes until its UNT, then decoded, tokenized, validated and mapped in one go, and dropped.
The interchange result keeps only the status of messages that have findings (see
``InterchangeResult.message_count``).
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from edi.codecs.base import (
    EdiSyntaxError,
    Envelope,
    InterchangeResult,
    Issue,
    MessageResult,
    MessageStatus,
)
from edi.codecs.edifact import mapping_in
from edi.codecs.edifact.syntax import (
    DEFAULT,
    DEFAULT_V4,
    ENCODINGS,
    UNSUPPORTED_SYNTAX,
    Separators,
    Splitter,
    find_start,
    make_tokenizer,
    tokenize,
)
from edi.codecs.edifact.tables import d96a
from edi.codecs.edifact.validate import checker_for, structure_for

SUPPORTED_RELEASES = frozenset(
    f"{y:02d}{r}" for y in (93, 94, 95, 96, 97, 98, 99, 0, 1) for r in "AB"
)
MAPPED_TYPES = frozenset(mapping_in.MAPPERS)


def _el(seg: list, i: int) -> str:
    """Element ``i`` (1-based) as text: the first component of a composite."""
    if i >= len(seg):
        return ""
    v = seg[i]
    if v.__class__ is list:
        return v[0]
    return v if v.__class__ is str else ""


def _comp(seg: list, i: int, j: int) -> str:
    if i >= len(seg):
        return ""
    v = seg[i]
    if v.__class__ is list:
        return v[j - 1] if j <= len(v) else ""
    return v if (j == 1 and v.__class__ is str) else ""


def _date6or8(value: str) -> str:
    if len(value) == 6 and (value.isascii() and value.isdigit()):
        yy = int(value[:2])
        return f"{2000 + yy if yy < 70 else 1900 + yy}-{value[2:4]}-{value[4:6]}"
    if len(value) == 8 and (value.isascii() and value.isdigit()):
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return ""


class _Interchange:
    """State of one interchange being read."""

    def __init__(self, seps: Separators, explicit_una: bool, issues: list[Issue]) -> None:
        self.seps = seps
        self.explicit_una = explicit_una
        self.issues = issues
        self.statuses: list[MessageStatus] = []
        self.message_count = 0
        self.bare_messages = 0
        self.groups: list[dict] = []
        self.group: dict | None = None
        self.encoding = "latin-1"
        self.syntax_version = "3"
        self.control = ""
        self.fatal: str | None = None  # why every message of this interchange is rejected
        self.bad_chars: re.Pattern[str] | None = None
        self.odd_chars: re.Pattern[str] | None = None
        self.envelope = Envelope(standard="edifact", sender="", receiver="", control_number="")
        self.clean: dict[tuple[bool, bool], set[str]] = {}
        self.walks: dict[tuple, tuple] = {}
        self.tokenizer = make_tokenizer(seps)

    def issue(self, code: str, message: str, *, segment: str | None = None,
              element: str | None = None, severity: str = "error") -> None:
        self.issues.append(
            Issue(code, message, "interchange", interchange=self.control or None, segment=segment,
                  element=element, severity=severity)  # type: ignore[arg-type]
        )


def read(stream: BinaryIO, *, chunk_size: int = 1 << 20) -> Iterator[MessageResult | InterchangeResult]:
    """Read every interchange of ``stream``; yield each message's result after its UNT and one
    :class:`InterchangeResult` after each UNZ (or at the end of the data when UNZ is missing).

    Raises :class:`EdiSyntaxError` when the data is not an EDIFACT interchange at all.
    """
    sp = Splitter(stream, chunk_size)
    first = True
    while True:
        if not sp.skip_layout():
            if first:
                raise EdiSyntaxError("no data: empty input")
            return
        head = sp.peek_head(4096)
        issues: list[Issue] = []
        if head.startswith(b"UNA") or (head.startswith(b"UNB") and not head[3:4].isalnum()):
            start = 0
        else:
            start = find_start(head)
            if start < 0:
                where = "at the start" if first else "after the interchange trailer"
                raise EdiSyntaxError(f"no UNA or UNB segment {where}: not an EDIFACT interchange")
            issues.append(Issue("33", f"{start} bytes of data before the interchange ignored",
                                "interchange", segment="UNB", severity="warning"))
            sp.skip(start)
            head = sp.peek_head(9)
        explicit = head.startswith(b"UNA")
        if explicit:
            # the 9 characters of UNA, even when a line wrap falls inside them
            raw = sp.peek_head(64)
            if _newline_terminator(raw):
                una, used = bytearray(raw[:9]), 9
            else:
                una, used = bytearray(), 0
                for byte in raw:
                    used += 1
                    if byte not in (10, 13):
                        una.append(byte)
                        if len(una) == 9:
                            break
            seps = Separators.from_una(bytes(una))
            sp.skip(used)
        else:
            seps = DEFAULT
        sp.restart(seps)
        first = False
        ended = yield from _read_interchange(sp, seps, explicit, issues)
        if ended:
            return


def _newline_terminator(raw: bytes) -> bool:
    """Whether a UNA declares CR or LF as segment terminator (rather than being wrapped).

    A line break among the first 8 characters is a wrap; one in the 9th place is the terminator
    when the next segment (UNB) follows it directly, and a wrap before the terminator otherwise.
    """
    if len(raw) < 10 or raw[8] not in (10, 13) or b"\r" in raw[:8] or b"\n" in raw[:8]:
        return False
    return raw[9:].lstrip(b"\r\n")[:1] == b"U"


def _read_interchange(sp: Splitter, seps: Separators, explicit: bool, issues: list[Issue]):
    ic = _Interchange(seps, explicit, issues)
    raw = sp.next()
    if raw is None:
        raise EdiSyntaxError("UNA service string advice without an interchange (no UNB)")
    unb = tokenize(raw.lstrip(b" \t").decode("latin-1"), seps)
    if unb[0] != "UNB":
        raise EdiSyntaxError(f"interchange does not start with UNB but with {unb[0][:3]!r}")
    _header(ic, unb)
    seps = ic.seps
    ic.tokenizer = make_tokenizer(seps)
    message: list[bytes] | None = None
    unt_head = b"UNT" + seps.element.encode("latin-1")
    while True:
        pending = sp.pending
        raw = pending.pop() if pending else sp.next()  # inlined Splitter.next: the hot path
        if raw is None:
            if message is not None:
                yield _message(ic, message, missing_unt=True)
            if sp.dangling:
                ic.issue("13", "the last segment has no segment terminator", segment="UNZ")
            ic.issue("13", "interchange trailer UNZ missing: the data ends inside the interchange",
                     segment="UNZ")
            yield _result(ic)
            return True
        if raw[:1] in (b" ", b"\t"):
            raw = raw.lstrip(b" \t")
        tag = raw[:3]
        if message is not None:
            if tag == b"UNT" and raw[:4] == unt_head:
                message.append(raw)
                yield _message(ic, message)
                message = None
                continue
            if tag not in (b"UNH", b"UNG", b"UNE", b"UNZ", b"UNB", b"UNA"):
                message.append(raw)
                continue
            yield _message(ic, message, missing_unt=True)
            message = None
        if tag == b"UNH":
            message = [raw]
            continue
        seg = tokenize(raw.decode("latin-1"), seps)
        tag_s = seg[0]
        if tag_s == "UNG":
            _group_start(ic, seg)
        elif tag_s == "UNE":
            _group_end(ic, seg)
        elif tag_s == "UNZ":
            _trailer(ic, seg)
            yield _result(ic)
            return False
        elif tag_s in ("UNB", "UNA"):
            ic.issue("13", "interchange trailer UNZ missing: a new interchange starts", segment="UNZ")
            sp.push_back(raw)
            yield _result(ic)
            return False
        elif tag_s == "UNT":
            ic.issue("33", "UNT outside a message", segment="UNT")
        else:
            ic.issue("33", f"segment {tag_s[:3]!r} outside a message", segment=tag_s[:3] or None)


def _header(ic: _Interchange, unb: list) -> None:
    version = _comp(unb, 1, 2)
    syntax = _comp(unb, 1, 1)
    ic.control = _el(unb, 5)
    ic.syntax_version = version if version in ("1", "2", "3", "4") else "3"
    if ic.syntax_version == "4" and not ic.explicit_una:
        ic.seps = DEFAULT_V4
    env = ic.envelope
    env.sender = _comp(unb, 2, 1)
    env.sender_qualifier = _comp(unb, 2, 2)
    env.receiver = _comp(unb, 3, 1)
    env.receiver_qualifier = _comp(unb, 3, 2)
    env.date = _date6or8(_comp(unb, 4, 1))
    t = _comp(unb, 4, 2)
    env.time = f"{t[:2]}:{t[2:4]}" if len(t) == 4 and (t.isascii() and t.isdigit()) else ""
    env.control_number = ic.control
    env.syntax = f"{syntax}:{version}"
    env.ack_requested = _el(unb, 9) == "1"
    env.test = _el(unb, 11) == "1"
    findings: list = []
    checker = checker_for("UNB", ic.syntax_version)
    if checker is not None:
        checker.check(unb, 0, False, findings)
    for code, text, _pos, tag, element, severity in findings:
        if code == "40" and element == "4.1":
            continue  # YYMMDD vs CCYYMMDD: both read
        ic.issue(code, f"UNB: {text}", segment="UNB", element=element, severity=severity)
    if version not in ("1", "2", "3", "4"):
        ic.issue("2", f"syntax version {version!r} is not supported", segment="UNB", element="1.2")
        ic.fatal = "syntax version not supported"
    if syntax in UNSUPPORTED_SYNTAX:
        ic.issue("2", UNSUPPORTED_SYNTAX[syntax], segment="UNB", element="1.1")
        ic.fatal = UNSUPPORTED_SYNTAX[syntax]
    elif syntax not in ENCODINGS:
        ic.issue("2", f"syntax identifier {syntax!r} is not supported", segment="UNB",
                 element="1.1")
        ic.fatal = f"syntax identifier {syntax!r} not supported"
    else:
        ic.encoding = ENCODINGS[syntax]
        if ic.encoding == "ascii":
            seps = ic.seps
            service = {seps.component, seps.element, seps.release, seps.repetition, seps.decimal}
            ctrl = "".join(re.escape(c) for c in service if ord(c) < 32)
            ic.bad_chars = re.compile("[\\x00-\\x1f\\x7f]" if not ctrl else
                                      f"(?![{ctrl}])[\\x00-\\x1f\\x7f]")
            level = "A-Z0-9" if syntax == "UNOA" else "A-Za-z0-9"
            allowed = level + re.escape(" .,-()/='+:?!\"%&*;<>" + "".join(service))
            ic.odd_chars = re.compile(f"[^{allowed}]")
    if not env.sender or not env.receiver or not ic.control:
        ic.fatal = ic.fatal or "interchange header incomplete"


def _group_start(ic: _Interchange, seg: list) -> None:
    if ic.group is not None:
        ic.issue("13", f"group {ic.group['ref']} has no UNE before the next UNG", segment="UNE")
        _close_group(ic)
    if ic.bare_messages:
        ic.issue("30", "functional groups and messages outside groups are mixed", segment="UNG")
    ic.group = {
        "ref": _el(seg, 5),
        "functional_id": _el(seg, 1),
        "sender": _comp(seg, 2, 1),
        "receiver": _comp(seg, 3, 1),
        "version": _comp(seg, 7, 1) + _comp(seg, 7, 2),
        "count": 0,
        "issues": [],
    }
    findings: list = []
    checker = checker_for("UNG", ic.syntax_version)
    if checker is not None:
        checker.check(seg, 0, False, findings)
    for code, text, _pos, tag, element, severity in findings:
        if code == "40" and element == "4.1":
            continue
        ic.group["issues"].append(Issue(code, f"UNG: {text}", "group", interchange=ic.control,
                                        group=ic.group["ref"], segment="UNG", element=element,
                                        severity=severity))  # type: ignore[arg-type]


def _close_group(ic: _Interchange) -> None:
    if ic.group is not None:
        g = ic.group
        ic.groups.append(g)
        ic.issues.extend(i for i in g["issues"])
        ic.group = None


def _group_end(ic: _Interchange, seg: list) -> None:
    g = ic.group
    if g is None:
        ic.issue("33", "UNE without UNG", segment="UNE")
        return
    count, ref = _el(seg, 1), _el(seg, 2)
    if ref != g["ref"]:
        g["issues"].append(Issue("28", f"UNE reference {ref!r} does not match UNG {g['ref']!r}",
                                 "group", interchange=ic.control, group=g["ref"], segment="UNE",
                                 element="2"))
    if not (count.isascii() and count.isdigit()) or int(count) != g["count"]:
        g["issues"].append(Issue("29", f"UNE counts {count!r} messages, the group has {g['count']}",
                                 "group", interchange=ic.control, group=g["ref"], segment="UNE",
                                 element="1"))
    _close_group(ic)


def _trailer(ic: _Interchange, seg: list) -> None:
    if ic.group is not None:
        ic.issue("13", f"group {ic.group['ref']} has no UNE", segment="UNE")
        _close_group(ic)
    count, ref = _el(seg, 1), _el(seg, 2)
    expected = len(ic.groups) if ic.groups else ic.message_count
    if ref != ic.control:
        ic.issue("28", f"UNZ reference {ref!r} does not match UNB {ic.control!r}", segment="UNZ",
                 element="2")
    if not (count.isascii() and count.isdigit()) or int(count) != expected:
        what = "groups" if ic.groups else "messages"
        ic.issue("29", f"UNZ counts {count!r} {what}, the interchange has {expected}",
                 segment="UNZ", element="1")
    if ic.message_count == 0 and not ic.groups:
        ic.issue("32", "the interchange holds no message", segment="UNZ", severity="warning")


def _result(ic: _Interchange) -> InterchangeResult:
    if ic.group is not None:
        _close_group(ic)
    groups = [
        {"ref": g["ref"], "functional_id": g["functional_id"], "count": g["count"],
         "sender": g["sender"], "receiver": g["receiver"], "version": g["version"]}
        for g in ic.groups
    ]
    return InterchangeResult(envelope=ic.envelope, issues=ic.issues, messages=ic.statuses,
                             groups=groups, message_count=ic.message_count)


_UNKNOWN = "?"  # plan marker: a segment unknown to the directory, skipped with a warning
_WALK_CACHE_SIZE = 4096


def _walk(ic: _Interchange, structure, tags: tuple[str, ...], lenient: bool, missing_unt: bool):
    """Place the segments of a message in its structure: ``(plan, groups, findings)``.

    ``plan`` has per segment its group name, ``None`` when it fits nowhere or ``_UNKNOWN``.
    The walk depends on nothing but the tag sequence, and messages of one interchange mostly
    repeat a handful of shapes, so the outcome is memoised per sequence: the second DESADV with
    the same segments costs one dict lookup instead of a walk.
    """
    key = (structure.name, lenient, missing_unt, tags)
    cache = ic.walks
    hit = cache.get(key)
    if hit is not None:
        return hit
    walker = structure.walker()
    known = structure.tags
    plan: list[str | None] = []
    for pos, tag in enumerate(tags, 1):
        if lenient and tag not in known and tag not in d96a.SEGMENTS:
            plan.append(_UNKNOWN)
            continue
        plan.append(walker.feed(tag, pos))
    if not missing_unt:
        walker.finish(len(tags))
    result = (tuple(plan), tuple(None if g is _UNKNOWN else g for g in plan), tuple(walker.findings))
    if len(cache) >= _WALK_CACHE_SIZE:
        cache.clear()
    cache[key] = result
    return result


def _message(ic: _Interchange, raws: list[bytes], missing_unt: bool = False) -> MessageResult:
    seps = ic.seps
    enc = ic.encoding
    group = ic.group
    ic.message_count += 1
    if group is None:
        ic.bare_messages += 1
        if ic.groups:
            ic.issue("30", "a message outside a group follows functional groups", segment="UNH")
    else:
        group["count"] += 1
    findings: list = []
    segs: list[list] = []
    texts: list[str] = []
    tok = ic.tokenizer
    bad_chars, odd_chars = ic.bad_chars, ic.odd_chars
    odd_reported = False
    # fast path: the whole message decodes and (for the ISO 646 syntax levels) holds no
    # character to report; otherwise the segment-by-segment loop below finds and locates them
    try:
        texts = [raw.decode(enc) for raw in raws]
    except UnicodeDecodeError:
        texts = []
    if texts and bad_chars is not None:
        joined = " ".join(texts)  # a space is allowed at every level
        if bad_chars.search(joined) or odd_chars.search(joined):  # type: ignore[union-attr]
            texts = []
    if texts:
        segs = [tok(text) for text in texts]
        raws = []
    for pos, raw in enumerate(raws, 1):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            findings.append(("21", f"byte {raw[exc.start:exc.start + 1]!r} is not a valid "
                             f"{enc} character under the syntax identifier", pos,
                             raw[:3].decode("latin-1"), None, "error"))
            text = raw.decode(enc, errors="replace")
            segs.append(tok(text))
            texts.append("")
            continue
        if bad_chars is not None:
            m = bad_chars.search(text)
            if m:
                findings.append(("21", f"control character {m.group()!r} in the data", pos,
                                 text[:3], None, "error"))
            elif not odd_reported:
                m = odd_chars.search(text)  # type: ignore[union-attr]
                if m:
                    odd_reported = True
                    findings.append(("21", f"character {m.group()!r} is outside the character "
                                     "set of the syntax level (tolerated)", pos, text[:3], None,
                                     "warning"))
        segs.append(tok(text))
        texts.append(text)
    unh = segs[0]
    ref = _el(unh, 1)
    mtype = _comp(unh, 2, 1)
    version = _comp(unh, 2, 2) + _comp(unh, 2, 3)
    release = _comp(unh, 2, 3)
    n = len(segs)
    if missing_unt:
        findings.append(("13", "message trailer UNT missing", n, "UNT", None, "error"))
    else:
        unt = segs[-1]
        count, unt_ref = _el(unt, 1), _el(unt, 2)
        if unt_ref != ref:
            findings.append(("28", f"UNT reference {unt_ref!r} does not match UNH {ref!r}", n,
                             "UNT", "2", "error"))
        if not (count.isascii() and count.isdigit()) or int(count) != n:
            findings.append(("29", f"UNT counts {count!r} segments, the message has {n}", n,
                             "UNT", "1", "error"))
    structure = None
    supported = False
    lenient = False
    codes_lenient = False
    if mtype == "CONTRL":
        structure = structure_for("CONTRL")
        supported = True
    elif mtype in d96a.MESSAGES or mtype in MAPPED_TYPES:
        agency = _comp(unh, 2, 4)
        if release in SUPPORTED_RELEASES and agency == "UN":
            supported = mtype in MAPPED_TYPES
            structure = structure_for(mtype)
            # other directories, and subsets such as EANCOM (UNH 0057), extend the D.96A code
            # lists and segments: their differences are warnings
            lenient = version != "D96A"
            codes_lenient = lenient or bool(_comp(unh, 2, 5))
            if _comp(unh, 2, 2) != "D":
                findings.append(("12", f"message version {_comp(unh, 2, 2)!r} should be 'D' "
                                 "(draft directory); read as D", 1, "UNH", "2.2", "warning"))
        else:
            findings.append(("3", f"{mtype} version {_comp(unh, 2, 2)}:{release}:{agency} is not "
                             "supported: directories D.93A to D.01B (agency UN) are read", 1,
                             "UNH", "2", "error"))
    else:
        findings.append(("3", f"message type {mtype!r} has no canonical translation", 1, "UNH",
                         "2.1", "error"))
    groups: tuple[str | None, ...] = ()
    if structure is not None:
        plan, groups, walk_findings = _walk(ic, structure, tuple([seg[0] for seg in segs]),
                                            lenient, missing_unt)
        syntax = "4" if ic.syntax_version == "4" else "3"
        # segments already found clean in this interchange (same text, same rules) are not
        # checked again: qualifiers, package codes and dates repeat message after message
        clean = ic.clean.setdefault((lenient, codes_lenient), set())
        if len(clean) > 50_000:
            clean.clear()
        pos = 0
        for seg, g, text in zip(segs, plan, texts):
            pos += 1
            if g is None:
                continue  # placed nowhere: the walk reported it
            if g is _UNKNOWN:
                tag = seg[0]
                findings.append(("15", f"segment {tag!r} is unknown in D.96A: ignored", pos,
                                 tag, None, "warning"))
                continue
            if text in clean:
                continue
            checker = checker_for(seg[0], syntax)
            if checker is not None:
                before = len(findings)
                checker.check(seg, pos, lenient, findings, codes_lenient)
                if len(findings) == before and text:
                    clean.add(text)
        findings.extend(walk_findings)
    accepted = ic.fatal is None and not any(f[5] == "error" for f in findings)
    issues = [
        Issue(code, text, "element" if element else ("message" if tag is None else "segment"),
              interchange=ic.control, group=group["ref"] if group else None, message_ref=ref,
              segment=tag, position=pos, element=element, severity=severity)  # type: ignore[arg-type]
        for code, text, pos, tag, element, severity in findings
    ]
    if ic.fatal is not None:
        issues.append(Issue("4", f"interchange rejected: {ic.fatal}", "message",
                            interchange=ic.control, message_ref=ref, segment="UNB"))
    document = None
    if accepted and supported:
        mapper = mapping_in.MAPPERS.get(mtype)
        if mapper is not None:
            ctx = mapping_in.Context(ic.envelope, seps.decimal, mtype)
            document = mapper(segs, groups, ctx)
            if ctx.issues:
                for code, text, pos, tag, element in ctx.issues:
                    issues.append(Issue(code, text, "element" if element else "segment",
                                        interchange=ic.control,
                                        group=group["ref"] if group else None, message_ref=ref,
                                        segment=tag, position=pos, element=element))
                accepted = False
                document = None
    if issues:
        ic.statuses.append(MessageStatus(mtype, ref, group["ref"] if group else None, accepted,
                                         issues, version,
                                         group["functional_id"] if group else None))
    return MessageResult(envelope=ic.envelope, message_type=mtype, version=version,
                         message_ref=ref, group=group["ref"] if group else None,
                         document=document, issues=issues, accepted=accepted, segment_count=n)

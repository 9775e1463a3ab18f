"""Streaming X12 reader: bytes in, one result per transaction set and one per interchange out.

The stream is read ``chunk_size`` bytes at a time. Each interchange takes its delimiters from its
own ISA, so a file may mix interchanges with different terminators. A chunk is decoded, cut at
its last segment terminator, split with ``str.split`` and fed to :class:`_Interchange`, whose hot
loop does one dict lookup in the compiled state machine and one generated validator call per
segment. Only the segments of the current transaction set are kept (for mapping), so memory is
bounded by the largest set, not by the file.
"""

from __future__ import annotations

import bisect
import codecs
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
from edi.codecs.canonical import validate_document
from edi.codecs.x12.dictionary import describe
from edi.codecs.x12.envelope import Isa, parse_isa
from edi.codecs.x12.machine import KNOWN_TAGS, dt6, dt8, iso_date, machine, validators
from edi.codecs.x12.maps import INBOUND, Context, MapError, read_ta1
from edi.codecs.x12.sets import TABLES

_BOM = b"\xef\xbb\xbf"
_JUNK = b" \t\r\n\x00\x1a"
_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
NATIVE_VERSIONS = ("004010", "005010")


def read(stream: BinaryIO, *, chunk_size: int = 1 << 20) -> Iterator[MessageResult | InterchangeResult]:
    """Read X12 interchanges from a binary stream.

    Yields a :class:`MessageResult` as soon as each transaction set (ST..SE) is read, and an
    :class:`InterchangeResult` after each IEA. Raises :class:`EdiSyntaxError` when the input is
    not X12 (no ISA, unusable delimiters); every other problem is an :class:`Issue` in a result.
    """
    return _read(stream, max(int(chunk_size), 512))


def _read(stream: BinaryIO, chunk_size: int) -> Iterator[MessageResult | InterchangeResult]:
    raw = b""
    eof = False
    first = True
    seen_controls: set[str] = set()
    consumed = 0
    while True:
        while len(raw) < 512 and not eof:
            data = stream.read(chunk_size)
            if not data:
                eof = True
            else:
                raw += data
        if first and raw.startswith(_BOM):
            raw = raw[3:]
            consumed += 3
        stripped = raw.lstrip(_JUNK)
        consumed += len(raw) - len(stripped)
        raw = stripped
        if not raw:
            if eof:
                if first:
                    raise EdiSyntaxError("empty input: no X12 interchange")
                return
            continue
        if not raw.startswith(b"ISA"):
            if len(raw) < 3 and not eof:
                continue
            raise EdiSyntaxError(
                f"expected an ISA interchange header at byte {consumed}, found {raw[:16]!r}")
        isa = parse_isa(raw)
        raw = raw[isa.length:]
        consumed += isa.length
        ic = _Interchange(isa, seen_controls)
        first = False
        reader = _TextReader(stream, chunk_size, isa, raw, eof)
        for body in reader.bodies():
            yield from ic.feed(body)
        yield from ic.finish()
        raw, eof = reader.leftover()
        consumed += reader.consumed_bytes


class _TextReader:
    """Decodes one interchange's bytes and cuts them into bodies of whole segments."""

    def __init__(self, stream: BinaryIO, chunk_size: int, isa: Isa, raw: bytes, eof: bool):
        self.stream, self.chunk_size, self.eof = stream, chunk_size, eof
        d = isa.delimiters
        self.t = d.segment
        self.latin = any(ord(ch) > 127 for ch in (d.element, d.component, d.segment))
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.strip = {"\n": "\r", "\r": "\n"}.get(self.t, "\r\n")
        self.end_re = re.compile(re.escape(self.t) + r"[\r\n ]*(IEA|ISA)")
        self.space_re = re.compile(re.escape(self.t) + " +")
        self.pending = raw
        self.rest = ""
        self.consumed_bytes = len(raw)

    def _decode(self, data: bytes, final: bool = False) -> str:
        if self.latin:
            return data.decode("latin-1")
        try:
            return self.decoder.decode(data, final)
        except UnicodeDecodeError:
            # Not UTF-8: read this interchange as Latin-1 from here on (never fails).
            buffered = self.decoder.getstate()[0]
            self.latin = True
            return (buffered + data).decode("latin-1")

    def _more(self) -> str:
        if self.eof:
            return ""
        data = self.stream.read(self.chunk_size)
        if not data:
            self.eof = True
            return self._decode(b"", True)
        self.consumed_bytes += len(data)
        return self._decode(data)

    def _clean(self, body: str) -> list[str]:
        for ch in self.strip:
            if ch in body:
                body = body.replace(ch, "")
        if self.t + " " in body:
            body = self.space_re.sub(self.t, body)
        return body.split(self.t)

    def bodies(self) -> Iterator[list[str]]:
        t = self.t
        buf = t + self._decode(self.pending)
        self.pending = b""
        while True:
            m = self.end_re.search(buf)
            if m is not None and m.group(1) == "IEA":
                end = buf.find(t, m.end())
                if end >= 0 or self.eof:
                    if end < 0:
                        end = len(buf)
                    yield self._clean(buf[:end])
                    self.rest = buf[end + 1:]
                    return
                cut = m.start()
            elif m is not None:  # the next ISA before this interchange's IEA
                yield self._clean(buf[:m.start()])
                self.rest = buf[m.start(1):]
                return
            else:
                if self.eof:
                    yield self._clean(buf)
                    return
                cut = buf.rfind(t)
            if cut > 0:
                yield self._clean(buf[:cut])
                buf = buf[cut:]
            buf += self._more()

    def leftover(self) -> tuple[bytes, bool]:
        """The bytes after this interchange (the next one's ISA), and whether the input ended."""
        codec = "latin-1" if self.latin else "utf-8"
        tail = b"" if self.latin else self.decoder.getstate()[0]
        try:
            data = self.rest.encode(codec) + tail
        except UnicodeEncodeError:
            data = self.rest.encode("utf-8", "replace") + tail
        self.consumed_bytes -= len(data)
        return data, self.eof


class _Seen:
    """Control numbers seen, for duplicate detection in constant memory on sequential numbers.

    Numeric references are kept as ranges per digit count ("0001".."5000" is one range), so a
    group of a million sequentially numbered sets costs a few integers, not a million strings.
    """

    def __init__(self) -> None:
        self.starts: dict[int, list[int]] = {}
        self.ends: dict[int, list[int]] = {}
        self.other: set[str] = set()

    def add(self, ref: str) -> bool:
        """Record ``ref``; True when it was seen before."""
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
            if ref in self.other:
                return True
            self.other.add(ref)
            return False
        n = int(ref)
        starts = self.starts.setdefault(len(ref), [])
        ends = self.ends.setdefault(len(ref), [])
        i = bisect.bisect_right(starts, n) - 1
        if i >= 0 and n <= ends[i]:
            return True
        if i >= 0 and ends[i] == n - 1:
            ends[i] = n
            if i + 1 < len(starts) and starts[i + 1] == n + 1:
                ends[i] = ends.pop(i + 1)
                starts.pop(i + 1)
        elif i + 1 < len(starts) and starts[i + 1] == n + 1:
            starts[i + 1] = n
        else:
            starts.insert(i + 1, n)
            ends.insert(i + 1, n)
        return False


class _Interchange:
    """Envelope bookkeeping and the per-set hot loop of one interchange."""

    def __init__(self, isa: Isa, seen_controls: set[str]):
        self.env: Envelope = isa.envelope
        d = isa.delimiters
        self.e, self.cs = d.element, d.component
        self.control = self.env.control_number
        self.issues: list[Issue] = list(isa.issues)
        if self.control in seen_controls:
            self.issues.append(self._ic_issue("025", f"duplicate interchange control number "
                                                     f"{self.control}"))
        seen_controls.add(self.control)
        self.legacy_envelope = self.env.syntax < "00401"
        self.groups: list[dict] = []
        self.group: dict | None = None
        self.statuses: list[MessageStatus] = []
        self.count = 0
        self.done = False
        self.after_iea = False
        self._reset_set()

    # --- issues ---------------------------------------------------------------------------
    def _ic_issue(self, code: str, text: str, segment: str | None = None) -> Issue:
        return Issue(code=code, message=text, level="interchange", interchange=self.control,
                     segment=segment)

    def _group_issue(self, code: str, text: str, segment: str = "GE") -> Issue:
        g = self.group
        issue = Issue(code=code, message=text, level="group", interchange=self.control,
                      group=g["control_number"] if g else None, segment=segment)
        if g is not None:
            g["issues"].append(issue)
        self.issues.append(issue)
        return issue

    def _msg_issue(self, code: str, text: str, segment: str | None = None,
                   position: int | None = None, level: str = "message",
                   element: str | None = None, severity: str = "error") -> Issue:
        return Issue(code=code, message=text, level=level, interchange=self.control,  # type: ignore[arg-type]
                     group=self.group["control_number"] if self.group else None,
                     message_ref=self.ref, segment=segment, position=position, element=element,
                     severity=severity)  # type: ignore[arg-type]

    # --- set state ----------------------------------------------------------------------------
    def _reset_set(self) -> None:
        self.in_set = False
        self.trans = None
        self.vals: dict = {}
        self.state = 0
        self.segcount = 1
        self.counts: list[int] = [1]
        self.pos = 0
        self.buf: list[list[str]] = []
        self.sissues: list[Issue] = []
        self.ref = None
        self.set_id = ""

    def feed(self, segs: list[str]) -> list[MessageResult]:
        out: list[MessageResult] = []
        e, cs = self.e, self.cs
        in_set, trans, vals = self.in_set, self.trans, self.vals
        state, segcount, counts, pos = self.state, self.segcount, self.counts, self.pos
        buf, sissues = self.buf, self.sissues
        for s in segs:
            if not s:
                continue
            el = s.split(e)
            tag = el[0]
            if in_set and trans is not None:
                tr = trans[state].get(tag)
                if tr is not None:
                    pos += 1
                    nstate, kind, mx, missing, keep = tr
                    if kind == 0:
                        segcount += 1
                        if mx is not None and segcount > mx:
                            sissues.append(self._msg_issue(
                                "5", f"{tag} used more than {mx} times", tag, pos, "segment"))
                    else:
                        segcount = 1
                        del counts[keep:]
                        if kind == 2:
                            counts.append(1)
                        elif kind == 3:
                            counts[-1] += 1
                            if mx is not None and counts[-1] > mx:
                                sissues.append(self._msg_issue(
                                    "4", f"loop {tag} occurs more than {mx} times", tag, pos,
                                    "segment"))
                        if missing:
                            for m in missing:
                                sissues.append(self._msg_issue(
                                    "3", f"mandatory segment {m} missing before {tag}", m, pos,
                                    "segment"))
                    state = nstate
                    v = vals.get(tag)
                    if v is not None:
                        errs = v(el, cs)
                        if errs:
                            self._element_issues(tag, pos, errs)
                    buf.append(el)
                    continue
            self.state, self.segcount, self.pos = state, segcount, pos
            if in_set:
                self._slow_in_set(el, out)
            else:
                self._envelope(el, out)
            in_set, trans, vals = self.in_set, self.trans, self.vals
            state, segcount, counts, pos = self.state, self.segcount, self.counts, self.pos
            buf, sissues = self.buf, self.sissues
        self.state, self.segcount, self.pos = state, segcount, pos
        return out

    def _element_issues(self, tag: str, pos: int, errs: list) -> None:
        for epos, code, text in errs:
            self.sissues.append(self._msg_issue(code, text, tag, pos, "element", str(epos)))

    def _slow_in_set(self, el: list[str], out: list[MessageResult]) -> None:
        tag = el[0].strip()
        if tag == "SE":
            self._end_set(el, out)
            return
        if tag in ("ST", "GE", "GS", "IEA", "ISA"):
            self.sissues.append(self._msg_issue("2", f"transaction set trailer SE missing before "
                                                     f"{tag}", "SE", self.pos + 1))
            self._end_set(None, out)
            self._envelope(el, out)
            return
        self.pos += 1
        if self.trans is None:  # a set we do not translate: count segments only
            return
        if not _TAG.match(tag):
            self.sissues.append(self._msg_issue("1", f"unrecognized segment ID {tag[:10]!r}",
                                                tag[:3] or None, self.pos, "segment"))
        elif tag not in machine(self.set_id).tags:
            code = "6" if tag in KNOWN_TAGS else "1"
            self.sissues.append(self._msg_issue(
                code, f"segment {tag} is not in transaction set {self.set_id}", tag, self.pos,
                "segment"))
        else:
            self.sissues.append(self._msg_issue(
                "2", f"segment {tag} is not expected here", tag, self.pos, "segment"))

    # --- transaction sets -----------------------------------------------------------------------
    def _start_set(self, el: list[str]) -> None:
        self._reset_set()
        g = self.group
        self.in_set = True
        self.pos = 1
        self.set_id = set_id = el[1].strip() if len(el) > 1 else ""
        self.ref = ref = el[2].strip() if len(el) > 2 else ""
        version = g["version"] if g else ""
        self.version = version
        self.legacy = bool(version) and version[:6] < "004010"
        self.vals = validators(self.legacy)
        if not (4 <= len(ref) <= 9):
            self.sissues.append(self._msg_issue("7", f"ST02 control number {ref!r} is not 4-9 "
                                                     "characters", "ST", 1))
        if g is not None:
            if g["refs"].add(ref):
                self.sissues.append(self._msg_issue("23", f"control number {ref} is used twice "
                                                          "in the group", "ST", 1))
        if set_id in TABLES:
            m = machine(set_id)
            self.trans = m.transitions
            self.se_missing = m.se_missing
            errs = self.vals["ST"](el, self.cs)
            if errs:
                self._element_issues("ST", 1, errs)
        elif len(set_id) == 3 and set_id.isdigit():
            self.sissues.append(self._msg_issue("1", f"transaction set {set_id} is not supported",
                                                "ST", 1))
        else:
            self.sissues.append(self._msg_issue("6", f"invalid transaction set identifier "
                                                     f"{set_id!r}", "ST", 1))
        self.buf.append(el)

    def _end_set(self, se: list[str] | None, out: list[MessageResult]) -> None:
        issues = self.sissues
        if se is not None:
            self.pos += 1
            if self.trans is not None:
                for m in self.se_missing[self.state]:
                    issues.append(self._msg_issue("3", f"mandatory segment {m} missing", m,
                                                  self.pos, "segment"))
                errs = self.vals["SE"](se, self.cs)
                if errs:
                    self._element_issues("SE", self.pos, errs)
            count = se[1].strip() if len(se) > 1 else ""
            if count != str(self.pos) and not (count.isascii() and count.isdigit() and int(count) == self.pos):
                issues.append(self._msg_issue("4", f"SE01 says {count or 'nothing'}, the set has "
                                                   f"{self.pos} segments", "SE", self.pos))
            ref = se[2].strip() if len(se) > 2 else ""
            if ref != self.ref:
                issues.append(self._msg_issue("3", f"SE02 {ref!r} does not match ST02 "
                                                   f"{self.ref!r}", "SE", self.pos))
        errors = any(i.severity == "error" for i in issues)
        if errors and self.trans is not None and self.version[:6] not in NATIVE_VERSIONS:
            issues.insert(0, self._msg_issue(
                "1", f"{self.set_id} version {self.version or '?'} does not match the 004010 "
                     "structure this engine translates"))
        document = None
        if not errors and self.set_id in INBOUND:
            document = self._map()
            errors = any(i.severity == "error" for i in issues)
        g = self.group
        result = MessageResult(
            envelope=self.env, message_type=self.set_id, version=self.version,
            message_ref=self.ref or "", group=g["control_number"] if g else None,
            document=document, issues=issues, accepted=not errors, segment_count=self.pos)
        self.count += 1
        if g is not None:
            g["sets"] += 1
            g["accepted"] += 0 if errors else 1
            g["types"].add(self.set_id)
        if issues:
            self.statuses.append(MessageStatus(
                message_type=self.set_id, message_ref=self.ref or "",
                group=g["control_number"] if g else None, accepted=not errors, issues=issues,
                version=self.version, group_functional_id=g["functional_id"] if g else None))
        out.append(result)
        self._reset_set()

    def _map(self) -> dict | None:
        g = self.group or {}
        ctx = Context(envelope=self.env, set_id=self.set_id, control=self.ref or "",
                      version=self.version, cs=self.cs, group_date=g.get("date", ""),
                      group_control=g.get("control_number") or "")
        try:
            document = INBOUND[self.set_id](self.buf, ctx)
        except MapError as exc:
            self.sissues.append(self._msg_issue(exc.code, str(exc), exc.segment, exc.position,
                                                "segment" if exc.segment else "message"))
            return None
        problems = validate_document(document) if _suspect(document) else None
        if problems:
            self.sissues.append(self._msg_issue(
                "5", "the set does not fit the canonical document: " + "; ".join(problems[:5]),
                severity="warning"))
        return document

    # --- envelope -------------------------------------------------------------------------------
    def _envelope(self, el: list[str], out: list[MessageResult]) -> None:
        tag = el[0].strip()
        if self.done:
            self.issues.append(self._ic_issue("024", f"segment {tag[:3]} after IEA", tag[:3]))
            return
        if tag == "GS":
            if self.group is not None:
                self._group_issue("3", "functional group trailer GE missing")
                self._close_group(None)
            self._open_group(el)
        elif tag == "ST":
            if self.group is None:
                self.issues.append(self._ic_issue("024", "ST outside a functional group", "ST"))
                self._open_group(["GS"])
            self._start_set(el)
        elif tag == "GE":
            if self.group is None:
                self.issues.append(self._ic_issue("024", "GE without GS", "GE"))
            else:
                self._close_group(el)
        elif tag == "IEA":
            if self.group is not None:
                self._group_issue("3", "functional group trailer GE missing")
                self._close_group(None)
            self._close_interchange(el)
        elif tag == "TA1":
            out.append(self._ta1(el))
        else:
            self.issues.append(self._ic_issue(
                "024", f"segment {tag[:3]!r} outside a transaction set", tag[:3] or None))

    def _open_group(self, el: list[str]) -> None:
        def g(i: int) -> str:
            return el[i].strip() if len(el) > i else ""
        control = g(6)
        version = g(8)
        self.group = group = {
            "control_number": control or None, "functional_id": g(1), "sender": g(2),
            "receiver": g(3), "date": "", "version": version, "sets": 0, "accepted": 0,
            "declared": None, "issues": [], "refs": _Seen(), "types": set(), "closed": False,
        }
        self.groups.append(group)
        if len(el) == 1:
            return
        legacy = self.legacy_envelope or version[:6] < "004010"
        errs = validators(legacy)["GS"](el, self.cs)
        if errs:
            for epos, code, text in errs:
                self.issues.append(self._ic_issue("024", f"invalid GS segment: {text}", "GS"))
        d = g(4)
        if (dt6 if legacy else dt8)(d):
            group["date"] = iso_date(d)
        if not (control.isascii() and control.isdigit() and 1 <= len(control) <= 9):
            self._group_issue("6", f"GS06 group control number {control!r} is not 1-9 digits",
                              "GS")
        if sum(1 for x in self.groups if x["control_number"] == control) > 1:
            self._group_issue("19", f"group control number {control} is used twice in the "
                                    "interchange", "GS")

    def _close_group(self, el: list[str] | None) -> None:
        g = self.group
        assert g is not None
        if el is not None:
            errs = validators()["GE"](el, self.cs)
            count = el[1].strip() if len(el) > 1 else ""
            control = el[2].strip() if len(el) > 2 else ""
            g["declared"] = count
            if errs:
                for _, code, text in errs:
                    self._group_issue("5" if "GE01" in text else "4", f"invalid GE: {text}")
            if count != str(g["sets"]) and not (count.isascii() and count.isdigit() and int(count) == g["sets"]):
                self._group_issue("5", f"GE01 says {count or 'nothing'} sets, the group has "
                                       f"{g['sets']}")
            if control != (g["control_number"] or ""):
                self._group_issue("4", f"GE02 {control!r} does not match GS06 "
                                       f"{g['control_number']!r}")
        g["closed"] = True
        g.pop("refs", None)
        g["types"] = sorted(g["types"])
        self.group = None

    def _close_interchange(self, el: list[str]) -> None:
        self.done = True
        count = el[1].strip() if len(el) > 1 else ""
        control = el[2].strip() if len(el) > 2 else ""
        if not (count.isascii() and count.isdigit() and int(count) == len(self.groups)):
            self.issues.append(self._ic_issue(
                "021", f"IEA01 says {count or 'nothing'} groups, the interchange has "
                       f"{len(self.groups)}", "IEA"))
        if control != self.control:
            self.issues.append(self._ic_issue(
                "001", f"IEA02 {control!r} does not match ISA13 {self.control!r}", "IEA"))

    def _ta1(self, el: list[str]) -> MessageResult:
        issues: list[Issue] = []
        document = None
        try:
            document = read_ta1(el, self.env)
        except MapError as exc:
            issues.append(Issue(code="024", message=str(exc), level="interchange",
                                interchange=self.control, segment="TA1"))
        return MessageResult(envelope=self.env, message_type="TA1", version=self.env.syntax,
                             message_ref=el[1].strip() if len(el) > 1 else "", group=None,
                             document=document, issues=issues, accepted=not issues,
                             segment_count=1)

    def finish(self) -> list[MessageResult | InterchangeResult]:
        out: list[MessageResult | InterchangeResult] = []
        if self.in_set:
            self.sissues.append(self._msg_issue("2", "transaction set trailer SE missing at end "
                                                     "of input", "SE", self.pos + 1))
            self._end_set(None, out)  # type: ignore[arg-type]
        if self.group is not None:
            self._group_issue("3", "functional group trailer GE missing")
            self._close_group(None)
        if not self.done:
            self.issues.append(self._ic_issue("023", "input ends before IEA", "IEA"))
        groups = []
        for g in self.groups:
            g.pop("refs", None)
            if isinstance(g["types"], set):
                g["types"] = sorted(g["types"])
            groups.append(g)
        out.append(InterchangeResult(envelope=self.env, issues=self.issues,
                                     messages=self.statuses, groups=groups,
                                     message_count=self.count))
        return out


_LINE = re.compile(r"[0-9A-Za-z]{1,6}\Z").match
_SEG = re.compile(r"[A-Z0-9]{2,3}\Z").match


def _suspect(doc: dict) -> bool:
    """Whether a mapped document may break the canonical contract.

    The set was validated against X12 rules already, so only the limits where X12 allows more
    than the canonical schema (lengths, line-number shape, uniqueness, per-type rules) can fail;
    checking just those is ~10x cheaper than the full checker, which runs when this says so.
    """
    if not doc.get("id") or not doc.get("issued"):
        return True
    if not (0 < len(doc["sender"]) <= 35 and 0 < len(doc["receiver"]) <= 35
            and 0 < len(doc["control_number"]) <= 14):
        return True
    for key in ("buyer", "supplier", "ship_to", "carrier"):
        party = doc.get(key)
        if party is not None and len(party.get("id", "")) > 35:
            return True
    kind = doc["type"]
    if kind == "functional_ack":
        for m in doc["messages"]:
            for err in m["errors"]:
                if "segment" in err and not _SEG(err["segment"]):
                    return True
        return False
    seen: set[str] = set()
    for ln in doc["lines"]:
        n = ln.get("line")
        if n is not None:
            if n in seen or not _LINE(n):
                return True
            seen.add(n)
        for k in ("buyer_part", "supplier_part", "gtin", "lot", "order"):
            if len(ln.get(k, "")) > 35:
                return True
        if len(ln.get("description", "")) > 70 or len(ln.get("order_line", "")) > 6:
            return True
        if any(len(x) > 35 for x in ln.get("serials", ())):
            return True
        if kind == "despatch_advice" and "quantity" not in ln:
            return True
        if kind == "delivery_schedule":
            if not ("buyer_part" in ln or "supplier_part" in ln or "gtin" in ln):
                return True
            if any(p["end"] < p["start"] for p in ln["schedule"]):
                return True
    for p in doc.get("packages", ()):
        if len(p.get("sscc", "")) > 35 or p.get("parent") == p["id"]:
            return True
    return False


def describe_issue(issue: Issue) -> str:
    """The standard's name for an issue's code at its level."""
    return describe(issue.level, issue.code)

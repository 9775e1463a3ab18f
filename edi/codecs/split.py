"""Find where each interchange of a file starts and ends, without parsing it.

A file may hold several interchanges (X12 mailbags, concatenated EDIFACT). The hub tracks each
interchange as its own record, so it cuts the file at interchange boundaries first. This scans
the bytes (a ``bytes`` object or an ``mmap``), never decoding them: X12 delimiters come from each
ISA (fixed width, or the sixteenth separator when a sender got the padding wrong, as the reader
accepts); EDIFACT separators from each UNA (or the defaults), honouring the release character so
that an escaped terminator never ends a segment.

An interchange whose trailer is missing ends where the next interchange starts, or at the end of
the data; the reader of that range then reports the missing trailer. Bytes outside every range
(line breaks, a ^Z, junk) belong to no interchange: :func:`leftovers` lists the ones that are not
mere layout, so a caller can say what it did not process.
"""

from __future__ import annotations

import re
from typing import Union

from edi.codecs.base import EdiSyntaxError

Buffer = Union[bytes, bytearray, memoryview, "mmap.mmap"]  # noqa: F821

LAYOUT = b" \t\r\n\x00\x1a"  # whitespace, NUL padding and the DOS end-of-file mark
_ISA_SEPS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_ISA = re.compile(rb"ISA[^A-Za-z0-9\s]")
_EDIFACT_START = re.compile(rb"UNA[^A-Za-z0-9]|UNB[^A-Za-z0-9]")


def split(buf: Buffer, standard: str) -> list[tuple[int, int]]:
    """Byte ranges ``[start, end)`` of the interchanges in ``buf``, in order.

    Raises :class:`EdiSyntaxError` when no interchange start is found.
    """
    if standard == "x12":
        return _split_x12(buf)
    if standard == "edifact":
        return _split_edifact(buf)
    raise EdiSyntaxError(f"cannot split {standard} payloads")


def leftovers(buf: Buffer, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges of bytes outside every interchange that are not layout (junk to report)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for start, end in [*ranges, (len(buf), len(buf))]:
        gap = bytes(buf[pos:start])
        if gap.strip(LAYOUT):
            lead = len(gap) - len(gap.lstrip(LAYOUT))
            trail = len(gap) - len(gap.rstrip(LAYOUT))
            out.append((pos + lead, start - trail))
        pos = max(pos, end)
    return out


# --- X12 ------------------------------------------------------------------------------------------

def _isa_delimiters(buf: Buffer, pos: int) -> tuple[bytes, bytes] | None:
    """(element separator, segment terminator) of the ISA at ``pos``, or None if it is not one."""
    head = bytes(buf[pos : pos + 200])
    if len(head) < 4:
        return None
    e = head[3:4]
    if len(head) >= 106 and all(head[p : p + 1] == e for p in _ISA_SEPS):
        term = head[105:106]
    else:
        # not fixed width: the terminator follows the component separator after the 16th separator
        at, seen = 3, 0
        while seen < 16:
            at = head.find(e, at + (1 if seen else 0))
            if at < 0:
                return None
            seen += 1
        term = head[at + 2 : at + 3]
    if not term or term.isalnum() or term in (e, b" "):
        return None
    return e, term


def _next_isa(buf: Buffer, start: int) -> int:
    """Position of the next real ISA header at or after ``start`` (its separators line up), or -1."""
    while True:
        m = _ISA.search(buf, start)
        if m is None:
            return -1
        if _isa_delimiters(buf, m.start()) is not None:
            return m.start()
        start = m.start() + 1


def _split_x12(buf: Buffer) -> list[tuple[int, int]]:
    pos = _next_isa(buf, 0)
    if pos < 0:
        start = buf.find(b"ISA")
        if start < 0:
            raise EdiSyntaxError("no ISA segment: not an X12 interchange")
        # a header too damaged to take delimiters from: one range, the reader says what is wrong
        return [(start, len(buf))]
    ranges: list[tuple[int, int]] = []
    n = len(buf)
    while pos >= 0:
        element, term = _isa_delimiters(buf, pos)  # type: ignore[misc]
        nxt = _next_isa(buf, pos + 4)
        limit = n if nxt < 0 else nxt
        # the IEA segment: after a terminator, maybe after layout (CR/LF, a space)
        trailer = re.compile(re.escape(term) + rb"[ \t\r\n]*IEA" + re.escape(element)).search(buf, pos, limit)
        if trailer is None:
            ranges.append((pos, _trim(buf, pos, limit)))
        else:
            stop = buf.find(term, trailer.end(), limit)
            ranges.append((pos, limit if stop < 0 else stop + 1))
        pos = nxt
    return ranges


def _trim(buf: Buffer, start: int, end: int) -> int:
    """``end`` moved back over layout bytes (a truncated interchange followed by the next one)."""
    while end > start and buf[end - 1 : end] in (b" ", b"\t", b"\r", b"\n", b"\x00", b"\x1a"):
        end -= 1
    return end


# --- EDIFACT --------------------------------------------------------------------------------------

def _edifact_separators(buf: Buffer, pos: int) -> tuple[bytes, bytes, bytes]:
    """(element separator, release character or b"", terminator) of the interchange at ``pos``."""
    if bytes(buf[pos : pos + 3]) == b"UNA":
        una = bytes(buf[pos + 3 : pos + 9])
        if len(una) < 6:
            raise EdiSyntaxError("truncated UNA service string advice")
        release = una[3:4]
        return una[1:2], b"" if release == b" " else release, una[5:6]
    return b"+", b"?", b"'"


def _escaped(buf: Buffer, idx: int, release: bytes) -> bool:
    """Whether the byte at ``idx`` is released (preceded by an odd run of release characters)."""
    if not release:
        return False
    k = idx - 1
    while k >= 0 and buf[k : k + 1] == release:
        k -= 1
    return (idx - 1 - k) % 2 == 1


def _segment_start(buf: Buffer, idx: int, term: bytes, release: bytes, floor: int) -> bool:
    """Whether a segment starts at ``idx``: an unreleased terminator before it, layout between."""
    k = idx - 1
    while k >= floor:
        c = buf[k : k + 1]
        if c == term:  # checked first: the terminator may itself be a line feed
            return not _escaped(buf, k, release)
        if c not in (b" ", b"\t", b"\r", b"\n"):
            return False
        k -= 1
    return False


def _next_edifact(buf: Buffer, start: int) -> int:
    """The next UNA/UNB at or after ``start`` that begins the data or follows a segment or line end."""
    while True:
        m = _EDIFACT_START.search(buf, start)
        if m is None:
            return -1
        i = m.start()
        if i == start or not bytes(buf[i - 1 : i]).isalnum():
            return i
        start = i + 1


def _split_edifact(buf: Buffer) -> list[tuple[int, int]]:
    from edi.codecs.edifact.syntax import find_start

    first = find_start(bytes(buf[:65536]))
    if first < 0:
        raise EdiSyntaxError("no UNA or UNB segment: not an EDIFACT interchange")
    ranges: list[tuple[int, int]] = []
    n = len(buf)
    pos = first
    while 0 <= pos < n:
        element, release, term = _edifact_separators(buf, pos)
        body = pos + 9 if bytes(buf[pos : pos + 3]) == b"UNA" else pos
        # the next interchange bounds the search for this one's UNZ (which may be missing)
        nxt = _next_unb_segment(buf, body + 3, term, release, body)
        limit = n if nxt < 0 else nxt
        end = -1
        scan = body + 3
        while True:
            idx = buf.find(b"UNZ" + element, scan, limit)
            if idx < 0:
                break
            if _segment_start(buf, idx, term, release, body):
                stop = idx + 4
                while True:  # the UNZ segment's own (unreleased) terminator
                    stop = buf.find(term, stop, limit)
                    if stop < 0 or not _escaped(buf, stop, release):
                        break
                    stop += 1
                end = limit if stop < 0 else stop + 1
                break
            scan = idx + 1
        if end < 0:
            # no trailer: the interchange runs to the next one or to the end of the data
            ranges.append((pos, _trim(buf, pos, limit)))
            pos = nxt
            continue
        ranges.append((pos, end))
        pos = _next_edifact(buf, end)
    return ranges


def _next_unb_segment(buf: Buffer, start: int, term: bytes, release: bytes, floor: int) -> int:
    """A UNA/UNB that starts a segment of this interchange: the next interchange after a lost UNZ."""
    while True:
        idx = _next_edifact(buf, start)
        if idx < 0:
            return -1
        if _segment_start(buf, idx, term, release, floor):
            return idx
        start = idx + 1

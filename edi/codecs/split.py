"""Find where each interchange of a file starts and ends, without parsing it.

A file may hold several interchanges (X12 mailbags, concatenated EDIFACT). The hub tracks each
interchange as its own record, so it cuts the file at interchange boundaries first. This scans
the bytes (a ``bytes`` object or an ``mmap``), never decoding them: X12 delimiters come from each
fixed-width ISA; EDIFACT separators from each UNA (or the defaults), honouring the release
character so that an escaped terminator never ends a segment.
"""

from __future__ import annotations

import re
from typing import Union

from edi.codecs.base import EdiSyntaxError

Buffer = Union[bytes, bytearray, memoryview, "mmap.mmap"]  # noqa: F821

_WS = b" \t\r\n"


def split(buf: Buffer, standard: str) -> list[tuple[int, int]]:
    """Byte ranges ``[start, end)`` of the interchanges in ``buf``; trailing text is ignored.

    Raises :class:`EdiSyntaxError` when no interchange start is found. An interchange with no
    trailer runs to the end of the data (the reader then reports the missing trailer).
    """
    if standard == "x12":
        return _split_x12(buf)
    if standard == "edifact":
        return _split_edifact(buf)
    raise EdiSyntaxError(f"cannot split {standard} payloads")


def _skip_ws(buf: Buffer, pos: int) -> int:
    n = len(buf)
    while pos < n and buf[pos : pos + 1] in (b" ", b"\t", b"\r", b"\n", b"\x00"):
        pos += 1
    return pos


def _split_x12(buf: Buffer) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    pos = buf.find(b"ISA")
    if pos < 0:
        raise EdiSyntaxError("no ISA segment: not an X12 interchange")
    n = len(buf)
    while 0 <= pos < n:
        if pos + 106 > n:
            ranges.append((pos, n))
            break
        element = bytes(buf[pos + 3 : pos + 4])
        term = bytes(buf[pos + 105 : pos + 106])
        trailer = buf.find(term + b"IEA" + element, pos)
        if trailer < 0:
            # tolerate whitespace between the terminator and IEA (CR/LF after segments)
            m = re.compile(re.escape(term) + rb"[\r\n]*IEA" + re.escape(element)).search(buf, pos)
            trailer = m.start() if m else -1
        if trailer < 0:
            ranges.append((pos, n))
            break
        end = buf.find(term, trailer + 1 + 3)
        end = n if end < 0 else end + 1
        ranges.append((pos, end))
        nxt = buf.find(b"ISA" + b"", end)
        pos = nxt
    return ranges


def _edifact_separators(buf: Buffer, pos: int) -> tuple[bytes, bytes, bytes, int]:
    """(element, release, terminator, start of UNB) for the interchange at ``pos``."""
    if bytes(buf[pos : pos + 3]) == b"UNA":
        una = bytes(buf[pos + 3 : pos + 9])
        if len(una) < 6:
            raise EdiSyntaxError("truncated UNA service string advice")
        release = una[3:4]
        return una[1:2], b"" if release == b" " else release, una[5:6], pos + 9
    return b"+", b"?", b"'", pos


def _unescaped_find(buf: Buffer, needle: bytes, start: int, release: bytes) -> int:
    """Position of ``needle`` whose first byte is not escaped by an odd run of release chars."""
    while True:
        idx = buf.find(needle, start)
        if idx < 0 or not release:
            return idx
        k = idx - 1
        while k >= 0 and buf[k : k + 1] == release:
            k -= 1
        if (idx - 1 - k) % 2 == 0:
            return idx
        start = idx + 1


def _split_edifact(buf: Buffer) -> list[tuple[int, int]]:
    from edi.codecs.edifact.syntax import find_start

    first = find_start(bytes(buf[:65536]))
    if first < 0:
        raise EdiSyntaxError("no UNA or UNB segment: not an EDIFACT interchange")
    ranges: list[tuple[int, int]] = []
    n = len(buf)
    pos = first
    while 0 <= pos < n:
        element, release, term, unb = _edifact_separators(buf, pos)
        end = n
        scan = unb
        while True:
            t = _unescaped_find(buf, term, scan, release)
            if t < 0:
                break
            seg_start = _skip_ws(buf, t + 1)
            if bytes(buf[seg_start : seg_start + 4]) == b"UNZ" + element:
                stop = _unescaped_find(buf, term, seg_start, release)
                end = n if stop < 0 else stop + 1
                break
            scan = t + 1
        ranges.append((pos, end))
        if end >= n:
            break
        pos = _next_edifact_start(buf, end)
    return ranges


def _next_edifact_start(buf: Buffer, pos: int) -> int:
    pos = _skip_ws(buf, pos)
    head = bytes(buf[pos : pos + 4])
    if head[:3] in (b"UNA", b"UNB") and len(head) == 4:
        return pos
    return -1

"""EDIFACT syntax: service characters, character sets and the fast segment tokenizer.

The tokenizer works on bytes: an interchange's separators are single ASCII bytes in every
character set we accept (ISO 646, ISO 8859-x, UTF-8: a UTF-8 multi-byte sequence never contains
an ASCII byte), so segments are cut with ``bytes.split`` and each segment is decoded alone. A
release character before a terminator is found by counting trailing release characters of each
piece, so the common case (no release character in the data) never leaves C code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from edi.codecs.base import EdiSyntaxError

# Syntax identifier (UNB S001 0001) -> Python codec. UNOA-UNOF come from UNSL 0001 (D.96A);
# UNOG-UNOY are the ISO 9735-1:1998 (syntax 4) additions. IATA's IATA/IATB are read as ASCII.
ENCODINGS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOL": "iso8859-15",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
    "IATA": "ascii",
    "IATB": "ascii",
}
# UNOX (ISO 2022 with code extension) shifts into double-byte sets whose bytes include the
# separator characters, so it cannot be cut at separators without an ISO 2022 state machine.
# It is rejected (0085 code 2, syntax level not supported) rather than misread.
UNSUPPORTED_SYNTAX = {"UNOX": "ISO 2022 code extension (UNOX) is not supported"}

# ISO 9735 level A: upper case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
# Level B adds lower case letters. Anything else printable is tolerated with a warning.
LEVEL_A = re.compile(r"[^A-Z0-9 .,\-()/=+:?!\"%&*;<>']")
LEVEL_B = re.compile(r"[^A-Za-z0-9 .,\-()/=+:?!\"%&*;<>']")


@dataclass(frozen=True, slots=True)
class Separators:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "  # syntax 3: reserved (space); syntax 4 default "*"
    terminator: str = "'"

    @classmethod
    def from_una(cls, una: bytes) -> Separators:
        """Parse the 9 bytes ``UNA:+.? '``."""
        if len(una) < 9 or una[:3] != b"UNA":
            raise EdiSyntaxError("UNA segment is shorter than 9 characters")
        chars = una[3:9].decode("latin-1")
        comp, elem, dec, rel, rep, term = chars
        seps = cls(comp, elem, dec, rel, rep, term)
        service = [comp, elem, term] + ([rel] if rel != " " else [])
        if len(set(service)) != len(service):
            raise EdiSyntaxError(f"UNA declares the same character twice: {chars!r}")
        if any(c.isalnum() for c in service):
            raise EdiSyntaxError(f"UNA declares a letter or digit as separator: {chars!r}")
        return seps

    @property
    def has_release(self) -> bool:
        return self.release != " "

    @property
    def has_repetition(self) -> bool:
        return self.repetition != " " and self.repetition not in (
            self.component,
            self.element,
            self.terminator,
        )

    def una(self) -> str:
        return (
            "UNA" + self.component + self.element + self.decimal + self.release + self.repetition
            + self.terminator
        )


DEFAULT = Separators()
DEFAULT_V4 = Separators(repetition="*")

_BOM = b"\xef\xbb\xbf"
MAX_SEGMENT = 16 << 20  # a segment this long is a wrong terminator, not data
_WS = b" \t\r\n\x00\x1a"


class Splitter:
    """Cuts a byte stream into raw segments (bytes, terminator removed, line breaks removed).

    Holds at most one chunk plus the tail of the previous one. Separators can change between
    interchanges (a new UNA): :meth:`restart` re-reads what is buffered with the new ones.
    """

    def __init__(self, stream: BinaryIO, chunk_size: int) -> None:
        self.stream = stream
        self.chunk_size = max(64, int(chunk_size))
        self.pending: list[bytes] = []  # reversed: pop() gives the next segment
        self.tail = b""
        self.eof = False
        self.offset = 0  # bytes consumed from the stream
        self.term = b"'"
        self.release = b"?"
        self.strip: tuple[bytes, ...] = (b"\r", b"\n")

    def configure(self, seps: Separators) -> None:
        self.term = seps.terminator.encode("latin-1")
        self.release = seps.release.encode("latin-1") if seps.has_release else b""
        # line breaks are layout (80-column wrapping, one segment a line) unless a line
        # break is itself a separator
        used = {seps.terminator, seps.element, seps.component, seps.release}
        self.strip = tuple(c.encode() for c in ("\r", "\n") if c not in used)

    def _read(self) -> bytes:
        if self.eof:
            return b""
        data = self.stream.read(self.chunk_size)
        if not data:
            self.eof = True
            return b""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EdiSyntaxError("the stream must be opened in binary mode")
        data = bytes(data)
        self.offset += len(data)
        return data

    def peek_head(self, n: int) -> bytes:
        """The next ``n`` raw bytes (segments re-joined), used to find UNA/UNB."""
        buf = self._unsplit()
        while len(buf) < n and not self.eof:
            buf += self._read()
        self.tail = buf
        return buf[:n]

    def _unsplit(self) -> bytes:
        if self.pending:
            parts = list(reversed(self.pending))
            self.pending = []
            if self.dangling:  # the last piece had no terminator after it
                self.dangling = False
                return self.term.join(parts) + self.tail
            return self.term.join(parts) + self.term + self.tail
        return self.tail

    def skip(self, n: int) -> None:
        buf = self._unsplit()
        while len(buf) < n and not self.eof:
            buf += self._read()
        self.tail = buf[n:]

    def skip_layout(self) -> bool:
        """Drop whitespace, BOMs and line breaks before the next interchange; False at end."""
        buf = self._unsplit()
        while True:
            buf = buf.lstrip(_WS)
            if buf.startswith(_BOM):
                buf = buf[3:]
                continue
            if buf or self.eof:
                break
            buf = self._read()
        self.tail = buf
        return bool(buf)

    def restart(self, seps: Separators) -> None:
        """Use new separators from the current position on (after a UNA)."""
        self.tail = self._unsplit()
        self.configure(seps)

    def _fill(self) -> bool:
        while not self.pending:
            chunk = self._read()
            if not chunk and not self.tail:
                return False
            buf = self.tail + chunk
            for c in self.strip:
                if c in buf:
                    buf = buf.replace(c, b"")
            parts = buf.split(self.term)
            rel = self.release
            if self.eof:
                # the end: what follows the last terminator is a segment without terminator
                if rel and rel in buf:
                    parts = _join_released(parts, self.term, rel)
                last = parts.pop()
                self.tail = b""
                if last.strip(_WS):
                    parts.append(last)
                    self.dangling = True
                if not parts:
                    return False
            else:
                self.tail = parts.pop()
                if len(self.tail) > MAX_SEGMENT:
                    raise EdiSyntaxError(
                        f"no segment terminator {self.term!r} in {len(self.tail)} bytes: not "
                        "EDIFACT, or the wrong terminator"
                    )
                if rel and rel in buf:
                    parts = _join_released(parts, self.term, rel)
                    # a release char at the very end of a piece escapes the terminator after it
                    if parts and _odd_release(parts[-1], rel):
                        self.tail = parts.pop() + self.term + self.tail
            parts.reverse()
            self.pending = parts
        return True

    dangling = False  # set when the stream ended without a terminator after the last segment

    def next(self) -> bytes | None:
        if not self.pending and not self._fill():
            return None
        return self.pending.pop()

    def push_back(self, raw: bytes) -> None:
        self.pending.append(raw)


def _odd_release(piece: bytes, rel: bytes) -> bool:
    n = len(piece) - len(piece.rstrip(rel))
    return n % 2 == 1


def _join_released(parts: list[bytes], term: bytes, rel: bytes) -> list[bytes]:
    out: list[bytes] = []
    carry: bytes | None = None
    for p in parts:
        if carry is not None:
            p = carry + term + p
            carry = None
        if p.endswith(rel) and _odd_release(p, rel):
            carry = p
        else:
            out.append(p)
    if carry is not None:
        out.append(carry)
    return out


Element = "str | list[str]"


def make_tokenizer(seps: Separators):
    """:func:`tokenize` specialised for one set of separators (the per-segment hot path)."""
    el, comp = seps.element, seps.component
    rel = seps.release if seps.has_release else None
    rep = seps.repetition if seps.has_repetition else None

    def tokenize_fast(text: str) -> list:
        if rel is not None and rel in text:
            return _tokenize_released(text, seps)
        parts: list = text.split(el)
        for i in range(1, len(parts)):
            p = parts[i]
            if comp in p:
                parts[i] = p.split(comp)
        if rep is not None and rep in text:
            return _first_repetition(parts, rep)
        return parts

    return tokenize_fast


def tokenize(text: str, seps: Separators) -> list:
    """Split one decoded segment into ``[tag, element, ...]``; an element is a ``str`` or, when it
    has components, a ``list[str]``. Release characters are removed. With a repetition separator
    (syntax 4) a repeated element keeps only its first occurrence and the count of the others is
    recorded as ``("REPEATED", n)`` at the end of the segment list (the validator reports it)."""
    el, comp = seps.element, seps.component
    if seps.has_release and seps.release in text:
        return _tokenize_released(text, seps)
    parts: list = text.split(el)
    for i in range(1, len(parts)):
        p = parts[i]
        if comp in p:
            parts[i] = p.split(comp)
    if seps.has_repetition and seps.repetition in text:
        return _first_repetition(parts, seps.repetition)
    return parts


def _first_repetition(parts: list, rep: str) -> list:
    repeated = 0
    for i in range(1, len(parts)):
        p = parts[i]
        if isinstance(p, str):
            if rep in p:
                repeated += p.count(rep)
                parts[i] = p.split(rep, 1)[0]
        else:
            for j, c in enumerate(p):
                if rep in c:
                    # a repetition splits the composite: keep the components before it
                    repeated += 1
                    p[j] = c.split(rep, 1)[0]
                    del p[j + 1 :]
                    break
    if repeated:
        parts.append(("REPEATED", repeated))
    return parts


def _tokenize_released(text: str, seps: Separators) -> list:
    el, comp, rel = seps.element, seps.component, seps.release
    rep = seps.repetition if seps.has_repetition else None
    elements: list = []
    comps: list[str] = []
    cur: list[str] = []
    repeated = 0
    skip_rest = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == rel:
            i += 1
            if i < n and not skip_rest:
                cur.append(text[i])
        elif c == el:
            comps.append("".join(cur))
            elements.append(comps[0] if len(comps) == 1 else comps)
            comps, cur, skip_rest = [], [], False
        elif c == comp:
            if not skip_rest:
                comps.append("".join(cur))
            cur = []
        elif c == rep:
            repeated += 1
            skip_rest = True
        elif not skip_rest:
            cur.append(c)
        i += 1
    comps.append("".join(cur))
    elements.append(comps[0] if len(comps) == 1 else comps)
    if elements[0].__class__ is list:  # a released separator inside the tag: keep it text
        elements[0] = elements[0][0]
    if repeated:
        elements.append(("REPEATED", repeated))
    return elements


def escape(value: str, seps: Separators) -> str:
    """Release every service character in a data value (writer side)."""
    rel = seps.release
    specials = {seps.component, seps.element, seps.terminator, rel}
    if seps.has_repetition:
        specials.add(seps.repetition)
    if not any(c in value for c in specials):
        return value
    return "".join(rel + c if c in specials else c for c in value)


def find_start(head: bytes) -> int:
    """Offset of the first UNA or UNB in ``head`` (after BOM/junk), or -1."""
    best = -1
    for marker in (b"UNA", b"UNB"):
        idx = 0
        while True:
            idx = head.find(marker, idx)
            if idx < 0:
                break
            nxt = head[idx + 3 : idx + 4]
            ok = (
                (marker == b"UNA" and len(head) >= idx + 9)
                or (marker == b"UNB" and nxt and not nxt.isalnum())
            )
            # must start a line or the data: not a value like "XUNB"
            if ok and (idx == 0 or head[idx - 1 : idx] in (b"\n", b"\r", b"'", b"\xbf", b" ")):
                if best < 0 or idx < best:
                    best = idx
                break
            idx += 1
    return best


def iter_raw(stream: BinaryIO, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    """Raw segments of a stream with default separators (for tools and tests)."""
    sp = Splitter(stream, chunk_size)
    while True:
        raw = sp.next()
        if raw is None:
            return
        yield raw

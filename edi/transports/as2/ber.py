"""A minimal BER walker that reads CMS structures in place.

asn1crypto parses from ``bytes`` and slices as it goes, which is fine for a signature or a
recipient list but would copy a 100 MB ``encryptedContent`` several times. This walker
only reads tag/length headers over a :class:`~.spool.Span` buffer and hands back offsets,
so the big OCTET STRINGs are streamed chunk by chunk straight out of the (mapped) body.
It understands definite and indefinite lengths and constructed OCTET STRINGs, which is
what BouncyCastle- and openssl-based AS2 products send.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from asn1crypto import core

from .spool import Buffer, Span

MAX_DEPTH = 40


class BerError(ValueError):
    """Not a BER encoding we can walk (truncated, bad length, too deep)."""


@dataclass(frozen=True, slots=True)
class Node:
    buf: Buffer
    tag: int  # the identifier octet (class + constructed bit + number < 31)
    start: int  # first byte of the identifier
    cstart: int  # first byte of the contents
    cend: int  # end of the contents (before the end-of-contents octets if indefinite)
    end: int  # end of the whole element

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    def encoded(self) -> bytes:
        return bytes(self.buf[self.start : self.end])

    def contents(self) -> bytes:
        return bytes(self.buf[self.cstart : self.cend])

    def children(self) -> Iterator[Node]:
        if not self.constructed:
            raise BerError(f"element with tag 0x{self.tag:02x} is not constructed")
        pos = self.cstart
        while pos < self.cend:
            child = read_node(self.buf, pos, self.cend)
            yield child
            pos = child.end

    def oid(self) -> str:
        if self.tag != 0x06:
            raise BerError(f"expected an OBJECT IDENTIFIER, got tag 0x{self.tag:02x}")
        try:
            return core.ObjectIdentifier.load(self.encoded()).dotted
        except Exception as e:  # asn1crypto raises ValueError/TypeError on junk
            raise BerError(f"bad OBJECT IDENTIFIER: {e}") from e


def read_node(buf: Buffer, pos: int, limit: int, depth: int = 0) -> Node:
    if depth > MAX_DEPTH:
        raise BerError("nesting too deep")
    start = pos
    if pos + 2 > limit:
        raise BerError("truncated element header")
    tag = buf[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        raise BerError("high tag numbers do not occur in CMS")
    first = buf[pos]
    pos += 1
    if first == 0x80:
        if not tag & 0x20:
            raise BerError("indefinite length on a primitive element")
        # walk the children up to the end-of-contents octets
        cstart = p = pos
        while True:
            if p + 2 > limit:
                raise BerError("missing end-of-contents octets")
            if buf[p] == 0 and buf[p + 1] == 0:
                return Node(buf, tag, start, cstart, p, p + 2)
            p = read_node(buf, p, limit, depth + 1).end
    if first & 0x80:
        n = first & 0x7F
        if n == 0 or n > 8 or pos + n > limit:
            raise BerError("bad length octets")
        length = int.from_bytes(bytes(buf[pos : pos + n]), "big")
        pos += n
    else:
        length = first
    if pos + length > limit:
        raise BerError(f"element needs {pos + length - limit} more bytes than there are")
    return Node(buf, tag, start, pos, pos + length, pos + length)


def read_top(span: Span) -> Node:
    """The outermost element of ``span`` (trailing bytes are ignored, as openssl does)."""
    return read_node(span.buf, span.start, span.end)


def expect(node: Node, tag: int, what: str) -> Node:
    if node.tag != tag:
        raise BerError(f"{what}: expected tag 0x{tag:02x}, got 0x{node.tag:02x}")
    return node


def octet_chunks(node: Node, depth: int = 0) -> Iterator[memoryview]:
    """The value of an OCTET STRING (primitive, or constructed from segments) as views."""
    if depth > MAX_DEPTH:
        raise BerError("nesting too deep")
    if node.constructed:
        for child in node.children():
            yield from octet_chunks(child, depth + 1)
    else:
        mv = memoryview(node.buf)
        step = 1 << 20
        for pos in range(node.cstart, node.cend, step):
            yield mv[pos : min(pos + step, node.cend)]


def der_header(tag: int, length: int) -> bytes:
    if length < 0x80:
        return bytes([tag, length])
    n = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | n]) + length.to_bytes(n, "big")

"""MIME on raw bytes, the way AS2 needs it.

A signature covers exact bytes, so nothing here ever re-serialises an entity: multipart
bodies are split by searching for the delimiter in the original buffer (RFC 2046: the CRLF
before a delimiter belongs to the delimiter), and headers are only *read* with the stdlib
parser. Line endings are never converted. Building goes the other way: we write CRLF header
lines ourselves and keep payload bytes untouched (binary Content-Transfer-Encoding).
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import email.utils
import quopri
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

from .spool import Span, Spool

CRLF = b"\r\n"
MAX_HEADER_BYTES = 64 * 1024
_WS = b" \t\r\n"


class MimeError(ValueError):
    """The bytes are not the MIME structure they claim to be."""


@dataclass(frozen=True)
class Entity:
    """One MIME entity: parsed headers plus spans over its raw bytes.

    ``raw`` is the whole entity (headers and body) exactly as received, or ``None`` for the
    top level of an HTTP request, whose headers came as HTTP headers.
    """

    headers: Message
    body: Span
    raw: Span | None

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    def param(self, name: str) -> str:
        v = self.headers.get_param(name)
        if isinstance(v, tuple):  # RFC 2231 encoded
            v = email.utils.collapse_rfc2231_value(v)
        return (v or "").strip() if isinstance(v, str) else ""

    @property
    def cte(self) -> str:
        return str(self.headers.get("Content-Transfer-Encoding", "") or "").strip().lower()

    @property
    def filename(self) -> str | None:
        try:
            name = self.headers.get_filename()
        except Exception:  # malformed RFC 2231 parameters
            return None
        return name or None


def parse_headers(raw: bytes) -> Message:
    parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)
    return parser.parsebytes(raw + CRLF + CRLF)


def headers_from_mapping(headers: dict[str, str], names: Iterable[str]) -> Message:
    """A Message holding the MIME headers among the HTTP headers (lower-case keys)."""
    lines = []
    for name in names:
        v = headers.get(name)
        if v is not None:
            lines.append(f"{name}: {v}".encode("latin-1", "replace"))
    return parse_headers(CRLF.join(lines))


def split_entity(span: Span) -> Entity:
    """Headers / body of an entity; CRLF or bare-LF header blocks are both read."""
    head = span.head(MAX_HEADER_BYTES)
    if head.startswith(CRLF):
        return Entity(parse_headers(b""), span.sub(2), span)
    if head.startswith(b"\n"):
        return Entity(parse_headers(b""), span.sub(1), span)
    m = re.search(rb"\r?\n\r?\n", head)
    if not m:
        raise MimeError("no end of the MIME header block")
    raw_headers = head[: m.start()]
    if not re.match(rb"[!-9;-~]+:", raw_headers):
        raise MimeError("does not start with a MIME header")
    return Entity(parse_headers(raw_headers), span.sub(m.end()), span)


def split_multipart(body: Span, boundary: str) -> list[Span]:
    """The body parts of a multipart entity, each exactly as transmitted (headers included)."""
    if not boundary:
        raise MimeError("multipart without boundary")
    try:
        delim = b"--" + boundary.encode("ascii")
    except UnicodeEncodeError as e:
        raise MimeError("multipart boundary is not ASCII") from e
    parts: list[Span] = []
    pos = _find_delimiter(body, delim, 0, first=True)
    if pos < 0:
        raise MimeError("multipart boundary not found")
    while True:
        after = pos + len(delim)
        if body.sub(after, after + 2).to_bytes() == b"--":
            return parts  # close delimiter
        # skip transport padding and the line break after the delimiter line
        eol = body.find(b"\n", after)
        if eol < 0:
            raise MimeError("truncated multipart")
        if body.sub(after, eol).to_bytes().strip(b" \t\r"):
            raise MimeError("garbage after a multipart delimiter")
        start = eol + 1
        nxt = _find_delimiter(body, delim, start, first=False)
        if nxt < 0:
            raise MimeError("multipart is not closed")
        end = nxt - 1  # the line break before the delimiter belongs to it
        if end > start and body.sub(end - 1, end).to_bytes() == b"\r":
            end -= 1
        parts.append(body.sub(start, max(end, start)))
        pos = nxt


def _find_delimiter(body: Span, delim: bytes, start: int, *, first: bool) -> int:
    """Offset of the next delimiter line ``--boundary`` at the start of a line."""
    n = len(delim)
    if first and body.sub(start, start + n).to_bytes() == delim and _ends_ok(body, start + n):
        return start
    pos = start
    while True:
        i = body.find(b"\n" + delim, pos)
        if i < 0:
            return -1
        if _ends_ok(body, i + 1 + len(delim)):
            return i + 1
        pos = i + 1


def _ends_ok(body: Span, i: int) -> bool:
    # a boundary may be a prefix of a longer line; the delimiter must end the token
    nxt = body.sub(i, i + 1).to_bytes()
    return nxt in (b"", b"\r", b"\n", b" ", b"\t", b"-")


def decode_body(entity: Entity, *, spool_dir: str | None = None) -> Span:
    """The entity's content with its Content-Transfer-Encoding undone (binary: no copy)."""
    cte = entity.cte
    if cte in ("", "binary", "8bit", "7bit"):
        return entity.body
    if cte == "base64":
        return _b64decode(entity.body, spool_dir=spool_dir)
    if cte == "quoted-printable":
        return Span(quopri.decodestring(entity.body.to_bytes()))
    raise MimeError(f"unknown Content-Transfer-Encoding {cte!r}")


def _b64decode(span: Span, *, spool_dir: str | None) -> Span:
    spool = Spool(dir=spool_dir)
    rest = b""
    try:
        for chunk in span.chunks():
            data = rest + bytes(chunk).translate(None, _WS)
            cut = len(data) - len(data) % 4
            spool.write(binascii.a2b_base64(data[:cut]))
            rest = data[cut:]
        if rest:
            spool.write(base64.b64decode(rest + b"=" * (-len(rest) % 4)))
    except (binascii.Error, ValueError) as e:
        raise MimeError(f"bad base64: {e}") from e
    return spool.finish()


# ---------------------------------------------------------------- building
def new_boundary() -> str:
    return "----=_Tsunagi_" + secrets.token_hex(16)


def header_block(headers: Iterable[tuple[str, str]]) -> bytes:
    out = bytearray()
    for k, v in headers:
        if "\r" in v or "\n" in v:
            raise ValueError(f"header {k} contains a line break")
        out += f"{k}: {v}".encode("latin-1") + CRLF
    return bytes(out)


def entity(headers: Iterable[tuple[str, str]], body: bytes) -> bytes:
    return header_block(headers) + CRLF + body


def payload_entity(
    payload: bytes, *, content_type: str, cte: str = "binary", filename: str | None = None
) -> bytes:
    hdrs = [("Content-Type", content_type), ("Content-Transfer-Encoding", cte)]
    if filename:
        hdrs.append(("Content-Disposition", f'attachment; filename="{_quote(filename)}"'))
    if cte == "binary":
        body = payload
    elif cte == "base64":
        body = base64.encodebytes(payload).replace(b"\n", CRLF)
    else:
        raise ValueError(f"unsupported Content-Transfer-Encoding {cte!r}")
    return entity(hdrs, body)


def multipart_signed(signed_entity: bytes, signature_der: bytes, *, micalg: str) -> bytes:
    """RFC 1847 multipart/signed around the exact ``signed_entity`` bytes."""
    b = new_boundary()
    bb = b.encode()
    sig_part = entity(
        [
            ("Content-Type", 'application/pkcs7-signature; name="smime.p7s"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="smime.p7s"'),
        ],
        base64.encodebytes(signature_der).replace(b"\n", CRLF),
    )
    ct = (
        'multipart/signed; protocol="application/pkcs7-signature"; '
        f'micalg={micalg}; boundary="{b}"'
    )
    return b"".join(  # one copy of the (possibly large) signed entity
        [header_block([("Content-Type", ct)]), CRLF, b"--", bb, CRLF, signed_entity, CRLF,
         b"--", bb, CRLF, sig_part, CRLF, b"--", bb, b"--", CRLF]
    )


def split_top(entity_bytes: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """Move an entity's headers to HTTP headers: (header list, body). No folding is produced."""
    i = entity_bytes.find(CRLF + CRLF)
    hdrs = []
    for line in entity_bytes[:i].split(CRLF):
        k, _, v = line.decode("latin-1").partition(":")
        hdrs.append((k.strip(), v.strip()))
    return hdrs, entity_bytes[i + 4 :]


def _quote(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


def quote_as2_name(name: str) -> str:
    """RFC 4130 section 6.2: AS2 names with spaces or specials travel as a quoted-string."""
    if re.fullmatch(r"[!#-\[\]-~]+", name):
        return name
    return '"' + _quote(name) + '"'


def unquote_as2_name(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        return re.sub(r"\\(.)", r"\1", v[1:-1])
    return v

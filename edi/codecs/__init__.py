"""EDI codecs: bytes <-> canonical documents, in pure Python.

Nothing in this package imports Django or touches a database, so the codecs run from the
command line, inside Celery workers and under fuzzers alike. Mapping canonical documents
to models is the job of ``edi.services``.

    from edi import codecs
    kind = codecs.detect(head)                     # "edifact" | "x12" | "json" | "idoc"
    for result in codecs.read(stream): ...         # MessageResult ... InterchangeResult
    data = codecs.write(docs, standard="edifact", sender=..., receiver=..., control_number=...)
"""

from __future__ import annotations

import io
import re
from typing import Any, BinaryIO, Iterable, Iterator, Literal

from edi.codecs.base import EdiSyntaxError, InterchangeResult, MessageResult

Detected = Literal["edifact", "x12", "json", "idoc"]

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_IDOC_MARKERS = re.compile(rb"IDOC|ORDERS0\d|DESADV0\d|DELVRY0\d|INVOIC0\d|ORDRSP|EDI_DC40")


def detect(head: bytes) -> Detected:
    """Name the standard of a payload from its first bytes (a few hundred are enough).

    Skips a byte order mark and leading whitespace. EDIFACT starts with ``UNA`` or ``UNB``
    (or has one of them after a short preamble), X12 with ``ISA``, IDoc XML with ``<`` and an
    IDoc marker, JSON with ``{`` or ``[``. Raises :class:`EdiSyntaxError` otherwise.
    """
    data = bytes(head)
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    data = data.lstrip(b" \t\r\n\x00")
    if data.startswith(b"UNA") or (data.startswith(b"UNB") and data[3:4] and not data[3:4].isalnum()):
        return "edifact"
    if data.startswith(b"ISA"):
        return "x12"
    if data.startswith((b"{", b"[")):
        return "json"
    if data.startswith(b"<"):
        if _IDOC_MARKERS.search(data[:4096]):
            return "idoc"
        raise EdiSyntaxError("XML payload that is not an IDoc")
    from edi.codecs.edifact.syntax import find_start

    if find_start(data[:4096]) >= 0:
        return "edifact"  # a preamble before UNA/UNB (mail headers, a spool banner...)
    if _BARE_EDIFACT.match(data):
        raise EdiSyntaxError("EDIFACT segments without an interchange envelope: no UNA or UNB "
                             "segment before them")
    if _BARE_X12.match(data):
        raise EdiSyntaxError("X12 segments without an interchange envelope: no ISA segment "
                             "before them")
    raise EdiSyntaxError("unrecognised payload: not EDIFACT, X12, IDoc XML or JSON")


# a bare segment: a tag, then an element separator, then more than one segment like it
_BARE_EDIFACT = re.compile(rb"(?:UNH|BGM|UNG)\+|[A-Z][A-Z0-9]{2}\+[^\r\n]{0,200}'\s*[A-Z][A-Z0-9]{2}\+")
_BARE_X12 = re.compile(rb"(?:GS|ST)\*[A-Z0-9]{2,3}\*")


def prepend(head: bytes, stream: BinaryIO) -> BinaryIO:
    """A stream that returns ``head`` (bytes already read from ``stream``), then the rest."""
    return _Prepend(head, stream)  # type: ignore[return-value]


def read(stream: BinaryIO, *, chunk_size: int = 1 << 20) -> Iterator[MessageResult | InterchangeResult]:
    """Read a payload of any supported standard, dispatching on :func:`detect`."""
    head = stream.read(4096)
    if isinstance(head, str):
        raise EdiSyntaxError("the stream must be opened in binary mode")
    standard = detect(head)
    joined = _Prepend(head, stream)
    if standard == "edifact":
        from edi.codecs import edifact

        return edifact.read(joined, chunk_size=chunk_size)
    if standard == "x12":
        from edi.codecs import x12

        return x12.read(joined, chunk_size=chunk_size)
    raise EdiSyntaxError(f"{standard} payloads are not read by the EDI codecs")


def write(documents: Iterable[dict[str, Any]], standard: str = "edifact", **envelope: Any) -> bytes:
    """Write canonical documents as one interchange of ``standard`` ("edifact" or "x12")."""
    if standard == "edifact":
        from edi.codecs import edifact

        return edifact.write(documents, **envelope)
    if standard == "x12":
        from edi.codecs import x12

        return x12.write(documents, **envelope)
    raise EdiSyntaxError(f"cannot write standard {standard!r}")


class _Prepend(io.RawIOBase):
    """A stream that first returns already-read bytes, then the rest of another stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n is None or n < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:n], self._head[n:]
            return data
        return self._rest.read(n) if n is not None else self._rest.read()

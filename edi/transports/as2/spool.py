"""Byte storage for large messages: spans over bytes or memory-mapped temp files.

Every layer of an inbound message (the HTTP body, the decrypted entity, the decompressed
entity, the payload) is a :class:`Span`: a ``(buffer, start, end)`` window over either a
``bytes`` object (small messages) or an ``mmap`` of an unlinked temporary file (large ones).
Splitting MIME, hashing and slicing never copy: ``bytes.find`` / ``mmap.find`` search in C,
``hashlib`` and the ciphers read ``memoryview`` slices. Only the steps that really produce
new bytes (decrypt, decompress, base64 decode) write a new layer, through :class:`Spool`,
which stays in memory up to ``memory_limit`` and then moves to a temp file.

So the Python heap holds about one chunk (1 MiB) per step whatever the message size; the
mapped pages belong to the page cache and the kernel can drop them under pressure.
"""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import tempfile
from collections.abc import Iterator
from typing import BinaryIO, Union

CHUNK = 1 << 20
MEMORY_LIMIT = 8 << 20

Buffer = Union[bytes, mmap.mmap]
BodyInput = Union[bytes, bytearray, memoryview, str, os.PathLike, BinaryIO]


class Span:
    """A read-only window ``buf[start:end]`` that can be searched and hashed without copying."""

    __slots__ = ("buf", "start", "end")

    def __init__(self, buf: Buffer, start: int = 0, end: int | None = None) -> None:
        self.buf = buf
        self.start = start
        self.end = len(buf) if end is None else end

    def __len__(self) -> int:
        return self.end - self.start

    def __repr__(self) -> str:
        kind = "mmap" if isinstance(self.buf, mmap.mmap) else "bytes"
        return f"<Span {kind} [{self.start}:{self.end}] {len(self)} bytes>"

    def sub(self, start: int, end: int | None = None) -> Span:
        """A sub-span; offsets are relative to this span."""
        e = self.end if end is None else self.start + end
        return Span(self.buf, self.start + start, min(e, self.end))

    def find(self, needle: bytes, start: int = 0) -> int:
        i = self.buf.find(needle, self.start + start, self.end)
        return -1 if i < 0 else i - self.start

    def head(self, n: int) -> bytes:
        return bytes(self.buf[self.start : min(self.start + n, self.end)])

    def tail(self, n: int) -> bytes:
        return bytes(self.buf[max(self.end - n, self.start) : self.end])

    def view(self) -> memoryview:
        return memoryview(self.buf)[self.start : self.end]

    def to_bytes(self) -> bytes:
        if isinstance(self.buf, bytes) and self.start == 0 and self.end == len(self.buf):
            return self.buf
        return bytes(self.buf[self.start : self.end])

    def chunks(self, size: int = CHUNK) -> Iterator[memoryview]:
        mv = memoryview(self.buf)
        for pos in range(self.start, self.end, size):
            yield mv[pos : min(pos + size, self.end)]

    def digest(self, alg: str) -> bytes:
        h = hashlib.new(alg)
        for c in self.chunks(16 * CHUNK):
            h.update(c)
        return h.digest()

    def write_to(self, fp: BinaryIO) -> int:
        for c in self.chunks():
            fp.write(c)
        return len(self)


class Spool:
    """Write-once byte sink: memory first, an unlinked temp file past ``memory_limit``."""

    def __init__(self, *, memory_limit: int = MEMORY_LIMIT, dir: str | None = None) -> None:
        self._mem: io.BytesIO | None = io.BytesIO()
        self._file: BinaryIO | None = None
        self._limit = memory_limit
        self._dir = dir
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        if not data:
            return
        self.size += len(data)
        if self._mem is not None:
            self._mem.write(data)
            if self._mem.tell() > self._limit:
                self._file = tempfile.TemporaryFile(dir=self._dir)  # noqa: SIM115 - kept open
                self._file.write(self._mem.getbuffer())
                self._mem = None
        else:
            assert self._file is not None
            self._file.write(data)

    def finish(self) -> Span:
        if self._mem is not None:
            data = self._mem.getvalue()
            self._mem = None
            return Span(data)
        assert self._file is not None
        self._file.flush()
        try:
            return Span(mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ))
        finally:
            self._file.close()  # the mapping keeps the (unlinked) file alive


def open_body(body: BodyInput, *, spool_dir: str | None = None) -> Span:
    """Turn what a web framework hands us into a Span without reading a big file into memory.

    Accepts bytes-like objects, a path to a file (mapped, not read), a real file object
    (mapped via its descriptor; its whole content from offset 0 is the body) or any other
    readable object (copied in chunks to a spool).
    """
    if isinstance(body, bytes):
        return Span(body)
    if isinstance(body, (bytearray, memoryview)):
        return Span(bytes(body))
    if isinstance(body, (str, os.PathLike)):
        with open(body, "rb") as f:
            return _map_file(f)
    fileno = getattr(body, "fileno", None)
    if fileno is not None:
        try:
            fileno()
        except (OSError, io.UnsupportedOperation, ValueError):
            pass
        else:
            if getattr(body, "writable", lambda: False)():
                body.flush()  # a temp file the caller just wrote
            return _map_file(body)
    spool = Spool(dir=spool_dir)
    while True:
        chunk = body.read(CHUNK)
        if not chunk:
            break
        spool.write(chunk)
    return spool.finish()


def _map_file(f: BinaryIO) -> Span:
    size = os.fstat(f.fileno()).st_size
    if size == 0:
        return Span(b"")
    if size <= 64 * 1024:
        f.seek(0)
        return Span(f.read())
    return Span(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))



"""What an uploaded attachment really is: its type from its first bytes (magic numbers), never
from its name alone, and a file name that is safe to show and to send back (pure, no Django)."""

from __future__ import annotations

import os
import re
import unicodedata

# Allowed types: extension(s) a name may carry, and the bytes a file of that type starts with.
TYPES: dict[str, tuple[frozenset[str], tuple[bytes, ...]]] = {
    "application/pdf": (frozenset({".pdf"}), (b"%PDF-",)),
    "image/jpeg": (frozenset({".jpg", ".jpeg", ".jpe"}), (b"\xff\xd8\xff",)),
    "image/png": (frozenset({".png"}), (b"\x89PNG\r\n\x1a\n",)),
    "image/gif": (frozenset({".gif"}), (b"GIF87a", b"GIF89a")),
    "image/webp": (frozenset({".webp"}), ()),  # RIFF....WEBP, checked below
}
HEAD_BYTES = 16
MAX_NAME = 120


class AttachmentRefused(ValueError):
    """The file is not an allowed type, claims to be what it is not, or is too large.

    ``code`` (too_large, empty, type, mismatch) and ``params`` let the caller say it in the
    user's language."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def sniff(head: bytes) -> str | None:
    """The content type the first bytes prove, or None."""
    for content_type, (_exts, magics) in TYPES.items():
        if any(head.startswith(m) for m in magics):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_name(name: str) -> str:
    """The last path component of an uploaded name, without control characters, at most 120
    characters. ``../../etc/passwd`` becomes ``passwd``; nothing here is ever used as a path."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".").strip()
    if not name:
        return "attachment"
    stem, ext = os.path.splitext(name)
    if len(name) > MAX_NAME:
        name = stem[: MAX_NAME - len(ext[:10])] + ext[:10]
    return name


def check(*, name: str, size: int, head: bytes, max_bytes: int) -> str:
    """The content type of an acceptable upload; raises :class:`AttachmentRefused` otherwise.

    The name's extension must be one of the allowed types *and* the content must start with that
    type's signature: an HTML or script file renamed ``report.pdf`` is refused.
    """
    if size > max_bytes:
        raise AttachmentRefused("too_large", f"the file is {size} bytes; at most {max_bytes} bytes are accepted",
                                size=size, max_bytes=max_bytes)
    if size == 0:
        raise AttachmentRefused("empty", "the file is empty")
    ext = os.path.splitext(clean_name(name))[1].lower()
    claimed = next((t for t, (exts, _m) in TYPES.items() if ext in exts), None)
    if claimed is None:
        allowed = ", ".join(sorted(e for exts, _m in TYPES.values() for e in exts))
        raise AttachmentRefused("type", f"only these file types are accepted: {allowed}", allowed=allowed)
    actual = sniff(head)
    if actual != claimed:
        raise AttachmentRefused("mismatch", f"the file is named {ext} but its content is not {claimed}",
                                ext=ext, claimed=claimed)
    return actual

"""Attachment checks: the content decides the type (magic bytes), the name must agree, size is
limited, and file names never become paths."""

from __future__ import annotations

import pytest

from suppliers.quality import files
from tests.quality.conftest import HTML_AS_PDF, PDF, PNG

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 "


@pytest.mark.parametrize("name, head, expected", [
    ("report.pdf", PDF, "application/pdf"), ("REPORT.PDF", PDF, "application/pdf"),
    ("photo.jpg", JPEG, "image/jpeg"), ("photo.JPEG", JPEG, "image/jpeg"), ("x.png", PNG, "image/png"),
    ("x.gif", b"GIF89a\x01\x00", "image/gif"), ("x.webp", WEBP, "image/webp"),
])
def test_allowed_types(name, head, expected):
    assert files.check(name=name, size=len(head), head=head[:16], max_bytes=1000) == expected


@pytest.mark.parametrize("name, head, code", [
    ("report.pdf", HTML_AS_PDF, "mismatch"),             # HTML/JS named .pdf
    ("photo.jpg", PDF, "mismatch"),                       # a PDF named .jpg
    ("report.pdf.html", PDF, "type"),                     # last extension counts
    ("payload.svg", b"<svg xmlns=", "type"),              # SVG can carry script: not accepted
    ("run.exe", b"MZ\x90\x00", "type"),
    ("noext", PDF, "type"),
    ("empty.pdf", b"", "empty"),
])
def test_refused(name, head, code):
    with pytest.raises(files.AttachmentRefused) as exc:
        files.check(name=name, size=len(head), head=head[:16], max_bytes=1000)
    assert exc.value.code == code


def test_size_limit():
    with pytest.raises(files.AttachmentRefused) as exc:
        files.check(name="big.pdf", size=1001, head=PDF[:16], max_bytes=1000)
    assert exc.value.code == "too_large"
    assert files.check(name="ok.pdf", size=1000, head=PDF[:16], max_bytes=1000) == "application/pdf"


@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
    ("/var/www/static/x.png", "x.png"),
    ("..", "attachment"),
    ("a\x00b\r\n.pdf", "ab.pdf"),
    ("写真 2026-03-01.jpg", "写真 2026-03-01.jpg"),
    ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
])
def test_names_are_cleaned(raw, clean):
    assert files.clean_name(raw) == clean

"""Quality fixtures: a quality engineer, notices raised through the service, sample files, and
MEDIA_ROOT in a temporary folder."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from suppliers.roles import QUALITY_ENGINEER
from tests.conftest import make_user
from tests.edi.conftest import hub  # noqa: F401 - the EDI hub fixture, for the QALITY tests

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
HTML_AS_PDF = b"<!doctype html><script>fetch('/console/').then(r => r.text()).then(alert)</script>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def engineer(db):
    user = make_user("quality@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    return user


def upload(name: str, data: bytes):
    from suppliers.quality.services import Upload

    return Upload(name=name, stream=io.BytesIO(data), size=len(data))


@pytest.fixture
def raise_notice(engineer, django_capture_on_commit_callbacks):
    from suppliers.quality.models import DefectCode
    from suppliers.quality.services import quality_notice_raise

    def go(tenant, *, attachments=(), **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return quality_notice_raise(
                supplier=tenant.supplier, part=tenant.supplier_part.part,
                defect_code=kwargs.pop("defect_code", None) or DefectCode.objects.get(code="SOLDER"),
                rejected_quantity=kwargs.pop("rejected_quantity", Decimal(12)), severity=kwargs.pop("severity", "major"),
                title=kwargs.pop("title", "Solder bridges at AOI"),
                description=kwargs.pop("description", "12 of 50 boards show bridges between pins 3 and 4."),
                actor=kwargs.pop("actor", engineer), lot=kwargs.pop("lot", tenant.asn.lines.get().lots.get().lot),
                advice=kwargs.pop("advice", tenant.asn), receipt=kwargs.pop("receipt", tenant.receipt),
                attachments=attachments, **kwargs,
            )

    return go


@pytest.fixture
def answer(django_capture_on_commit_callbacks):
    from suppliers.quality.services import step_answer

    def go(notice, discipline: int, user, text: str | None = None, attachments=()):
        step = notice.steps.get(discipline=discipline)
        with django_capture_on_commit_callbacks(execute=True):
            return step_answer(step=step, text=text or f"Answer to D{discipline}", actor=user, attachments=attachments)

    return go


@pytest.fixture
def review(engineer, django_capture_on_commit_callbacks):
    from suppliers.quality.services import step_review

    def go(notice, discipline: int, *, accept: bool = True, comment: str = "", actor=None):
        step = notice.steps.get(discipline=discipline)
        with django_capture_on_commit_callbacks(execute=True):
            return step_review(step=step, accept=accept, comment=comment, actor=actor or engineer)

    return go


__all__ = ["HTML_AS_PDF", "PDF", "PNG", "upload"]

"""Fixtures for the operations tests: interchanges in given states and ages, without a pipeline run."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.edi.conftest import edifact_partner, hub, run, x12_partner  # noqa: F401 - shared fixtures


@pytest.fixture
def make_interchange(hub):  # noqa: F811 - the imported fixture, requested by name
    """An interchange row with (optionally) an archived file, created ``age_days`` ago."""
    from edi.models import Interchange

    counter = iter(range(1, 10_000))

    def make(*, partner=None, state="processed", direction="in", age_days: float = 0, data: bytes | None = None,
             channel="filedrop", document_types="DESADV", mdn: str = "", **fields) -> Interchange:
        n = next(counter)
        archive_path = ""
        digest = ""
        if data is not None:
            rel = f"{partner.code if partner else '_unrouted'}/archive/test/{n:05d}.edi"
            path = hub.drop_root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            archive_path, digest = rel, hashlib.sha256(data).hexdigest()
        row = Interchange.objects.create(
            direction=direction, channel=channel, partner=partner, state=state, document_types=document_types,
            archive_path=archive_path, sha256=digest, size=len(data or b""), mdn=mdn, **fields)
        if age_days:
            when = timezone.now() - timedelta(days=age_days)
            Interchange.objects.filter(pk=row.pk).update(created_at=when, updated_at=when)
            row.refresh_from_db()
        return row

    return make

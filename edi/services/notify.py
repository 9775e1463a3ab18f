"""Tell the EDI administrators when something needs them: a failed interchange, a rejection."""

from __future__ import annotations

from django.db import transaction

from edi.models import Interchange


def notify_failure(interchange: Interchange) -> None:
    from edi.tasks import notify_edi_administrators

    pk = interchange.pk
    transaction.on_commit(lambda: notify_edi_administrators.delay(pk, "failed"))


def notify_rejected_by_partner(interchange: Interchange) -> None:
    from edi.tasks import notify_edi_administrators

    pk = interchange.pk
    transaction.on_commit(lambda: notify_edi_administrators.delay(pk, "rejected"))

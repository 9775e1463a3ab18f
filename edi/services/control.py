from __future__ import annotations

from django.db import transaction

from edi.models import ControlCounter, TradingPartner

MAX_CONTROL_NUMBER = 999_999_999  # ISA13 has 9 digits; one rule for both standards


def control_number_next(*, partner: TradingPartner, kind: str = ControlCounter.Kind.INTERCHANGE) -> int:
    """The next outbound control number for a partner: increasing, never handed out twice.

    The counter row is locked (``SELECT ... FOR UPDATE``) until the caller's transaction ends, so
    concurrent workers queue on it and each gets a distinct number. When the caller rolls back,
    the number returns with it, but then nothing carrying it was ever sent (sends run on commit).
    After 999,999,999 the counter wraps to 1, as X12 partners expect.
    """
    with transaction.atomic():
        counter, _ = ControlCounter.objects.select_for_update().get_or_create(partner=partner, kind=kind)
        counter.last = 1 if counter.last >= MAX_CONTROL_NUMBER else counter.last + 1
        counter.save(update_fields=["last"])
        return counter.last

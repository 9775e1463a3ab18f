"""For the retention purge (``ops.quality_hook``): what open quality notices still refer to."""

from __future__ import annotations

from suppliers.quality.models import QualityNotice


def open_references() -> dict[str, set[str]]:
    """Lots, ASN numbers and goods receipt numbers named by notices that are not closed or cancelled."""
    rows = (QualityNotice.objects.filter(status__in=QualityNotice.OPEN_STATUSES)
            .values_list("lot", "advice__number", "receipt__number"))
    lots, asns, receipts = set(), set(), set()
    for lot, asn, receipt in rows.iterator():
        if lot:
            lots.add(lot)
        if asn:
            asns.add(asn)
        if receipt:
            receipts.add(receipt)
    return {"lots": lots, "asn_numbers": asns, "receipt_numbers": receipts}

"""What open quality notices still need, for the retention purge.

The ``quality`` app (``suppliers.quality``) owns quality notices and offers ``open_references()``
returning a mapping with any of the keys ``lots``, ``asn_numbers``, ``receipt_numbers`` (sets
of strings). When the app is not installed, nothing is protected on its behalf. When the notices
cannot be read, the answer is :data:`UNKNOWN` and the purge keeps everything: deleting evidence
is the one mistake that cannot be undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class QualityReferences:
    lots: frozenset[str] = field(default_factory=frozenset)
    asn_numbers: frozenset[str] = field(default_factory=frozenset)
    receipt_numbers: frozenset[str] = field(default_factory=frozenset)
    known: bool = True  # False: the quality app is there but unreadable; protect everything
    source: str = ""

    @property
    def empty(self) -> bool:
        return self.known and not (self.lots or self.asn_numbers or self.receipt_numbers)


UNKNOWN = QualityReferences(known=False, source="quality app installed but unreadable")


def open_quality_references() -> QualityReferences:
    """What open quality notices still reference: their lots, ASN numbers and receipt numbers."""
    if not apps.is_installed("suppliers.quality"):
        return QualityReferences(source="quality app not installed")
    from django.db import DatabaseError

    from suppliers.quality.retention import open_references

    try:
        refs = open_references()
    except DatabaseError:
        return UNKNOWN
    return QualityReferences(
        lots=frozenset(refs.get("lots", ())), asn_numbers=frozenset(refs.get("asn_numbers", ())),
        receipt_numbers=frozenset(refs.get("receipt_numbers", ())),
        source="suppliers.quality.retention.open_references",
    )

"""What open quality notices still need, for the retention purge.

The ``quality`` app owns quality notices. It may offer ``quality.retention.open_references()``
returning a mapping with any of the keys ``lots``, ``asn_numbers``, ``receipt_numbers`` (sets
of strings). When the app is not installed, nothing is protected on its behalf. When it is
installed but neither offers the hook nor has a model this module can read, the answer is
:data:`UNKNOWN`, and the purge keeps everything: deleting evidence is the one mistake that
cannot be undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

CLOSED_STATES = {"closed", "cancelled", "canceled", "rejected", "void", "resolved"}


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
    if "quality" not in apps.app_configs:  # by label: the app lives at suppliers.quality
        return QualityReferences(source="quality app not installed")
    try:
        from quality.retention import open_references  # type: ignore[import-not-found]
    except ImportError:
        return _introspect()
    refs = open_references()
    return QualityReferences(
        lots=frozenset(refs.get("lots", ())), asn_numbers=frozenset(refs.get("asn_numbers", ())),
        receipt_numbers=frozenset(refs.get("receipt_numbers", ())), source="quality.retention.open_references",
    )


def _introspect() -> QualityReferences:
    """Read open notices from a ``quality`` model with a ``status`` and lot / ASN / receipt fields."""
    config = apps.get_app_config("quality")
    lots: set[str] = set()
    asns: set[str] = set()
    receipts: set[str] = set()
    readable = False
    for model in config.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "status" not in names:
            continue
        wanted = [n for n in ("lot", "lots", "advice", "despatch_advice", "asn", "receipt", "goods_receipt") if n in names]
        if not wanted:
            continue
        readable = True
        open_rows = model.objects.exclude(status__in=CLOSED_STATES)
        for row in open_rows.iterator():
            for name in wanted:
                value = getattr(row, name, None)
                if value is None or value == "":
                    continue
                if name in ("lot", "lots"):
                    lots.update(v.strip() for v in str(value).split(",") if v.strip())
                elif name in ("advice", "despatch_advice", "asn"):
                    asns.add(getattr(value, "number", str(value)))
                else:
                    receipts.add(getattr(value, "number", str(value)))
    if not readable:
        return UNKNOWN
    return QualityReferences(lots=frozenset(lots), asn_numbers=frozenset(asns), receipt_numbers=frozenset(receipts),
                             source="introspected quality models")

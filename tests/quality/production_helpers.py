"""Helpers for the production quality tests: post MES results through the production service,
set thresholds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from suppliers.audit import Actor


def post(tenant, reference: str, *, lot: str = "", inspected: int | str = 100, defects: dict | None = None,
         stage: str = "test", at: datetime | None = None, part=None, passed=None):
    """An inspection result of one of ``tenant``'s lots, as the MES posts it."""
    from suppliers.production.services import inspection_result_post

    data = {
        "reference": reference, "lot": lot or f"LOT-{tenant.supplier.code}-A",
        "part": (part or tenant.supplier_part.part).buyer_part_number, "plant": "PLT1",
        "supplier": tenant.supplier.code, "stage": stage, "inspected_at": at or timezone.now(),
        "quantity_inspected": Decimal(str(inspected)),
        "defects": [{"code": c, "quantity": Decimal(str(q))} for c, q in (defects or {}).items()],
    }
    if passed is not None:
        data["quantity_passed"] = Decimal(str(passed))
    return inspection_result_post(data=data, actor=Actor.api("MES"))


def threshold(*, limit, unit: str = "ppm", part=None, code: str | None = None, min_inspected=100,
              severity: str = "major", active: bool = True):
    from suppliers.quality.models import DefectCode, DefectRateThreshold

    return DefectRateThreshold.objects.create(
        part=part, defect_code=DefectCode.objects.get(code=code) if code else None, limit=Decimal(str(limit)),
        unit=unit, min_inspected=Decimal(str(min_inspected)), severity=severity, is_active=active)


def automatic(supplier=None):
    from suppliers.quality.models import AutomaticNotice

    qs = AutomaticNotice.objects.select_related("notice", "notice__defect_code")
    return list(qs.filter(supplier=supplier) if supplier is not None else qs)

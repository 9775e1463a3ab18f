"""Figures for the console's front page; each feature adds its own block."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from suppliers.models import DespatchAdvice, Invitation, PurchaseOrder


def overview(request: HttpRequest) -> dict[str, Any]:
    blocks = []
    if request.user.has_perm("edi.view_interchange"):
        from edi.admin import edi_overview

        blocks.append({"template": "admin/edi/overview_block.html", "data": edi_overview()})
    if request.user.has_perm("quality.view_qualitynotice"):
        from suppliers.quality.admin import quality_overview

        blocks.append({"template": "admin/quality/overview_block.html", "data": quality_overview()})
    if request.user.has_perm("forecasts.view_commitgap"):
        from suppliers.forecasts.admin import forecast_overview

        blocks.append({"template": "admin/forecasts/overview_block.html", "data": forecast_overview()})
        blocks.append({"template": "admin/ops/overview_link.html", "data": {}})
    if request.user.has_perm("production.view_lottrace"):
        from suppliers.production.trace import trace_overview

        blocks.append({"template": "admin/production/overview_block.html", "data": trace_overview()})
    if request.user.has_perm("planning.view_replenishmentproposal"):
        from suppliers.planning.admin import planning_overview

        blocks.append({"template": "admin/planning/overview_block.html", "data": planning_overview()})
    if not request.user.has_perm("suppliers.view_purchaseorder"):
        return {"blocks": blocks} if blocks else {}
    po_counts = dict(PurchaseOrder.objects.values_list("status").annotate(n=Count("id")))
    asn_counts = dict(DespatchAdvice.objects.values_list("status").annotate(n=Count("id")))
    return {
        "orders": [(label, po_counts.get(value, 0), value) for value, label in PurchaseOrder.Status.choices],
        "asns": [(label, asn_counts.get(value, 0), value) for value, label in DespatchAdvice.Status.choices],
        "blocks": blocks,
        "pending_invitations": Invitation.objects.filter(
            accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        ).count(),
    }

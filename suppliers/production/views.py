"""The buyer console's lot traceability page (/console/traceability/) and its quality-hold buttons."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suppliers.errors import DomainError
from suppliers.models import Part, Supplier
from suppliers.production import services
from suppliers.production.models import LotHold
from suppliers.production.trace import FULL_ROWS, MAX_DEPTH, MAX_NODES, MAX_ROWS, lot_trace

TRACE_PERMISSION = "production.view_lottrace"


def _back(lot: str, part_id: int | None = None) -> HttpResponseRedirect:
    url = reverse("traceability:page") + "?" + urlencode({"q": lot})
    return HttpResponseRedirect(url + (f"#part-{part_id}" if part_id else ""))


def traceability_page(request: HttpRequest) -> TemplateResponse:
    if not request.user.has_perm(TRACE_PERMISSION):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:35]
    context = {
        **admin.site.each_context(request),
        "title": _("Lot traceability"),
        "query": query,
        "trace": lot_trace(query=query, max_rows=FULL_ROWS if request.GET.get("full") else MAX_ROWS) if query else None,
        "max_depth": MAX_DEPTH, "max_nodes": MAX_NODES,
        # one prefix for every work-order link (thousands of rows: no reverse() per row)
        "wo_base": reverse("admin:production_workorder_changelist"),
        "may_hold": request.user.has_perm("production.add_lothold"),
        "may_release": request.user.has_perm("production.change_lothold"),
    }
    return TemplateResponse(request, "admin/production/traceability.html", context)


@require_POST
def hold_place(request: HttpRequest) -> HttpResponseRedirect:
    if not request.user.has_perm(TRACE_PERMISSION) or not request.user.has_perm("production.add_lothold"):
        raise PermissionDenied
    part = get_object_or_404(Part, pk=request.POST.get("part") or 0)
    lot = request.POST.get("lot", "").strip()[:35]
    supplier_id = request.POST.get("supplier")
    supplier = get_object_or_404(Supplier, pk=supplier_id) if supplier_id else None
    try:
        services.lot_hold_place(part=part, lot=lot, reason=request.POST.get("reason", ""), supplier=supplier,
                                actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Lot %(lot)s of %(part)s is on quality hold.") % {
            "lot": lot, "part": part.buyer_part_number})
    return _back(lot, part.pk)


@require_POST
def hold_release(request: HttpRequest) -> HttpResponseRedirect:
    if not request.user.has_perm(TRACE_PERMISSION) or not request.user.has_perm("production.change_lothold"):
        raise PermissionDenied
    hold = get_object_or_404(LotHold.objects.select_related("part"), pk=request.POST.get("hold") or 0)
    try:
        services.lot_hold_release(hold=hold, note=request.POST.get("note", ""), actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The hold on lot %(lot)s of %(part)s is released.") % {
            "lot": hold.lot, "part": hold.part.buyer_part_number})
    return _back(hold.lot, hold.part_id)

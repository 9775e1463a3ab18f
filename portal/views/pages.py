"""Supplier-facing pages. Every read goes through a selector that takes ``request.supplier``.

The dashboard is in ``home``, purchase orders in ``orders``, web ASNs and their PDFs in ``shipments``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import InviteForm
from portal.views.common import paginate, supplier_admin_required, supplier_required
from suppliers import selectors, services
from suppliers.errors import DomainError
from suppliers.models import DespatchAdvice


@supplier_required
def shipment_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in DespatchAdvice.Status.values:
        status = ""
    advices = selectors.despatch_advices_for(supplier=request.supplier, search=q, status=status)
    return render(request, "portal/shipments/list.html", {
        "page": paginate(request, advices), "q": q, "status": status, "statuses": list(DespatchAdvice.Status),
    })


@supplier_required
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    advice = selectors.despatch_advice_get(supplier=request.supplier, pk=pk)
    history = selectors.events_for_supplier_object(supplier=request.supplier, obj=advice)[:50]
    return render(request, "portal/shipments/detail.html", {"advice": advice, "history": history})


@supplier_required
def receipt_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    receipts = selectors.goods_receipts_for(supplier=request.supplier, search=q)
    return render(request, "portal/receipts/list.html", {"page": paginate(request, receipts), "q": q})


@supplier_required
def receipt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = selectors.goods_receipt_get(supplier=request.supplier, pk=pk)
    return render(request, "portal/receipts/detail.html", {"receipt": receipt})


@supplier_required
def part_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    parts = selectors.supplier_parts_for(supplier=request.supplier, search=q)
    return render(request, "portal/parts/list.html", {"page": paginate(request, parts, 50), "q": q})


@supplier_required
def team(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not request.membership.is_admin:
            return render(request, "portal/no_access.html", status=403)
        if form.is_valid():
            try:
                services.invitation_create(
                    supplier=request.supplier, email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("portal:team")
    return render(request, "portal/team.html", {
        "members": selectors.memberships_for(supplier=request.supplier), "form": form,
    })


@require_POST
@supplier_admin_required
def team_member_active(request: HttpRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get(supplier=request.supplier, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.membership_set_active(membership=membership, active=active, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(email)s is now %(state)s.") % {
            "email": membership.user.email, "state": _("active") if active else _("deactivated"),
        })
    return redirect("portal:team")

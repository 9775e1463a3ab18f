"""Supplier-facing pages. Every read goes through a selector that takes ``request.supplier``."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import InviteForm
from portal.views.common import paginate, supplier_admin_required, supplier_required
from suppliers import selectors, services
from suppliers.errors import DomainError
from suppliers.models import DespatchAdvice, PurchaseOrder


@supplier_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", selectors.dashboard_for(supplier=request.supplier))


@supplier_required
def order_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in PurchaseOrder.Status.values:
        status = ""
    orders = selectors.purchase_orders_for(supplier=request.supplier, search=q, status=status)
    return render(request, "portal/orders/list.html", {
        "page": paginate(request, orders), "q": q, "status": status,
        "statuses": [s for s in PurchaseOrder.Status if s != PurchaseOrder.Status.DRAFT],
    })


@supplier_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.purchase_order_get(supplier=request.supplier, pk=pk)
    history = selectors.events_for_supplier_object(supplier=request.supplier, obj=order)[:50]
    return render(request, "portal/orders/detail.html", {"order": order, "history": history})


class _Echo:
    def write(self, value: str) -> str:
        return value


@supplier_required
def order_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV of the supplier's order lines, honouring the list's search and status filter."""
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    lines = selectors.purchase_order_lines_for(supplier=request.supplier)
    if status in PurchaseOrder.Status.values:
        lines = lines.filter(order__status=status)
    if q:
        orders = selectors.purchase_orders_for(supplier=request.supplier, search=q)
        lines = lines.filter(order__in=orders.values("pk"))
    writer = csv.writer(_Echo())
    header = ["po_number", "revision", "status", "order_date", "ship_to", "line", "buyer_part", "supplier_part",
              "description", "quantity", "unit", "price", "currency", "requested_date", "confirmation",
              "confirmed_quantity", "confirmed_date"]

    def rows():
        yield writer.writerow(header)
        for line in lines.iterator(chunk_size=2000):
            o = line.order
            yield writer.writerow([
                o.number, o.revision, o.status, o.order_date, o.ship_to.code, line.line_no,
                line.part.buyer_part_number, line.supplier_part_number, line.part.description, line.quantity,
                line.unit, line.price, o.currency, line.requested_date, line.confirmation,
                "" if line.confirmed_quantity is None else line.confirmed_quantity, line.confirmed_date or "",
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="purchase-orders-{request.supplier.code}.csv"'
    return response


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

"""Purchase orders: list with filters and CSV export, detail, and the per-line confirmation.

Confirmation is a plain HTML form per line (it works without JavaScript: POST, redirect); with
htmx the same form posts in place and only the order's body is swapped.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import LineResponseForm, OrderFilterForm
from portal.views.common import paginate, supplier_required
from suppliers import selectors, services
from suppliers.errors import DomainError
from suppliers.models import PurchaseOrder, PurchaseOrderLine, ResponseReason


def _filters(request: HttpRequest) -> OrderFilterForm:
    return OrderFilterForm(request.GET or None, ship_tos=selectors.ship_tos_for(supplier=request.supplier))


@supplier_required
def order_list(request: HttpRequest) -> HttpResponse:
    form = _filters(request)
    orders = selectors.purchase_orders_for(supplier=request.supplier, **form.selector_kwargs())
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(request, "portal/orders/list.html", {
        "page": paginate(request, orders), "form": form, "export_query": export_query.urlencode(),
    })


def _respondable(order: PurchaseOrder) -> bool:
    return order.status in (PurchaseOrder.Status.ISSUED, PurchaseOrder.Status.CONFIRMED)


def _detail_context(request: HttpRequest, order: PurchaseOrder, bound: LineResponseForm | None = None,
                    notice: str = "") -> dict:
    lines = list(order.lines.all())
    forms = []
    if _respondable(order):
        for line in lines:
            if line.cancelled:
                continue
            if bound is not None and bound.line.pk == line.pk:
                forms.append(bound)
            else:
                forms.append(LineResponseForm(line=line, allow_rejection=order.allow_rejection))
    return {
        "order": order, "lines": lines, "forms": forms, "respondable": _respondable(order),
        "pending": [line for line in lines if line.confirmation == "pending" and not line.cancelled],
        "responses": _with_summaries(selectors.order_responses_for_order(supplier=request.supplier, order=order)[:20]),
        "history": selectors.events_for_supplier_object(supplier=request.supplier, obj=order)[:50],
        "notice": notice,
    }


def _with_summaries(responses) -> list:
    """Each response with its lines as one translated sentence apiece (the document keeps codes)."""
    labels = dict(PurchaseOrderLine.Confirmation.choices)
    reasons = dict(ResponseReason.choices)
    out = []
    for response in responses:
        response.summaries = []
        for li in response.document.get("lines", []):
            parts = [_("Line %(n)s: %(status)s") % {"n": li.get("line"), "status": labels.get(li.get("status"), li.get("status"))}]
            if li.get("status") != "rejected" and li.get("quantity"):
                parts.append(f"{li['quantity']} {li.get('unit', '')}".strip())
            if li.get("delivery_date"):
                parts.append(li["delivery_date"])
            if li.get("x_reason_code"):
                parts.append(str(reasons.get(li["x_reason_code"], li["x_reason_code"])))
            if li.get("reason"):
                parts.append(li["reason"])
            response.summaries.append(" · ".join(parts))
        out.append(response)
    return out


@supplier_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.purchase_order_get(supplier=request.supplier, pk=pk)
    return render(request, "portal/orders/detail.html", _detail_context(request, order))


def _after_response(request: HttpRequest, order_pk: int, notice: str) -> HttpResponse:
    if request.htmx:
        order = selectors.purchase_order_get(supplier=request.supplier, pk=order_pk)
        return render(request, "portal/orders/detail.html", _detail_context(request, order, notice=notice))
    messages.success(request, notice)
    return redirect(reverse("portal:order_detail", args=[order_pk]))


@require_POST
@supplier_required
def order_line_respond(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """One line's answer: one order response for the buyer and the ERP."""
    line = selectors.purchase_order_line_get(supplier=request.supplier, order_pk=pk, pk=line_pk)
    order = line.order
    form = LineResponseForm(request.POST, line=line, allow_rejection=order.allow_rejection)
    if not _respondable(order):
        form.is_valid()
        form.add_error(None, _("This order is %(status)s: it cannot be answered any more.") % {
            "status": order.get_status_display().lower()})
    elif form.is_valid():
        try:
            services.purchase_order_respond(order=order, responses=[form.line_response()], actor=request.user,
                                            source="web")
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_response(request, order.pk, _("Line %(n)s answered: %(what)s.") % {
                "n": line.line_no, "what": dict(form.fields["decision"].choices)[form.cleaned_data["decision"]],
            })
    order = selectors.purchase_order_get(supplier=request.supplier, pk=pk)
    notice = _("Line %(n)s was not answered.") % {"n": line.line_no}
    if form.non_field_errors():
        notice += " " + " ".join(form.non_field_errors())
    context = _detail_context(request, order, bound=form, notice=notice)
    return render(request, "portal/orders/detail.html", context, status=200 if request.htmx else 400)


@require_POST
@supplier_required
def order_accept_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept every line still waiting, as ordered: one order response."""
    order = selectors.purchase_order_get(supplier=request.supplier, pk=pk)
    pending = [li for li in order.lines.all() if li.confirmation == "pending" and not li.cancelled]
    if not pending:
        return _after_response(request, order.pk, _("No line is waiting for an answer."))
    try:
        services.purchase_order_respond(
            order=order, responses=[services.LineResponse(line=li, status="accepted") for li in pending],
            actor=request.user, source="web",
        )
    except DomainError as exc:
        if request.htmx:
            return render(request, "portal/orders/detail.html", _detail_context(request, order, notice=str(exc)))
        messages.error(request, str(exc))
        return redirect(reverse("portal:order_detail", args=[order.pk]))
    return _after_response(request, order.pk, _("%(n)s lines accepted.") % {"n": len(pending)})


class _Echo:
    def write(self, value: str) -> str:
        return value


@supplier_required
def order_export(request: HttpRequest) -> StreamingHttpResponse:
    """CSV of the supplier's order lines, honouring the list's search and filters."""
    form = _filters(request)
    lines = selectors.purchase_order_lines_for(supplier=request.supplier)
    kwargs = form.selector_kwargs()
    if any(kwargs.values()):
        lines = lines.filter(order__in=selectors.purchase_orders_for(supplier=request.supplier, **kwargs).values("pk"))
    writer = csv.writer(_Echo())
    header = ["po_number", "revision", "status", "order_date", "ship_to", "line", "buyer_part", "supplier_part",
              "description", "quantity", "unit", "price", "currency", "requested_date", "confirmation",
              "confirmed_quantity", "confirmed_date", "reason_code", "rejection_reason"]

    def rows():
        yield writer.writerow(header)
        for line in lines.iterator(chunk_size=2000):
            o = line.order
            yield writer.writerow([
                o.number, o.revision, o.status, o.order_date, o.ship_to.code, line.line_no,
                line.part.buyer_part_number, line.supplier_part_number, line.part.description, line.quantity,
                line.unit, line.price, o.currency, line.requested_date, line.confirmation,
                "" if line.confirmed_quantity is None else line.confirmed_quantity, line.confirmed_date or "",
                line.reason_code, line.rejection_reason,
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="purchase-orders-{request.supplier.code}.csv"'
    return response

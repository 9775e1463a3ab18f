"""Web ASNs for suppliers without EDI: pick open lines, fill quantities, lots, serials and
packages, submit; then print GS1-128 shipping labels and the packing list."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import pdf
from portal.forms import WebAsnForm
from portal.views.common import supplier_required
from suppliers import selectors, services
from suppliers.errors import DomainError


def _line_ids(request: HttpRequest) -> list[int]:
    source = request.POST if request.method == "POST" else request.GET
    ids = []
    for raw in source.getlist("line"):
        try:
            ids.append(int(raw))
        except ValueError:
            raise Http404("bad line") from None
    return sorted(set(ids))


@supplier_required
def asn_new(request: HttpRequest) -> HttpResponse:
    """Step 1: the open lines to ship, to pick from (one ship-to plant per ASN)."""
    ship_tos = list(selectors.ship_tos_for(supplier=request.supplier))
    ship_to = request.GET.get("ship_to", "")
    ship_to_id = int(ship_to) if ship_to.isdigit() and any(p.pk == int(ship_to) for p in ship_tos) else None
    q = request.GET.get("q", "").strip()
    lines = list(selectors.open_lines_to_ship(supplier=request.supplier, ship_to=ship_to_id, search=q)[:500])
    return render(request, "portal/shipments/new.html", {
        "lines": lines, "ship_tos": ship_tos, "ship_to": ship_to_id, "q": q,
        "selected": set(_line_ids(request)) if request.GET.getlist("line") else set(),
    })


@supplier_required
def asn_details(request: HttpRequest) -> HttpResponse:
    """Step 2: quantities, lots, serials, packages and shipping data; submit creates the ASN."""
    ids = _line_ids(request)
    if not ids:
        messages.warning(request, _("Pick at least one line to ship."))
        return redirect("portal:asn_new")
    lines = list(selectors.open_lines_to_ship(supplier=request.supplier).filter(pk__in=ids))
    if len(lines) != len(ids):
        # Another supplier's line, or one no longer open: the same answer as for a line that does not exist.
        raise Http404("line not open")
    if len({line.order.ship_to_id for line in lines}) > 1:
        messages.error(request, _("The lines you picked go to different plants: one ASN per ship-to plant."))
        return redirect(reverse("portal:asn_new") + "?" + "&".join(f"line={i}" for i in ids))
    supplier = request.supplier
    today = timezone.localdate()
    form = WebAsnForm(
        request.POST if request.method == "POST" else None, lines=lines,
        tolerance=selectors.asn_tolerance_for(supplier=supplier), has_prefix=bool(supplier.gs1_company_prefix),
        initial_number=selectors.despatch_advice_next_number(supplier=supplier, day=today), today=today,
    )
    if form.submitting and form.is_valid():
        try:
            advice = services.despatch_advice_submit_web(supplier=supplier, actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            form.errors.append(str(exc))
        except IntegrityError:
            form.errors.append(_("ASN number %(n)s is already used.") % {"n": form.header.cleaned_data["number"]})
        else:
            messages.success(request, _("Shipment notice %(n)s sent to the buyer. Print the labels and the packing list.")
                             % {"n": advice.number})
            return redirect("portal:shipment_detail", pk=advice.pk)
    status = 400 if form.submitting and not request.htmx else 200
    return render(request, "portal/shipments/asn_form.html", {
        "asn": form, "ship_to": lines[0].order.ship_to, "show_errors": form.submitting,
        "tolerance": selectors.asn_tolerance_for(supplier=supplier),
    }, status=status)


@supplier_required
def shipment_labels(request: HttpRequest, pk: int) -> HttpResponse:
    advice = selectors.despatch_advice_get(supplier=request.supplier, pk=pk)
    size = request.GET.get("size", "4x6")
    body = pdf.shipping_labels_pdf(advice, size=size if size in pdf.LABEL_SIZES else "4x6")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="labels-{advice.number}.pdf"'
    return response


@supplier_required
def shipment_packing_list(request: HttpRequest, pk: int) -> HttpResponse:
    advice = selectors.despatch_advice_get(supplier=request.supplier, pk=pk)
    response = HttpResponse(pdf.packing_list_pdf(advice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="packing-list-{advice.number}.pdf"'
    return response

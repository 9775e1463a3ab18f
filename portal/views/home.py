"""The dashboard: panels of what needs the supplier's action (portal.dashboard registry)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal import dashboard
from portal.views.common import supplier_required
from suppliers import selectors


def _qty(value) -> str:
    return f"{value.normalize():f}"


def orders_to_confirm(*, supplier, user) -> dashboard.Panel:
    orders = selectors.orders_awaiting_confirmation(supplier=supplier)
    first = list(orders[:5])
    return dashboard.Panel(
        key="orders-to-confirm", title=gettext_lazy("Orders to confirm"), count=orders.count() if len(first) == 5 else len(first),
        url=reverse("portal:order_list") + "?needs=1", link_text=gettext_lazy("All orders awaiting confirmation"),
        items=[dashboard.Item(
            text=o.number, url=reverse("portal:order_detail", args=[o.pk]),
            note=ngettext("%(n)s line to answer · ordered %(date)s", "%(n)s lines to answer · ordered %(date)s",
                          o.pending) % {"n": o.pending, "date": date_format(o.order_date, "Y-m-d")},
        ) for o in first],
        empty_text=gettext_lazy("Every order is answered."),
    )


def lines_to_ship(*, supplier, user) -> dashboard.Panel:
    lines = selectors.open_lines_to_ship(supplier=supplier)
    first = list(lines[:5])
    return dashboard.Panel(
        key="lines-to-ship", title=gettext_lazy("Open lines to ship"), count=lines.count() if len(first) == 5 else len(first),
        url=reverse("portal:asn_new"), link_text=gettext_lazy("Create a shipment notice (ASN)"),
        items=[dashboard.Item(
            text=f"{line.order.number} / {line.line_no} · {line.part.buyer_part_number}",
            url=reverse("portal:order_detail", args=[line.order_id]),
            note=_("%(qty)s %(unit)s left · due %(date)s") % {
                "qty": _qty(line.remaining), "unit": line.unit, "date": date_format(line.due, "Y-m-d")},
        ) for line in first],
        empty_text=gettext_lazy("Nothing left to ship on confirmed orders."),
    )


def shipments_in_transit(*, supplier, user) -> dashboard.Panel:
    return dashboard.Panel(
        key="in-transit", title=gettext_lazy("Shipments in transit"),
        count=selectors.despatch_advices_for(supplier=supplier, status="submitted").count(),
        url=reverse("portal:shipment_list") + "?status=submitted", link_text=gettext_lazy("Shipments"), tone="info",
    )


dashboard.register(orders_to_confirm, slot=dashboard.ACTIONS, order=10)
dashboard.register(lines_to_ship, slot=dashboard.ACTIONS, order=20)
dashboard.register(shipments_in_transit, slot=dashboard.ACTIONS, order=90)


@supplier_required
def home(request: HttpRequest) -> HttpResponse:
    panels = dashboard.panels_for(supplier=request.supplier, user=request.user)
    return render(request, "portal/home.html", {
        "action_panels": panels[dashboard.ACTIONS], "summary_panels": panels[dashboard.SUMMARY],
        "recent_orders": selectors.purchase_orders_for(supplier=request.supplier, open_only=True)[:10],
    })

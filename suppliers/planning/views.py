"""Supplier page of inventory visibility: the buyer's stock of the supplier's parts at each plant,
consumption, days of cover and, for vendor-managed parts, where the stock stands against min/max.

Every read goes through :func:`suppliers.planning.selectors.inventory_for`, which takes
``request.supplier``: another supplier's parts appear nowhere, on the page or in the export.
The filter form works without JavaScript (GET); with htmx it swaps only the results.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.views.common import paginate, supplier_required
from suppliers.planning import selectors
from suppliers.planning.models import VendorManagedLevel

ROWS_PER_PAGE = 50


@dataclass
class Filters:
    q: str
    plant: str
    status: str
    vmi: bool
    sort: str

    def selector_kwargs(self) -> dict:
        return {"search": self.q, "plant": self.plant, "status": self.status, "vendor_managed_only": self.vmi,
                "sort": self.sort}


def status_choices() -> list[tuple[str, str]]:
    return [*VendorManagedLevel.Status.choices, (selectors.SHORT, _("Cover below lead time"))]


def _filters(request: HttpRequest) -> Filters:
    status = request.GET.get("status", "")
    if status not in {value for value, _label in status_choices()}:
        status = ""
    sort = request.GET.get("sort", "")
    return Filters(
        q=request.GET.get("q", "").strip()[:100], plant=request.GET.get("plant", "").strip()[:20], status=status,
        vmi=request.GET.get("vmi") in ("1", "on", "true"), sort=sort if sort in ("part", "cover") else "part",
    )


@supplier_required
def inventory(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    data = selectors.inventory_for(supplier=request.supplier, **filters.selector_kwargs())
    query = request.GET.copy()
    query.pop("page", None)
    by_sort = {}
    for key in ("part", "cover"):
        q = query.copy()
        q["sort"] = key
        by_sort[key] = q.urlencode()
    return render(request, "planning/inventory.html", {
        "page": paginate(request, data.rows, ROWS_PER_PAGE), "inventory": data, "filters": filters,
        "statuses": status_choices(), "export_query": query.urlencode(), "sort_query": by_sort,
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


def _text(value: str) -> str:
    # A leading = + - @ would make a spreadsheet run the cell as a formula (CSV injection).
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _n(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


@supplier_required
def inventory_export(request: HttpRequest) -> StreamingHttpResponse:
    """The rows of the page, with its filters, as CSV: figures unformatted, codes not labels."""
    data = selectors.inventory_for(supplier=request.supplier, **_filters(request).selector_kwargs())
    writer = csv.writer(_Echo())
    header = ["part", "supplier_part", "description", "unit", "plant", "stock_day", "on_hand", "blocked",
              "available", "daily_consumption_4w", "daily_consumption_13w", "days_of_cover", "lead_time_days",
              "vmi_min", "vmi_max", "vmi_status", *[f"week_{w.isoformat()}" for w in data.weeks]]

    def rows():
        yield writer.writerow(header)
        for r in data.rows:
            yield writer.writerow([
                r.part.buyer_part_number, _text(r.supplier_part.supplier_part_number), _text(r.part.description),
                r.part.unit, r.plant.code if r.plant else "", r.day or "", _n(r.on_hand), _n(r.blocked),
                _n(r.available), _n(r.daily_4w), _n(r.daily_13w), _n(r.days_of_cover), r.lead_time_days,
                _n(r.min_quantity), _n(r.max_quantity), r.status, *[_n(q) for q in r.weekly],
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inventory-{request.supplier.code}.csv"'
    return response

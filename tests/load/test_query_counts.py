"""The pages the load benchmark browses cost a fixed number of SQL queries, whatever the data.

Each page is rendered for a supplier with a little data, counted, then the same supplier gets a
lot more (orders, lines, responses, ASNs against them, forecast parts, history) and the page must
not take more queries than it did (`django_assert_max_num_queries`). An N+1 in a template, a
panel or a selector shows up here long before it shows up in bench/bench_load.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login

MONDAY = date(2026, 3, 2)


def grow(tenant, *, orders: int, lines: int, asns: int, parts: int, tag: str) -> dict[str, str]:
    """Add data to the tenant's supplier; return the URLs of this batch's own objects."""
    from suppliers import services
    from suppliers.audit import Actor
    from suppliers.forecasts.services import forecast_publish
    from suppliers.models import Part, SupplierPart

    actor = Actor.system("test")
    supplier = tenant.supplier
    catalogue = []
    for n in range(max(parts, lines)):
        part = Part.objects.create(buyer_part_number=f"QC-{tag}-{n:03d}", description=f"Part {tag} {n}",
                                   commodity_class="passive")
        SupplierPart.objects.create(supplier=supplier, part=part, supplier_part_number=f"{tag}-SP-{n}",
                                    price=Decimal("0.5"))
        catalogue.append(part)
    made = []
    for k in range(orders):
        order = services.purchase_order_create(
            number=f"PO-{tag}-{k:03d}", supplier=supplier, ship_to=tenant.order.ship_to,
            order_date=date(2026, 1, 5) + timedelta(days=k), actor=actor,
            lines=[services.LineInput(line_no=10 * (i + 1), part=catalogue[i], quantity=Decimal(100),
                                      price=Decimal("0.5"), requested_date=date(2026, 3, 1)) for i in range(lines)],
        )
        if k % 2:  # half answered (with a response and its history), half awaiting confirmation
            services.purchase_order_respond(order=order, actor=actor, responses=[
                services.LineResponse(line=li, status="accepted") for li in order.lines.all()])
        made.append(order)
    confirmed = [o for o in made if o.pk and o.lines.filter(confirmation="accepted").exists()]
    for k in range(asns):
        order = confirmed[k % len(confirmed)]
        services.despatch_advice_create(
            supplier=supplier, number=f"ASN-{tag}-{k:03d}", ship_to=order.ship_to, ship_date=date(2026, 2, 1),
            actor=actor, lines=[services.AsnLineInput(line_no=i + 1, order_line=li, quantity=Decimal(1),
                                                      lots=[(f"L{tag}{k}", Decimal(1))])
                                for i, li in enumerate(order.lines.all()[:3])],
        )
    schedule = [{"start": (MONDAY + timedelta(weeks=w)).isoformat(),
                 "end": (MONDAY + timedelta(weeks=w, days=6)).isoformat(), "quantity": str(100 + w)} for w in range(20)]
    if not supplier.forecast_versions.exists():  # every version shown has a previous one to compare with
        forecast_publish(supplier=supplier, actor=actor, source="api", horizon_start=MONDAY,
                         lines=[{"buyer_part": catalogue[0].buyer_part_number, "schedule": schedule}])
    version = forecast_publish(supplier=supplier, actor=actor, source="api", horizon_start=MONDAY,
                               lines=[{"buyer_part": p.buyer_part_number, "schedule": schedule} for p in catalogue[:parts]])
    detail = made[-1]  # an answered order if orders is even, with its lines, response and events
    return {
        "dashboard": reverse("portal:home"),
        "po_list": reverse("portal:order_list"),
        "po_list_search": reverse("portal:order_list") + f"?q=QC-{tag}",
        "po_list_filtered": reverse("portal:order_list") + "?status=issued&needs=1",
        "po_detail": reverse("portal:order_detail", args=[detail.pk]),
        "shipments": reverse("portal:shipment_list"),
        "forecast": reverse("forecasts:detail", args=[version.pk]),
        "forecast_versions": reverse("forecasts:list"),
    }


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


@pytest.mark.parametrize("page", ["dashboard", "po_list", "po_list_search", "po_list_filtered", "po_detail",
                                  "shipments", "forecast", "forecast_versions"])
def test_queries_per_page_do_not_grow_with_the_data(page, tenant_a, tenant_b, django_assert_max_num_queries,
                                                    django_capture_on_commit_callbacks):
    client = login(tenant_a.member)
    # given: a supplier with some data, enough that every panel and list has more than it shows
    # first (and another supplier with more, which must not matter)
    with django_capture_on_commit_callbacks(execute=False):
        small = grow(tenant_a, orders=12, lines=2, asns=6, parts=2, tag="S")
        grow(tenant_b, orders=6, lines=3, asns=3, parts=3, tag="B")
    client.get(small[page])  # caches (content types, code lists) warm
    baseline = count_queries(client, small[page])
    # when: it gets a lot more: 30 more orders of 12 lines, 20 ASNs, a 40-part forecast
    with django_capture_on_commit_callbacks(execute=False):
        large = grow(tenant_a, orders=30, lines=12, asns=20, parts=40, tag="L")
    # then: the same page over the larger data costs no more queries
    with django_assert_max_num_queries(baseline):
        response = client.get(large[page])
    assert response.status_code == 200

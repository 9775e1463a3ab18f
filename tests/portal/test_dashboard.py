"""The dashboard: built-in panels of what needs action, the registry other features plug into,
and a query count that does not grow with the number of orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from portal import dashboard
from suppliers import services
from tests.conftest import login
from tests.portal.conftest import confirm_all, make_order


def test_panels_show_orders_to_confirm_and_lines_to_ship(tenant_a, erp_outbox):
    waiting = make_order(tenant_a, "PO-D-1", lines=2)
    confirmed = make_order(tenant_a, "PO-D-2", lines=1, quantity=50)
    confirm_all(confirmed)
    services.despatch_advice_submit_web(
        supplier=tenant_a.supplier, number="ASN-D-1", ship_date=confirmed.order_date, actor=tenant_a.member,
        lines=[services.WebAsnLine(order_line=confirmed.lines.get(), quantity=Decimal(20))])
    page = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    to_confirm = page.split('data-testid="panel-orders-to-confirm"')[1].split("</article>")[0]
    assert "PO-D-1" in to_confirm and "2 lines to answer" in to_confirm and "panel-count" in to_confirm
    to_ship = page.split('data-testid="panel-lines-to-ship"')[1].split("</article>")[0]
    assert "PO-D-2 / 10" in to_ship and "30 PCE left" in to_ship
    assert reverse("portal:asn_new") in to_ship
    assert waiting.number not in to_ship


def _forecast_panel(*, supplier, user):
    return dashboard.Panel(key="test-forecast", title="Forecast changes to commit", count=3,
                           items=[dashboard.Item(text=f"bucket of {supplier.code}")])


def _broken_panel(*, supplier, user):
    raise RuntimeError("a feature's bug")


def _quiet_panel(*, supplier, user):
    return None


@pytest.fixture
def registered():
    for provider, order in ((_forecast_panel, 30), (_broken_panel, 31), (_quiet_panel, 32)):
        dashboard.register(provider, slot=dashboard.ACTIONS, order=order)
    yield
    for provider in (_forecast_panel, _broken_panel, _quiet_panel):
        dashboard.unregister(provider)


def test_registered_panels_render_in_order_and_a_broken_one_is_left_out(tenant_a, registered):
    page = login(tenant_a.member).get(reverse("portal:home")).content.decode()
    assert "bucket of ALPHA" in page
    order = [page.index(f'data-testid="panel-{key}"') for key in ("orders-to-confirm", "lines-to-ship", "test-forecast", "in-transit")]
    assert order == sorted(order)


def test_unknown_slots_are_refused():
    with pytest.raises(ValueError):
        dashboard.register(_quiet_panel, slot="sidebar")


def test_dashboard_queries_do_not_grow_with_orders(tenant_a, django_assert_max_num_queries):
    for n in range(40):
        order = make_order(tenant_a, f"PO-DQ-{n}", lines=2)
        if n % 2:
            confirm_all(order)
    client = login(tenant_a.member)
    # Every registered panel counts here, the other features' too: keep each one to a few queries.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200

"""Purchase order pages: filters and export, per-line confirmation with and without htmx, the
buyer's ban on rejection in the form, and list pages whose query count does not grow with rows."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from suppliers.models import OrderResponse, Plant, PurchaseOrder
from tests.conftest import login
from tests.portal.conftest import confirm_all, make_order


def rows(html: str) -> str:
    return "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.DOTALL))


@pytest.fixture
def orders(tenant_a):
    other_plant = Plant.objects.create(code="PLT2", name="Second plant")
    a = make_order(tenant_a, "PO-F-A", order_date=date(2026, 3, 1))
    b = make_order(tenant_a, "PO-F-B", order_date=date(2026, 3, 20), ship_to=other_plant)
    confirm_all(b)
    return a, b, other_plant


@pytest.mark.parametrize("query, shown, hidden", [
    ({"needs": "on"}, ["PO-F-A"], ["PO-F-B"]),
    ({"status": "confirmed"}, ["PO-F-B"], ["PO-F-A"]),
    ({"date_from": "2026-03-10"}, ["PO-F-B"], ["PO-F-A"]),
    ({"date_to": "2026-03-10", "date_from": "2026-02-01"}, ["PO-F-A"], ["PO-F-B"]),
    ({"q": "F-A"}, ["PO-F-A"], ["PO-F-B"]),
    ({"q": "P-ALPHA-1", "date_from": "2026-02-01"}, ["PO-F-A", "PO-F-B"], []),
])
def test_list_filters(query, shown, hidden, orders, tenant_a):
    html = rows(login(tenant_a.member).get(reverse("portal:order_list"), query).content.decode())
    for number in shown:
        assert number in html
    for number in hidden:
        assert number not in html


def test_ship_to_filter_and_export_follow_the_same_filters(orders, tenant_a):
    _a, _b, plant = orders
    client = login(tenant_a.member)
    html = rows(client.get(reverse("portal:order_list"), {"ship_to": plant.pk}).content.decode())
    assert "PO-F-B" in html and "PO-F-A" not in html
    body = b"".join(client.get(reverse("portal:order_export"), {"ship_to": plant.pk}).streaming_content).decode()
    assert "PO-F-B" in body and "PO-F-A" not in body and "PO-ALPHA-1" not in body
    body = b"".join(client.get(reverse("portal:order_export"), {"needs": "on"}).streaming_content).decode()
    assert "PO-F-A" in body and "PO-F-B" not in body
    assert body.splitlines()[0].endswith("reason_code,rejection_reason")
    # the list's export link carries the filters
    page = client.get(reverse("portal:order_list"), {"ship_to": plant.pk, "needs": "on"}).content.decode()
    assert f'export.csv?ship_to={plant.pk}&amp;needs=on' in page


def test_a_bad_filter_value_is_ignored_not_an_error(orders, tenant_a):
    response = login(tenant_a.member).get(reverse("portal:order_list"), {"date_from": "yesterday", "ship_to": "x"})
    assert response.status_code == 200 and "PO-F-A" in rows(response.content.decode())


def _post_line(client, order, line, **fields):
    data = {f"line-{line.pk}-{k}": v for k, v in fields.items()}
    return client.post(reverse("portal:order_line_respond", args=[order.pk, line.pk]), data)


def test_confirm_a_line_with_a_changed_date_without_javascript(tenant_a, erp_outbox, django_capture_on_commit_callbacks):
    order = make_order(tenant_a, "PO-W-1", lines=1)
    line = order.lines.get()
    client = login(tenant_a.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_line(client, order, line, decision="changed", quantity="100", delivery_date="2026-04-20",
                              reason_code="capacity", reason="oven booked")
    assert response.status_code == 302 and response["Location"] == reverse("portal:order_detail", args=[order.pk])
    line.refresh_from_db()
    assert (line.confirmation, line.confirmed_date, line.reason_code) == ("changed", date(2026, 4, 20), "capacity")
    page = client.get(response["Location"]).content.decode()
    assert "Line 10 answered" in page and "PO-W-1-R1" in page and "oven booked" in page
    assert len(list(erp_outbox.glob("order_response-*.json"))) == 1


def test_confirm_with_htmx_swaps_the_order_body(tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-W-2", lines=2)
    line = order.lines.first()
    client = login(tenant_a.member)
    response = client.post(reverse("portal:order_line_respond", args=[order.pk, line.pk]),
                           {f"line-{line.pk}-decision": "accepted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="order-body"' in html and "Line 10 answered" in html
    line.refresh_from_db()
    assert line.confirmation == "accepted"


@pytest.mark.parametrize("fields, error", [
    ({"decision": "changed", "quantity": "100", "delivery_date": "2026-04-01"}, "Change the quantity or the date"),
    ({"decision": "rejected"}, "Choose why you reject"),
    ({"decision": "changed", "quantity": "0"}, "above zero"),
    ({}, "This field is required"),
])
def test_invalid_answers_show_errors_and_change_nothing(fields, error, tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-W-3", lines=1)
    line = order.lines.get()
    response = _post_line(login(tenant_a.member), order, line, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    line.refresh_from_db()
    assert line.confirmation == "pending" and not OrderResponse.objects.filter(order=order).exists()


def test_no_reject_choice_when_the_buyer_forbids_it(tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-W-4", lines=1, allow_rejection=False)
    line = order.lines.get()
    client = login(tenant_a.member)
    page = client.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    assert f'name="line-{line.pk}-decision" value="rejected"' not in page
    assert 'data-testid="no-rejection"' in page
    # a hand-made POST is refused too
    response = _post_line(client, order, line, decision="rejected", reason_code="capacity")
    assert response.status_code == 400
    line.refresh_from_db()
    assert line.confirmation == "pending"
    allowed = make_order(tenant_a, "PO-W-5", lines=1)
    page = client.get(reverse("portal:order_detail", args=[allowed.pk])).content.decode()
    assert f'name="line-{allowed.lines.get().pk}-decision" value="rejected"' in page


def test_accept_all_is_one_response(tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-W-6", lines=3)
    response = login(tenant_a.member).post(reverse("portal:order_accept_all", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CONFIRMED
    assert OrderResponse.objects.filter(order=order).count() == 1
    assert len(OrderResponse.objects.get(order=order).document["lines"]) == 3


def test_closed_orders_offer_no_confirmation(tenant_a):
    from suppliers import services
    from suppliers.audit import Actor

    order = make_order(tenant_a, "PO-W-7", lines=1)
    services.purchase_order_transition(order=order, to="cancelled", actor=Actor.system())
    client = login(tenant_a.member)
    page = client.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    assert "line-form" not in page
    line = order.lines.get()
    response = _post_line(client, order, line, decision="accepted")
    assert response.status_code == 400 and "cannot be answered any more" in response.content.decode()


def test_order_list_queries_do_not_grow_with_rows(tenant_a, django_assert_max_num_queries):
    for n in range(60):
        make_order(tenant_a, f"PO-N-{n:03d}", lines=3)
    client = login(tenant_a.member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:order_list"))
    assert response.status_code == 200 and rows(response.content.decode()).count("<tr>") == 25
    with django_assert_max_num_queries(12):
        assert client.get(reverse("portal:order_list"), {"needs": "on", "q": "P-ALPHA"}).status_code == 200


def test_order_detail_queries_do_not_grow_with_lines(tenant_a, django_assert_max_num_queries):
    order = make_order(tenant_a, "PO-BIG", lines=80)
    client = login(tenant_a.member)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("portal:order_detail", args=[order.pk]))
    assert response.content.decode().count('data-testid="line-form-') == 80

"""Console pages of planning: forecasts list, review with chart and accuracy, adjustments, publishing,
the approval queue (approve, reject with a reason) and who may do what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from suppliers.audit import Actor
from suppliers.models import Event, PurchaseOrder
from suppliers.planning.models import ForecastAdjustment, ForecastRun, ReplenishmentProposal
from suppliers.planning.services import replenishment_run
from tests.conftest import login, make_user
from tests.planning.conftest import MONDAY, TODAY, post_stock

LIST = reverse("admin:planning_partforecast_changelist")
QUEUE = reverse("admin:planning_replenishmentproposal_changelist")


def review_url(forecast) -> str:
    return reverse("admin:planning_partforecast_change", args=[forecast.pk])


def test_the_list_shows_current_forecasts_with_accuracy(buyer, forecast):
    page = login(buyer).get(LIST).content.decode()
    assert forecast.part.buyer_part_number in page and 'data-testid="latest-run"' in page
    assert f"{forecast.mase:.2f}" in page and f"{forecast.baseline_mase:.2f}" in page


def test_the_review_page_shows_history_forecast_and_backtest(buyer, forecast):
    response = login(buyer).get(review_url(forecast))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="forecast-chart"' in page and 'data-line="history"' in page and 'data-line="statistical"' in page
    assert "ETS" in page and "Seasonal naive" in page and "(chosen)" in page and "(baseline)" in page
    assert page.count('name="w-') == len(forecast.values)


def test_adjusting_weeks_from_the_review_page(buyer, forecast):
    client = login(buyer)
    week = MONDAY + timedelta(weeks=2)
    response = client.post(review_url(forecast), {f"w-{week}": "1,250", f"w-{MONDAY}": "", "note": "Trade show"})
    assert response.status_code == 302
    adjustment = ForecastAdjustment.objects.get()
    assert (adjustment.week, adjustment.quantity, adjustment.note, adjustment.updated_by) == (
        week, Decimal(1250), "Trade show", buyer)
    page = client.get(review_url(forecast)).content.decode()
    assert 'data-line="final"' in page and 'value="1250"' in page
    # clearing the field removes the adjustment
    client.post(review_url(forecast), {f"w-{week}": ""})
    assert not ForecastAdjustment.objects.exists()
    assert Event.objects.filter(verb="planning.forecast_adjusted").count() == 2


def test_a_bad_figure_is_refused_with_a_message(buyer, forecast):
    response = login(buyer).post(review_url(forecast), {f"w-{MONDAY}": "lots"})
    assert response.status_code == 400 and 'data-testid="adjust-errors"' in response.content.decode()
    assert not ForecastAdjustment.objects.exists()


def test_run_forecasts_now_queues_the_task(buyer, forecast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(buyer).post(reverse("admin:planning_partforecast_run"))
    assert response.status_code == 302
    latest = ForecastRun.objects.first()
    assert latest.pk != forecast.run_id and latest.actor_label == buyer.email
    assert login(buyer).get(reverse("admin:planning_partforecast_run")).status_code == 403  # POST only


def test_publish_page_previews_and_publishes(buyer, forecast, tenant_a):
    client = login(buyer)
    page = client.get(reverse("admin:planning_partforecast_publish")).content.decode()
    assert 'data-testid="publish-preview"' in page and tenant_a.supplier.name in page
    response = client.post(reverse("admin:planning_partforecast_publish"), {"suppliers": [tenant_a.supplier.pk]})
    assert response.status_code == 302
    version = tenant_a.supplier.forecast_versions.get()
    assert version.source == "statistical" and version.published_by == buyer


@pytest.fixture
def pending(forecast, policy, part, plant):
    post_stock(part, plant, 50)
    replenishment_run(actor=Actor.system("test"), today=TODAY)
    return ReplenishmentProposal.objects.get()


def test_the_queue_shows_pending_proposals(buyer, pending):
    page = login(buyer).get(QUEUE).content.decode()
    assert pending.part.buyer_part_number in page and f"{pending.quantity:,.0f}" in page
    detail = login(buyer).get(reverse("admin:planning_replenishmentproposal_change", args=[pending.pk]))
    assert detail.status_code == 200 and "safety stock = z × σ × √weeks" in detail.content.decode()


def test_approve_from_the_queue(buyer, pending):
    response = login(buyer).post(QUEUE, {"action": "approve", ACTION_CHECKBOX_NAME: [pending.pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "ordered" and pending.order.source == PurchaseOrder.Source.REPLENISHMENT


def test_reject_from_the_queue_asks_why(buyer, pending):
    client = login(buyer)
    form = client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [pending.pk]})
    assert form.status_code == 200 and 'data-testid="confirm-reject"' in form.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(QUEUE, {"action": "reject", ACTION_CHECKBOX_NAME: [pending.pk], "reason": "Stock at the other plant"})
    pending.refresh_from_db()
    assert pending.status == "rejected" and pending.reason == "Stock at the other plant" and pending.decided_by == buyer


def test_run_replenishment_now(buyer, forecast, policy, part, plant):
    post_stock(part, plant, 50)
    response = login(buyer).post(reverse("admin:planning_replenishmentproposal_run"))
    assert response.status_code == 302 and ReplenishmentProposal.objects.filter(status="pending").count() == 1


def test_console_front_page_counts_pending_proposals(buyer, pending):
    page = login(buyer).get(reverse("admin:index")).content.decode()
    assert 'data-testid="planning-overview"' in page and "1 replenishment order awaiting approval" in page


def test_a_quality_engineer_cannot_act(forecast, pending):
    from django.contrib.auth.models import Group

    from suppliers.roles import QUALITY_ENGINEER

    engineer = make_user("qe@tsunagi.test", staff=True)
    engineer.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    client = login(engineer)
    assert client.get(LIST).status_code == 403
    assert client.post(QUEUE, {"action": "approve", ACTION_CHECKBOX_NAME: [pending.pk]}).status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_buyer_without_publish_rights_sees_no_publish(forecast):
    from django.contrib.auth.models import Permission

    user = make_user("planner@tsunagi.test", staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="planning",
                                                         codename__in=["view_partforecast", "change_partforecast"]))
    client = login(user)
    assert 'data-testid="publish-statistical"' not in client.get(LIST).content.decode()
    assert client.get(reverse("admin:planning_partforecast_publish")).status_code == 403

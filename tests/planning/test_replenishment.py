"""Replenishment runs: autonomous parts are ordered (by EDI or the portal like any order), the
others wait for approval; every decision is audited with its inputs; a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from suppliers import services as core
from suppliers.audit import Actor
from suppliers.errors import DomainError, InvalidTransition
from suppliers.models import Event, PurchaseOrder
from suppliers.planning import selectors
from suppliers.planning.models import ReplenishmentProposal, SupplyTerms
from suppliers.planning.services import proposal_reject, proposals_approve, replenishment_run
from tests.planning.conftest import TODAY, post_stock

SYSTEM = Actor.system("replenishment")
INPUT_KEYS = {"forecast", "lead_time_days", "stock", "on_order", "reorder_point", "safety_stock", "quantity_rule",
              "position", "service_level", "z", "lead_time_demand", "quantity", "supplier"}


def run(**kwargs):
    return replenishment_run(actor=SYSTEM, today=TODAY, **kwargs)


@pytest.fixture
def low_stock(forecast, part, plant):
    post_stock(part, plant, 50)  # two weeks' demand is about 200: well below the reorder point


def test_an_autonomous_part_is_ordered_at_once(low_stock, policy, part, plant, tenant_a,
                                               django_capture_on_commit_callbacks):
    policy.autonomous = True
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = run()
    [order] = report.orders
    assert order.source == PurchaseOrder.Source.REPLENISHMENT and order.status == PurchaseOrder.Status.ISSUED
    assert order.supplier == tenant_a.supplier and order.ship_to == plant and order.currency == "USD"
    line = order.lines.get()
    proposal = ReplenishmentProposal.objects.get()
    assert proposal.status == "ordered" and proposal.order == order and proposal.autonomous
    assert line.part == part and line.quantity == proposal.quantity and line.price == Decimal("1.25")
    assert line.requested_date == TODAY + timedelta(days=14)
    assert line.supplier_part_number == tenant_a.supplier_part.supplier_part_number
    assert report.evaluations[0].outcome == "ordered"
    assert Event.objects.filter(verb="po.issued", object_id=str(order.pk)).exists()


def test_the_decision_is_audited_with_its_inputs(low_stock, policy, part, plant, forecast):
    policy.autonomous = True
    policy.save()
    run()
    proposal = ReplenishmentProposal.objects.get()
    created = Event.objects.get(verb="planning.proposal_created")
    payload = created.payload
    assert INPUT_KEYS <= set(payload) and created.object_id == str(proposal.pk)
    assert payload["stock"]["available"] == "50.000" and payload["on_order"] == "0"
    assert payload["lead_time_days"] == 14 and payload["service_level"] == 0.95
    assert payload["forecast"]["run"] == forecast.run_id and payload["forecast"]["model"] == forecast.model
    assert payload["forecast"]["sigma"] == forecast.sigma
    assert payload["reorder_point"] == pytest.approx(payload["lead_time_demand"] + payload["safety_stock"], abs=1e-2)
    assert payload["position"] == 50 and payload["quantity_rule"]["rule"] == "cover"
    released = Event.objects.get(verb="planning.order_released")
    assert released.object_id == str(proposal.order_id) and released.payload["autonomous"] is True
    assert released.payload["lines"][0]["quantity_rule"]["quantity"] == float(proposal.quantity)
    assert Event.objects.get(verb="planning.proposal_ordered").payload["inputs"]["stock"]["available"] == "50.000"
    summary = Event.objects.get(verb="planning.replenishment_run").payload
    assert summary["outcomes"] == {"ordered": 1} and summary["parts"][0]["reorder_point"] > 50


def test_an_edi_supplier_gets_the_order_as_orders(low_stock, policy, tenant_a, hub,
                                                  django_capture_on_commit_callbacks):
    from edi.models import Interchange
    from tests.edi.conftest import make_partner

    make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI")
    policy.autonomous = True
    policy.save()
    with django_capture_on_commit_callbacks(execute=True):
        [order] = run().orders
    interchange = Interchange.objects.get(direction="out", reference=f"po:{order.number}:0")
    message = interchange.messages.get()
    assert message.message_type == "ORDERS" and message.document["id"] == order.number


def test_a_part_that_needs_approval_waits_in_the_queue(low_stock, policy):
    report = run()
    assert not report.orders and report.evaluations[0].outcome == "proposed"
    proposal = selectors.pending_proposals().get()
    assert proposal.order is None and not proposal.autonomous
    assert proposal.position == 50 and proposal.reorder_point > proposal.position
    assert proposal.quantity >= proposal.reorder_point - proposal.position
    assert not PurchaseOrder.objects.filter(source=PurchaseOrder.Source.REPLENISHMENT).exists()


def test_approving_issues_the_order_for_the_buyer(low_stock, policy, buyer):
    run()
    proposal = ReplenishmentProposal.objects.get()
    [order] = proposals_approve(proposals=[proposal], actor=buyer, today=TODAY)
    proposal.refresh_from_db()
    assert proposal.status == "ordered" and proposal.order == order and proposal.decided_by == buyer
    assert order.buyer == buyer and order.status == "issued" and order.lines.get().quantity == proposal.quantity
    assert Event.objects.get(verb="planning.proposal_ordered").actor == buyer
    with pytest.raises(InvalidTransition):
        proposals_approve(proposals=[proposal], actor=buyer)


def test_rejecting_needs_a_reason(low_stock, policy, buyer):
    run()
    proposal = ReplenishmentProposal.objects.get()
    with pytest.raises(DomainError):
        proposal_reject(proposal=proposal, reason="  ", actor=buyer)
    proposal_reject(proposal=proposal, reason="Part being phased out", actor=buyer)
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.reason == "Part being phased out"
    assert Event.objects.get(verb="planning.proposal_rejected").payload["reason"] == "Part being phased out"
    assert not PurchaseOrder.objects.filter(source=PurchaseOrder.Source.REPLENISHMENT).exists()


def test_a_second_run_changes_nothing(low_stock, policy):
    policy.autonomous = True
    policy.save()
    first = run()
    second = run()
    assert len(first.orders) == 1 and not second.orders
    assert second.evaluations[0].outcome == "enough"  # the first order is on order now
    assert PurchaseOrder.objects.filter(source=PurchaseOrder.Source.REPLENISHMENT).count() == 1
    assert ReplenishmentProposal.objects.count() == 1


def test_a_pending_proposal_is_refreshed_not_duplicated(low_stock, policy, part, plant):
    run()
    post_stock(part, plant, 20)
    assert run().evaluations[0].outcome == "updated"
    proposal = ReplenishmentProposal.objects.get()
    assert proposal.position == 20
    assert Event.objects.filter(verb="planning.proposal_updated").count() == 1


def test_an_unchanged_pending_proposal_is_left_alone(low_stock, policy):
    run()
    report = run()
    assert report.evaluations[0].outcome == "waiting" and report.awaiting == 1
    assert not Event.objects.filter(verb="planning.proposal_updated").exists()


def test_a_pending_proposal_no_longer_needed_is_cancelled(low_stock, policy, part, plant):
    run()
    post_stock(part, plant, 100000)
    assert run().evaluations[0].outcome == "cancelled"
    assert ReplenishmentProposal.objects.get().status == "cancelled"


def test_enough_stock_orders_nothing(forecast, policy, part, plant):
    post_stock(part, plant, 100000)
    report = run()
    assert report.evaluations[0].outcome == "enough" and not ReplenishmentProposal.objects.exists()


def test_open_order_lines_count_as_on_order(forecast, policy, part, plant, tenant_a):
    # the tenant's first order is received in full: nothing open
    assert selectors.on_order(part_id=part.pk, plant_id=plant.pk)[0] == 0
    order = core.purchase_order_create(
        number="PO-OPEN-1", supplier=tenant_a.supplier, ship_to=plant, order_date=TODAY, actor=SYSTEM,
        lines=[core.LineInput(line_no=10, part=part, quantity=Decimal(300), price=Decimal(1),
                              requested_date=TODAY + timedelta(days=7)),
               core.LineInput(line_no=20, part=part, quantity=Decimal(40), price=Decimal(1),
                              requested_date=TODAY + timedelta(days=7))])
    first, second = order.lines.order_by("line_no")
    core.goods_receipt_create(number="GR-OPEN-1", supplier=tenant_a.supplier, plant=plant, received_on=TODAY,
                              actor=SYSTEM, lines=[core.ReceiptLineInput(line_no=1, order_line=first,
                                                                         received_quantity=Decimal(120),
                                                                         rejected_quantity=Decimal(20))])
    second.confirmation, second.rejection_reason = "rejected", "no capacity"
    second.save()
    total, lines = selectors.on_order(part_id=part.pk, plant_id=plant.pk)
    assert total == 200 and lines == [{"order": "PO-OPEN-1", "line": 10, "open": "200.000", "due": str(first.requested_date)}]
    post_stock(part, plant, 10)
    run()
    proposal = ReplenishmentProposal.objects.get()
    assert proposal.position == 210  # 10 available + 200 on order
    assert proposal.inputs["open_lines"][0]["order"] == "PO-OPEN-1"


def test_blocked_stock_is_not_available(forecast, policy, part, plant):
    post_stock(part, plant, 1000, blocked=900)
    run()
    assert ReplenishmentProposal.objects.get().position == 100


def test_minimum_and_multiple_of_the_supply_terms(low_stock, policy, tenant_a):
    SupplyTerms.objects.create(supplier_part=tenant_a.supplier_part, minimum_order_quantity=1000, order_multiple=250)
    run()
    proposal = ReplenishmentProposal.objects.get()
    assert proposal.quantity % 250 == 0 and proposal.quantity >= 1000
    assert proposal.inputs["quantity_rule"]["minimum"] == 1000.0


def test_parts_without_a_forecast_are_skipped(policy, part, plant):
    post_stock(part, plant, 0)
    report = run()
    assert report.evaluations[0].outcome == "skipped" and "forecast" in report.evaluations[0].note
    assert not ReplenishmentProposal.objects.exists()


def test_the_task_runs_on_the_analytics_queue(low_stock, policy):
    from portal.queues import concern_of
    from suppliers.planning.tasks import forecast_run
    from suppliers.planning.tasks import replenishment_run as task

    assert concern_of(task.name) == "analytics" and concern_of(forecast_run.name) == "analytics"
    assert task.delay().get()["proposed"] == 1


def test_a_proposal_released_by_another_run_is_not_ordered_twice(low_stock, policy):
    from suppliers.planning.services import _groups, _release

    run()
    proposal = ReplenishmentProposal.objects.get()
    stale = ReplenishmentProposal.objects.get()  # what a second, concurrent run had read
    proposals_approve(proposals=[proposal], actor=SYSTEM, today=TODAY)
    with pytest.raises(InvalidTransition):
        from django.db import transaction

        with transaction.atomic():
            _release(_groups([stale])[0], actor=SYSTEM, today=TODAY, decided_by=None)
    assert PurchaseOrder.objects.filter(source=PurchaseOrder.Source.REPLENISHMENT).count() == 1

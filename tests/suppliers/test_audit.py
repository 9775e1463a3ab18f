"""Audit: every write names its actor and appends an event in the same transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from suppliers import services
from suppliers.audit import Actor, event_record
from suppliers.errors import InvalidTransition
from suppliers.models import Event, PurchaseOrder
from tests.conftest import login


def test_event_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        event_record(actor=None, verb="x")


def test_event_rolls_back_with_the_change(tenant_a):
    before = Event.objects.count()
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            services.purchase_order_transition(order=tenant_a.order, to=PurchaseOrder.Status.CANCELLED,
                                               actor=Actor.partner("ACME"))
            1 / 0
    assert Event.objects.count() == before
    tenant_a.order.refresh_from_db()
    assert tenant_a.order.status == PurchaseOrder.Status.ISSUED


@pytest.mark.parametrize("actor, label", [
    (Actor.system("nightly"), "system:nightly"),
    (Actor.partner("ACME"), "edi:ACME"),
    (Actor.api("sap-prod"), "api:sap-prod"),
])
def test_event_names_the_actor(tenant_a, actor, label):
    services.purchase_order_transition(order=tenant_a.order, to=PurchaseOrder.Status.CONFIRMED, actor=actor)
    event = Event.objects.filter(verb="po.confirmed").get()
    assert event.actor_label == label and event.actor is None
    assert event.supplier == tenant_a.supplier
    assert event.payload == {"from": "issued", "to": "confirmed", "reason": ""}


def test_user_actor_is_linked(tenant_a, buyer):
    services.purchase_order_transition(order=tenant_a.order, to=PurchaseOrder.Status.CANCELLED, actor=buyer)
    event = Event.objects.get(verb="po.cancelled")
    assert event.actor == buyer and event.actor_label == buyer.email


@pytest.mark.parametrize("start, target, allowed", [
    ("draft", "issued", True), ("draft", "confirmed", False), ("issued", "confirmed", True),
    ("issued", "closed", False), ("confirmed", "issued", True), ("confirmed", "closed", True),
    ("closed", "issued", False), ("cancelled", "issued", False), ("rejected", "issued", True),
])
def test_order_status_machine(tenant_a, start, target, allowed):
    PurchaseOrder.objects.filter(pk=tenant_a.order.pk).update(status=start)
    tenant_a.order.refresh_from_db()
    if allowed:
        services.purchase_order_transition(order=tenant_a.order, to=target, actor=None)
        assert PurchaseOrder.objects.get(pk=tenant_a.order.pk).status == target
    else:
        with pytest.raises(InvalidTransition):
            services.purchase_order_transition(order=tenant_a.order, to=target, actor=None)
        assert PurchaseOrder.objects.get(pk=tenant_a.order.pk).status == start


def test_console_edit_is_audited_and_shown_in_history(tenant_a, buyer):
    client = login(buyer)
    supplier = tenant_a.supplier
    response = client.post(reverse("admin:suppliers_supplier_change", args=[supplier.pk]), {
        "code": supplier.code, "name": "Alpha Renamed", "status": "active", "edi_enabled": "on",
        "contact_email": "", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "supplier_parts-TOTAL_FORMS": "0", "supplier_parts-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(verb="supplier.changed")
    assert event.actor == buyer
    assert event.payload["fields"]["name"] == "Alpha Renamed"
    history = client.get(reverse("admin:suppliers_supplier_history", args=[supplier.pk])).content.decode()
    assert "supplier.changed" in history and "supplier.created" in history


def test_console_status_action_goes_through_the_guard(tenant_a, buyer):
    client = login(buyer)
    PurchaseOrder.objects.filter(pk=tenant_a.order.pk).update(status="closed")
    client.post(reverse("admin:suppliers_purchaseorder_changelist"),
                {"action": "mark_issued", "_selected_action": [tenant_a.order.pk]})
    assert PurchaseOrder.objects.get(pk=tenant_a.order.pk).status == "closed"  # closed is final

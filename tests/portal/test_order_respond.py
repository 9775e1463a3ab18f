"""Order responses: each submission is one canonical order_response, handed to the ERP unless it
came by EDI; the buyer's ban on rejection holds; reason codes travel with the lines."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from edi.codecs.canonical import validate_document
from suppliers import services
from suppliers.errors import DomainError
from suppliers.models import Event, OrderResponse, PurchaseOrder
from tests.portal.conftest import make_order


def _respond(order, *answers, actor, source="web"):
    return services.purchase_order_respond(order=order, responses=list(answers), actor=actor, source=source)


def test_web_response_is_recorded_and_published_once_committed(tenant_a, erp_outbox, django_capture_on_commit_callbacks):
    order = make_order(tenant_a, "PO-R-1")
    first, second = order.lines.all()
    with django_capture_on_commit_callbacks(execute=True):
        _respond(order,
                 services.LineResponse(line=first, status="accepted"),
                 services.LineResponse(line=second, status="changed", delivery_date=date(2026, 4, 15),
                                       reason="furnace maintenance", reason_code="capacity"),
                 actor=tenant_a.member)
    response = OrderResponse.objects.get(order=order)
    assert response.number == "PO-R-1-R1" and response.status == "changed" and response.source == "web"
    assert response.created_by == tenant_a.member
    doc = response.document
    assert validate_document(doc) == []
    assert [(li["line"], li["status"]) for li in doc["lines"]] == [("10", "accepted"), ("20", "changed")]
    assert doc["lines"][1]["delivery_date"] == "2026-04-15"
    assert doc["lines"][1]["reason"] == "furnace maintenance" and doc["lines"][1]["x_reason_code"] == "capacity"
    # handed to the ERP as a file, named after the response
    files = list(erp_outbox.glob("order_response-ALPHA-*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["id"] == "PO-R-1-R1"
    response.refresh_from_db()
    assert response.erp_file == files[0].name and response.published_at is not None
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CONFIRMED
    second.refresh_from_db()
    assert second.confirmation == "changed" and second.reason_code == "capacity"
    event = Event.objects.get(verb="po.responded", object_id=str(order.pk))
    assert event.payload["response"] == "PO-R-1-R1" and event.payload["lines"][1]["reason"] == "furnace maintenance"


def test_each_submission_is_its_own_response(tenant_a, erp_outbox, django_capture_on_commit_callbacks):
    order = make_order(tenant_a, "PO-R-2")
    first, second = order.lines.all()
    with django_capture_on_commit_callbacks(execute=True):
        _respond(order, services.LineResponse(line=first, status="accepted"), actor=tenant_a.member)
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.ISSUED  # a line is still pending
    with django_capture_on_commit_callbacks(execute=True):
        _respond(order, services.LineResponse(line=second, status="changed", quantity=Decimal(80)), actor=tenant_a.member)
    assert list(OrderResponse.objects.filter(order=order).order_by("pk").values_list("number", flat=True)) == [
        "PO-R-2-R1", "PO-R-2-R2"]
    assert len(list(erp_outbox.glob("order_response-*.json"))) == 2
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.CONFIRMED


def test_an_edi_response_is_recorded_but_not_published_again(tenant_a, erp_outbox, django_capture_on_commit_callbacks):
    from suppliers.audit import Actor

    order = make_order(tenant_a, "PO-R-3", lines=1)
    with django_capture_on_commit_callbacks(execute=True):
        _respond(order, services.LineResponse(line=order.lines.get(), status="changed", quantity=Decimal(90),
                                              reason="rejected by EDI order response"),
                 actor=Actor.partner("ALPHA-EDI"), source="edi")
    response = OrderResponse.objects.get(order=order)
    assert response.source == "edi" and validate_document(response.document) == []
    assert "reason" not in response.document["lines"][0]  # EDI carries no reason for a change
    assert not erp_outbox.exists() or not list(erp_outbox.iterdir())


def test_rejection_forbidden_by_the_buyer_is_refused(tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-R-4", allow_rejection=False)
    with pytest.raises(DomainError, match="does not allow rejecting"):
        _respond(order, services.LineResponse(line=order.lines.first(), status="rejected", reason="no"),
                 actor=tenant_a.member)
    assert not OrderResponse.objects.filter(order=order).exists()
    assert order.lines.first().confirmation == "pending"


def test_full_rejection_rejects_the_order(tenant_a, erp_outbox, django_capture_on_commit_callbacks):
    order = make_order(tenant_a, "PO-R-5", lines=1)
    with django_capture_on_commit_callbacks(execute=True):
        _respond(order, services.LineResponse(line=order.lines.get(), status="rejected", reason_code="end_of_life"),
                 actor=tenant_a.member)
    line = order.lines.get()
    assert line.confirmation == "rejected" and line.rejection_reason == "End of life"
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.REJECTED
    doc = OrderResponse.objects.get(order=order).document
    assert doc["status"] == "rejected" and doc["lines"][0]["reason"] == "End of life"


@pytest.mark.parametrize("answer, message", [
    ({"status": "accepted", "reason_code": "bogus"}, "Unknown reason"),
    ({"status": "maybe"}, "Unknown line status"),
    ({"status": "changed", "quantity": Decimal(-1)}, "negative"),
])
def test_bad_answers_are_refused(answer, message, tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-R-6", lines=1)
    with pytest.raises(DomainError, match=message):
        _respond(order, services.LineResponse(line=order.lines.get(), **answer), actor=tenant_a.member)


def test_cancelled_lines_cannot_be_answered_from_the_portal(tenant_a, erp_outbox):
    order = make_order(tenant_a, "PO-R-7")
    line = order.lines.first()
    line.cancelled = True
    line.save()
    with pytest.raises(DomainError, match="cancelled"):
        _respond(order, services.LineResponse(line=line, status="accepted"), actor=tenant_a.member)

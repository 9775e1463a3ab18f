"""Outbound interchanges: build from canonical documents, archive, send by the partner's transport,
and reconcile the partner's functional acknowledgements against what we sent."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from datetime import timezone as dt_timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from edi import codecs
from edi.codecs.base import InterchangeResult
from edi.files import hub_paths, sha256_of, write_atomic
from edi.models import HubSettings, Interchange, InterchangeMessage, TradingPartner
from edi.services.control import control_number_next
from edi.services.inbound import PipelineError, _move, archive_path_of, interchange_fail
from suppliers.audit import Actor, event_record
from suppliers.models import PurchaseOrder

log = logging.getLogger(__name__)
State = Interchange.State


class TransientSendError(Exception):
    """The partner could not be reached or answered 5xx: try again later."""


# --- build -----------------------------------------------------------------------------------------

def _envelope(partner: TradingPartner, number: int) -> dict[str, Any]:
    hub = HubSettings.get()
    if partner.standard == TradingPartner.Standard.X12:
        return {
            "standard": "x12", "sender": hub.x12_id, "receiver": partner.interchange_id,
            "sender_qualifier": hub.x12_qualifier or "ZZ", "receiver_qualifier": partner.qualifier or "ZZ",
            "control_number": number, "group_control": number,
            "version": "00501" if partner.is_x12_005010 else "00401",
        }
    return {
        "standard": "edifact", "sender": hub.edifact_id, "receiver": partner.interchange_id,
        "sender_qualifier": hub.edifact_qualifier or "ZZZ", "receiver_qualifier": partner.qualifier or "ZZZ",
        "control_number": str(number),
    }


def outbound_create(
    *, partner: TradingPartner, documents: list[dict[str, Any]], actor: Any, reference: str = "",
    acknowledges: Interchange | None = None,
) -> Interchange:
    """Write documents as one interchange for ``partner``, archive it and queue the send.

    ``reference`` names what is sent (``po:NUMBER:REVISION``); a second call with the same
    reference returns the first interchange instead of sending twice.
    """
    if reference:
        existing = Interchange.objects.filter(direction=Interchange.Direction.OUT, reference=reference).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        number = control_number_next(partner=partner)
        envelope = _envelope(partner, number)
        standard = envelope.pop("standard")
        docs = [{**doc, "sender": envelope["sender"], "receiver": envelope["receiver"],
                 "control_number": str(number)} for doc in documents]
        data = codecs.write(docs, standard=standard, **envelope)
        now = datetime.now(dt_timezone.utc)
        kind = docs[0]["type"] if docs else "empty"
        ext = "x12" if standard == "x12" else "edi"
        target = (hub_paths().partner(partner.code).archive / "out" / now.strftime("%Y/%m/%d")
                  / f"{now:%H%M%S}-{kind}-{number}-{uuid.uuid4().hex[:6]}.{ext}")
        write_atomic(target, data)
        digest, size = sha256_of(target)
        is_ack = all(d["type"] == "functional_ack" for d in docs)
        try:
            with transaction.atomic():
                interchange = Interchange.objects.create(
                    direction=Interchange.Direction.OUT, channel=partner.transport, partner=partner,
                    state=State.QUEUED, standard=standard, control_number=str(number),
                    sender_id=envelope["sender"], receiver_id=envelope["receiver"],
                    document_types=",".join(dict.fromkeys(d["type"] for d in docs))[:200],
                    message_count=len(docs), size=size, sha256=digest,
                    archive_path=hub_paths().relative(target), reference=reference, acknowledges=acknowledges,
                    ack_status="" if is_ack or not partner.ack else Interchange.AckStatus.PENDING,
                )
        except IntegrityError:
            target.unlink(missing_ok=True)
            return Interchange.objects.get(direction=Interchange.Direction.OUT, reference=reference)
        InterchangeMessage.objects.bulk_create(
            InterchangeMessage(interchange=interchange, index=i, message_type=_message_type(standard, d),
                               document_type=d["type"], document_id=str(d.get("id", ""))[:70], document=d,
                               state=InterchangeMessage.State.PROCESSED)
            for i, d in enumerate(docs)
        )
        event_record(actor=actor, verb="interchange.queued", obj=interchange, supplier=partner.supplier,
                     payload={"documents": interchange.document_types, "control_number": str(number),
                              "reference": reference})
        from edi.tasks import send_interchange

        pk = interchange.pk
        transaction.on_commit(lambda: send_interchange.delay(pk))
    return interchange


def _message_type(standard: str, doc: dict[str, Any]) -> str:
    kind = doc["type"]
    change = kind == "purchase_order" and doc.get("purpose") in ("change", "cancel")
    if standard == "x12":
        return {"purchase_order": "860" if change else "850", "order_response": "855", "despatch_advice": "856",
                "delivery_schedule": "830", "invoice": "810", "functional_ack": "997"}[kind]
    return {"purchase_order": "ORDCHG" if change else "ORDERS", "order_response": "ORDRSP",
            "despatch_advice": "DESADV", "delivery_schedule": "DELFOR", "invoice": "INVOIC",
            "functional_ack": "CONTRL", "quality_notice": "QALITY"}[kind]


def outbound_acknowledgement(
    *, inbound: Interchange, partner: TradingPartner, result: InterchangeResult, standard: str,
) -> Interchange:
    """The CONTRL / 997 / 999 answering an inbound interchange, queued to the partner."""
    if standard == "x12":
        version = "00501" if (partner.is_x12_005010 or (result.envelope.syntax or "").startswith("005")) else "00401"
        from edi.codecs.x12 import ack_for

        docs = ack_for(result, version=version)
    else:
        from edi.codecs.edifact import contrl_for

        docs = [contrl_for(result)]
    docs = [d for d in docs if d]
    return outbound_create(partner=partner, documents=docs, actor=Actor.system("edi"),
                           reference=f"ack:{inbound.pk}", acknowledges=inbound)


# --- purchase orders -------------------------------------------------------------------------------

def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def purchase_order_document(order: PurchaseOrder, *, purpose: str) -> dict[str, Any]:
    """The canonical ``purchase_order`` for an order as it stands."""
    lines = []
    for line in order.lines.select_related("part").order_by("line_no"):
        if line.cancelled and purpose == "original":
            continue
        item: dict[str, Any] = {
            "line": str(line.line_no), "buyer_part": line.part.buyer_part_number,
            "quantity": _decimal(line.quantity), "unit": line.unit, "price": _decimal(line.price),
            "delivery_date": line.requested_date.isoformat(),
        }
        if line.supplier_part_number:
            item["supplier_part"] = line.supplier_part_number
        if line.part.description:
            item["description"] = line.part.description[:70]
        if purpose == "change":
            item["action"] = "cancel" if line.cancelled else "change"
        lines.append(item)
    ship_to = order.ship_to
    return {
        "type": "purchase_order", "id": order.number, "issued": order.order_date.isoformat(),
        "purpose": purpose, "revision": order.revision, "currency": order.currency,
        "supplier": {"id": order.supplier.code, "name": order.supplier.name[:70]},
        "ship_to": {"id": ship_to.gln or ship_to.code, "name": ship_to.name[:70]},
        "lines": lines,
    }


def purchase_order_dispatch(*, order_id: int, revision: int) -> Interchange | None:
    """Send an issued order (or a new revision, or its cancellation) to the supplier's EDI partner."""
    order = PurchaseOrder.objects.select_related("supplier", "ship_to").get(pk=order_id)
    partner = TradingPartner.objects.filter(supplier=order.supplier, is_active=True).order_by("pk").first()
    if partner is None:
        return None  # a portal supplier: it reads the order in the browser
    if order.status == PurchaseOrder.Status.CANCELLED:
        purpose, reference = "cancel", f"po:{order.number}:cancel"
    elif order.revision != revision or order.status not in (PurchaseOrder.Status.ISSUED,):
        return None  # superseded before this task ran; the newer revision has its own task
    else:
        first = not Interchange.objects.filter(direction="out", partner=partner,
                                               reference__startswith=f"po:{order.number}:").exists()
        purpose, reference = ("original" if first else "change"), f"po:{order.number}:{revision}"
    document = purchase_order_document(order, purpose=purpose)
    return outbound_create(partner=partner, documents=[document], actor=Actor.system("edi"), reference=reference)


# --- send ------------------------------------------------------------------------------------------

def interchange_send(*, interchange_id: int) -> Interchange:
    """Deliver a queued outbound interchange by its partner's transport. Idempotent."""
    interchange = Interchange.objects.select_related("partner", "partner__supplier").get(pk=interchange_id)
    if interchange.direction != Interchange.Direction.OUT or interchange.state != State.QUEUED:
        return interchange
    partner = interchange.partner
    data_path = archive_path_of(interchange)
    if partner.transport == TradingPartner.Transport.FILEDROP:
        return _send_filedrop(interchange, data_path)
    from edi.services.as2 import as2_send

    return as2_send(interchange=interchange, data_path=data_path)


def outbound_file_name(interchange: Interchange) -> str:
    ext = "x12" if interchange.standard == "x12" else "edi"
    kind = (interchange.document_types.split(",")[0] or "interchange").replace("_", "-")
    return f"{interchange.partner.code}-{kind}-{interchange.control_number}.{ext}"


def _send_filedrop(interchange: Interchange, data_path: Path) -> Interchange:
    dirs = hub_paths().partner(interchange.partner.code).ensure()
    with open(data_path, "rb") as fh:
        write_atomic(dirs.outbox / outbound_file_name(interchange), fh)
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        if interchange.state == State.QUEUED:
            interchange.attempts += 1
            _move(interchange, State.DELIVERED)
    return interchange


def interchange_resend(*, interchange: Interchange, actor: Any) -> Interchange:
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        if not interchange.can_transition_to(State.QUEUED):
            raise PipelineError(f"an outbound interchange in state {interchange.state} cannot be sent again")
        current = interchange.state
        interchange.state, interchange.error, interchange.attempts = State.QUEUED, "", 0
        interchange.save()
        event_record(actor=actor, verb="interchange.resend", obj=interchange, supplier=interchange.partner.supplier,
                     payload={"from": current})
        from edi.tasks import send_interchange

        pk = interchange.pk
        transaction.on_commit(lambda: send_interchange.delay(pk))
    return interchange


def send_failed(*, interchange_id: int, error: str) -> None:
    interchange = Interchange.objects.get(pk=interchange_id)
    if interchange.state in (State.QUEUED, State.SENT):
        interchange_fail(interchange=interchange, error=error)


# --- functional acknowledgements -------------------------------------------------------------------

def reconcile_acknowledgement(*, inbound: Interchange, document: dict[str, Any]) -> Interchange:
    """Record a partner's CONTRL / 997 / 999 on the outbound interchange it acknowledges."""
    from edi.services.mapping import MappingError

    acknowledged = str(document.get("acknowledged") or "").lstrip("0") or "0"
    candidates = Interchange.objects.filter(direction=Interchange.Direction.OUT, partner=inbound.partner)
    outbound = None
    for candidate in candidates.filter(control_number__endswith=acknowledged).order_by("-pk")[:20]:
        if candidate.control_number.lstrip("0") == acknowledged:
            outbound = candidate
            break
    if outbound is None:
        raise MappingError(f"acknowledges control number {document.get('acknowledged')!r}, which was never sent "
                           f"to {inbound.partner.code}")
    status = document.get("status", "")
    errors = list(document.get("errors") or [])
    for message in document.get("messages") or []:
        for error in message.get("errors") or []:
            errors.append({**error, "message_ref": message.get("ref"), "message_type": message.get("type")})
    with transaction.atomic():
        outbound = Interchange.objects.select_for_update().get(pk=outbound.pk)
        outbound.ack_status = status
        outbound.issues = errors
        outbound.save(update_fields=["ack_status", "issues", "updated_at"])
        event_record(actor=Actor.partner(inbound.partner.code), verb=f"interchange.ack_{status}", obj=outbound,
                     supplier=inbound.partner.supplier,
                     payload={"acknowledgement": inbound.pk, "errors": errors[:20]})
        if status in ("rejected", "partially_accepted"):
            from edi.services.notify import notify_rejected_by_partner

            notify_rejected_by_partner(outbound)
    return outbound



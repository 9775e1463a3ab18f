"""Canonical documents into the domain: what each inbound document does to Tsunagi's records.

The partner decides the supplier: a document can only touch its own supplier's orders, whatever
party ids it carries. Each mapping is idempotent (the same document twice changes nothing the
second time) and hands the document to the ERP as a canonical JSON file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from edi.models import Interchange, InterchangeMessage
from edi.services.erp import erp_outbox_write
from suppliers import services as domain
from suppliers.audit import Actor
from suppliers.errors import DomainError
from suppliers.models import DespatchAdvice, Plant, PurchaseOrder, PurchaseOrderLine, Supplier


class MappingError(Exception):
    """The document is valid EDI but cannot be applied (unknown order, wrong supplier...)."""


@dataclass
class Outcome:
    mapped: bool
    note: str = ""
    object_type: str = ""
    object_id: str = ""
    erp_file: str = ""


def map_document(*, interchange: Interchange, message: InterchangeMessage) -> Outcome:
    doc = message.document or {}
    handler = HANDLERS.get(doc.get("type", ""))
    if handler is None:
        return Outcome(False, f"{message.message_type} messages are not mapped")
    try:
        return handler(interchange, message, doc)
    except DomainError as exc:
        raise MappingError(str(exc)) from exc
    except (InvalidOperation, ValueError, KeyError) as exc:
        raise MappingError(f"{type(exc).__name__}: {exc}") from exc


def _supplier(interchange: Interchange) -> Supplier:
    if interchange.partner_id is None:
        raise MappingError("the interchange has no trading partner, so no supplier")
    return interchange.partner.supplier


def _actor(interchange: Interchange) -> Actor:
    return Actor.partner(interchange.partner.code) if interchange.partner_id else Actor.system("erp")


def _order(supplier: Supplier, number: str) -> PurchaseOrder:
    order = PurchaseOrder.objects.filter(supplier=supplier, number=number).exclude(status="draft").first()
    if order is None:
        raise MappingError(f"purchase order {number!r} is not an order of {supplier.code}")
    return order


def _order_lines(order: PurchaseOrder) -> list[PurchaseOrderLine]:
    """The order's lines, loaded once per order object (a document names many lines of one order)."""
    cached = getattr(order, "_mapping_lines", None)
    if cached is None:
        cached = order._mapping_lines = list(order.lines.select_related("part"))
    return cached


def _order_line(order: PurchaseOrder, line: dict[str, Any], *, key: str = "line") -> PurchaseOrderLine:
    ref = str(line.get(key) or "").strip()
    lines = _order_lines(order)
    if ref:
        for candidate in lines:
            if str(candidate.line_no) == ref.lstrip("0") or str(candidate.line_no) == ref:
                return candidate
    part = line.get("buyer_part")
    matches = [c for c in lines if part and c.part.buyer_part_number == part and not c.cancelled]
    if len(matches) == 1:
        return matches[0]
    raise MappingError(f"order {order.number} has no line {ref or '?'} for part {part or '?'}")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- despatch advice → DespatchAdvice ------------------------------------------------------------

def _despatch_advice(interchange: Interchange, message: InterchangeMessage, doc: dict[str, Any]) -> Outcome:
    supplier = _supplier(interchange)
    number = str(doc.get("id") or "").strip()
    if not number:
        raise MappingError("the despatch advice has no number")
    existing = DespatchAdvice.objects.filter(supplier=supplier, number=number).first()
    if existing is None:
        packages, package_of = _packages(doc)
        inputs = []
        orders: dict[str, PurchaseOrder] = {}
        for n, line in enumerate(doc.get("lines") or [], start=1):
            po_number = line.get("order") or doc.get("order")
            if not po_number:
                raise MappingError(f"line {line.get('line', n)} names no purchase order")
            order = orders.get(po_number) or orders.setdefault(po_number, _order(supplier, po_number))
            order_line = _order_line(order, line, key="order_line")
            quantity = Decimal(line["quantity"])
            inputs.append(domain.AsnLineInput(
                line_no=n, order_line=order_line, quantity=quantity,
                lots=[(line["lot"], quantity)] if line.get("lot") else None,
                serials=list(line.get("serials") or []) or None,
                package_sscc=package_of.get(str(line.get("line", "")), ""),
            ))
        if not inputs:
            raise MappingError("the despatch advice has no lines")
        first_order = next(iter(orders.values()))
        ship_to = _plant((doc.get("ship_to") or {}).get("id")) or first_order.ship_to
        shipped = _date(doc.get("shipped")) or _date(doc.get("issued"))
        if shipped is None:
            raise MappingError("the despatch advice has neither a ship date nor an issue date")
        carrier = doc.get("carrier") or {}
        existing = domain.despatch_advice_create(
            supplier=supplier, number=number, ship_to=ship_to, ship_date=shipped,
            expected_delivery=_date(doc.get("expected_delivery")),
            carrier=str(carrier.get("name") or carrier.get("id") or "")[:70],
            tracking_number=str(doc.get("tracking") or "")[:70], lines=inputs, packages=packages,
            source=DespatchAdvice.Source.EDI, actor=_actor(interchange),
        )
        note = ""
    else:
        note = f"ASN {number} was already recorded"
    return Outcome(True, note, "despatchadvice", str(existing.pk), _handoff(interchange, message, doc))


def _packages(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Packages with an SSCC, parents first, and the SSCC each line is packed in."""
    by_id = {str(p.get("id")): p for p in doc.get("packages") or []}
    out: list[dict[str, Any]] = []
    package_of: dict[str, str] = {}
    seen: set[str] = set()

    def add(pkg: dict[str, Any]) -> None:
        sscc = pkg.get("sscc")
        if not sscc or sscc in seen:
            return
        parent = by_id.get(str(pkg.get("parent"))) if pkg.get("parent") else None
        if parent is not None:
            add(parent)
        seen.add(sscc)
        kind = str(pkg.get("type") or "").lower()
        out.append({"sscc": sscc, "type": "pallet" if kind in ("pallet", "pl", "201", "pal") else "carton",
                    "parent": parent.get("sscc") if parent else ""})
        for line in pkg.get("lines") or []:
            package_of.setdefault(str(line), sscc)

    for pkg in by_id.values():
        add(pkg)
    return out, package_of


def _plant(ident: str | None) -> Plant | None:
    if not ident:
        return None
    return Plant.objects.filter(code=ident).first() or Plant.objects.filter(gln=ident).first()


# --- order response → PO line confirmations -------------------------------------------------------

def _order_response(interchange: Interchange, message: InterchangeMessage, doc: dict[str, Any]) -> Outcome:
    supplier = _supplier(interchange)
    order = _order(supplier, str(doc.get("order") or ""))
    responses = []
    lines = doc.get("lines") or []
    if not lines:
        status = doc.get("status")
        if status not in ("accepted", "rejected"):
            raise MappingError("a changed order response must list its lines")
        responses = [domain.LineResponse(line=li, status=status, reason="rejected by EDI order response")
                     for li in order.lines.filter(cancelled=False)]
    for line in lines:
        order_line = _order_line(order, line)
        responses.append(domain.LineResponse(
            line=order_line, status=line.get("status") or doc.get("status") or "accepted",
            quantity=Decimal(line["quantity"]) if line.get("quantity") not in (None, "") else None,
            delivery_date=_date(line.get("delivery_date")),
            reason=str(line.get("reason") or "rejected by EDI order response"),
        ))
    domain.purchase_order_respond(order=order, responses=responses, actor=_actor(interchange), source="edi")
    return Outcome(True, "", "purchaseorder", str(order.pk), _handoff(interchange, message, doc))


# --- invoice → Invoice ----------------------------------------------------------------------------

def _invoice(interchange: Interchange, message: InterchangeMessage, doc: dict[str, Any]) -> Outcome:
    invoice, created = domain.invoice_record(supplier=_supplier(interchange), document=doc, actor=_actor(interchange))
    note = "" if created else f"invoice {invoice.number} was already recorded"
    return Outcome(True, note, "invoice", str(invoice.pk), _handoff(interchange, message, doc))


# --- functional acknowledgement → reconcile our outbound --------------------------------------------

def _functional_ack(interchange: Interchange, message: InterchangeMessage, doc: dict[str, Any]) -> Outcome:
    from edi.services.outbound import reconcile_acknowledgement

    outbound = reconcile_acknowledgement(inbound=interchange, document=doc)
    return Outcome(True, "", "interchange", str(outbound.pk))


# --- purchase orders: from the ERP only -------------------------------------------------------------

def _purchase_order(interchange: Interchange, message: InterchangeMessage, doc: dict[str, Any]) -> Outcome:
    if interchange.direction == Interchange.Direction.IN and interchange.channel != Interchange.Channel.ERP:
        return Outcome(False, "purchase orders come from the ERP; one received from a supplier is not applied")
    result = domain.purchase_order_upsert(document=doc, actor=Actor.system("erp"), source=PurchaseOrder.Source.ERP_FILE)
    note = "created" if result.created else ("replaced by a newer revision" if result.changed else "unchanged")
    return Outcome(True, note, "purchaseorder", str(result.order.pk))


def _handoff(interchange: Interchange, message: InterchangeMessage, doc: dict[str, Any]) -> str:
    return erp_outbox_write(document=doc, interchange=interchange, index=message.index)


HANDLERS: dict[str, Callable[[Interchange, InterchangeMessage, dict[str, Any]], Outcome]] = {
    "despatch_advice": _despatch_advice,
    "order_response": _order_response,
    "invoice": _invoice,
    "functional_ack": _functional_ack,
    "purchase_order": _purchase_order,
}

"""Canonical documents (docs/canonical.md) built from what suppliers did in the portal.

A web confirmation is an ``order_response`` and a web ASN a ``despatch_advice``, the same shapes
an EDI partner's ORDRSP/855 and DESADV/856 become, so the ERP reads one format whatever the
channel. Both pass ``edi.codecs.canonical.validate_document``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from suppliers.models import DespatchAdvice, OrderResponse, PurchaseOrder, PurchaseOrderLine


def _buyer_id() -> str:
    return getattr(settings, "BUYER_PARTY_ID", "TSUNAGI")


def _dec(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _party(ident: str, name: str = "") -> dict[str, str]:
    party = {"id": ident[:35]}
    if name:
        party["name"] = name[:70]
    return party


def _parts(line: PurchaseOrderLine) -> dict[str, str]:
    out = {"buyer_part": line.part.buyer_part_number}
    if line.supplier_part_number:
        out["supplier_part"] = line.supplier_part_number
    if line.part.description:
        out["description"] = line.part.description[:70]
    return out


def order_response_document(
    *, response: OrderResponse, order: PurchaseOrder, answered: list[tuple[PurchaseOrderLine, str]],
) -> dict[str, Any]:
    """``answered``: the lines of this submission, as saved, each with the supplier's reason text."""
    lines = []
    for line, reason in answered:
        item: dict[str, Any] = {"line": str(line.line_no), **_parts(line), "status": line.confirmation}
        if line.confirmed_quantity is not None:
            item["quantity"] = _dec(line.confirmed_quantity)
        item["unit"] = line.unit
        if line.confirmed_date:
            item["delivery_date"] = line.confirmed_date.isoformat()
        if reason:
            item["reason"] = reason[:200]
        if line.reason_code:
            item["x_reason_code"] = line.reason_code
        lines.append(item)
    return {
        "type": "order_response",
        "id": response.number,
        "issued": timezone.localdate().isoformat(),
        "sender": order.supplier.code,
        "receiver": _buyer_id(),
        "control_number": str(response.pk),
        "order": order.number,
        "status": response.status,
        "buyer": _party(_buyer_id()),
        "supplier": _party(order.supplier.code, order.supplier.name),
        "lines": lines,
        "x_revision": order.revision,
        "x_source": response.source,
    }


def despatch_advice_document(*, advice: DespatchAdvice) -> dict[str, Any]:
    """One canonical line per lot (the canonical line has one ``lot``); packages by SSCC."""
    lines: list[dict[str, Any]] = []
    package_lines: dict[int, list[str]] = {}
    orders = set()
    for asn_line in advice.lines.select_related("order_line__order", "order_line__part", "package").prefetch_related(
        "lots", "serials"
    ):
        order_line = asn_line.order_line
        orders.add(order_line.order.number)
        lots = list(asn_line.lots.all()) or [None]
        serials = [s.serial for s in asn_line.serials.all()]
        for i, lot in enumerate(lots):
            number = str(len(lines) + 1)
            item: dict[str, Any] = {
                "line": number, **_parts(order_line),
                "quantity": _dec(lot.quantity if lot is not None else asn_line.quantity),
                "unit": asn_line.unit, "order": order_line.order.number, "order_line": str(order_line.line_no),
            }
            if lot is not None:
                item["lot"] = lot.lot
            if serials and i == 0:
                item["serials"] = serials
            lines.append(item)
            if asn_line.package_id:
                package_lines.setdefault(asn_line.package_id, []).append(number)
    packages = []
    for pkg in advice.packages.all():
        entry: dict[str, Any] = {"id": str(pkg.pk), "sscc": pkg.sscc, "type": pkg.package_type}
        if pkg.parent_id:
            entry["parent"] = str(pkg.parent_id)
        if package_lines.get(pkg.pk):
            entry["lines"] = package_lines[pkg.pk]
        packages.append(entry)
    doc: dict[str, Any] = {
        "type": "despatch_advice",
        "id": advice.number,
        "issued": (advice.submitted_at or timezone.now()).date().isoformat(),
        "sender": advice.supplier.code,
        "receiver": _buyer_id(),
        "control_number": str(advice.pk),
        "shipped": advice.ship_date.isoformat(),
        "supplier": _party(advice.supplier.code, advice.supplier.name),
        "buyer": _party(_buyer_id()),
        "ship_to": _party(advice.ship_to.code, advice.ship_to.name),
        "lines": lines,
        "packages": packages,
        "x_source": advice.source,
    }
    if advice.expected_delivery:
        doc["expected_delivery"] = advice.expected_delivery.isoformat()
    if len(orders) == 1:
        doc["order"] = next(iter(orders))
    if advice.carrier:
        doc["carrier"] = {"name": advice.carrier[:70]}
    if advice.tracking_number:
        doc["tracking"] = advice.tracking_number[:35]
    return doc

"""Canonical invoices (docs/canonical.md) built from recorded invoices, for the ERP feed.

ASNs and order responses are built by ``suppliers.documents`` (the portal's builders).

Whatever channel a document came by (portal, EDI, API), the ERP gets the same shape, built from
what was recorded. Header fields an EDI envelope would carry are filled with the hub's view:
``sender`` is the supplier's code, ``receiver`` the buyer (``TSUNAGI``), ``control_number`` the
record's id. ``x_tsunagi`` carries where it came from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from suppliers.models import Invoice

RECEIVER = "TSUNAGI"


def _dec(value: Decimal | None) -> str:
    if value is None:
        return "0"
    text = format(value.normalize(), "f")
    return text


def _party(code: str, name: str = "") -> dict[str, str]:
    party = {"id": code[:35]}
    if name:
        party["name"] = name[:70]
    return party


def _header(kind: str, ident: str, issued, supplier_code: str, pk: int) -> dict[str, Any]:
    return {
        "type": kind, "id": ident[:35], "issued": issued.isoformat(), "sender": supplier_code[:35],
        "receiver": RECEIVER, "control_number": str(pk)[:14],
    }


def invoice_document(invoice: Invoice) -> dict[str, Any]:
    doc = _header("invoice", invoice.number, invoice.invoice_date, invoice.supplier.code, invoice.pk)
    doc["kind"] = invoice.kind
    if invoice.order_id:
        doc["order"] = invoice.order.number
    doc["currency"] = invoice.currency
    doc["total"] = _dec(invoice.total)
    if invoice.tax:
        doc["tax"] = _dec(invoice.tax)
    doc["supplier"] = _party(invoice.supplier.code, invoice.supplier.name)
    out = []
    for li in invoice.lines.select_related("order_line__order").all():
        line: dict[str, Any] = {"line": li.line_no or str(len(out) + 1), "quantity": _dec(li.quantity)}
        if li.buyer_part:
            line["buyer_part"] = li.buyer_part
        if li.price is not None:
            line["price"] = _dec(li.price)
        if li.amount is not None:
            line["amount"] = _dec(li.amount)
        if li.order_line_id:
            line["order"] = li.order_line.order.number
        out.append(line)
    doc["lines"] = out
    doc["x_tsunagi"] = {"source": invoice.source, "supplier": invoice.supplier.code, "invoice": invoice.pk}
    return doc

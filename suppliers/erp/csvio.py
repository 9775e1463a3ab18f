"""CSV import and export of purchase orders and goods receipts, for ERPs that only do spreadsheets.

One row per line. Importing groups rows by PO (or receipt) number and applies each group with
the same service as the API (``purchase_order_upsert``, ``goods_receipt_post``), each in its own
transaction: one bad order is reported with its row numbers and does not stop the others.
The columns are in docs/api.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Iterator

from django.db.models import QuerySet

from suppliers import services as domain
from suppliers.audit import Actor
from suppliers.erp.services import goods_receipt_post, purchase_order_document_prepare
from suppliers.errors import DomainError
from suppliers.models import GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine

PO_COLUMNS = ["po_number", "revision", "supplier", "ship_to", "order_date", "currency", "line", "buyer_part",
              "supplier_part", "quantity", "unit", "price", "requested_date"]
PO_EXPORT_COLUMNS = PO_COLUMNS + ["status", "confirmation", "confirmed_quantity", "confirmed_date", "cancelled"]
RECEIPT_COLUMNS = ["receipt_number", "supplier", "plant", "received_on", "asn", "line", "po_number", "po_line",
                   "asn_line", "lot", "received_quantity", "rejected_quantity"]
MAX_ROWS = 100_000


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def purchase_orders_csv(lines: QuerySet[PurchaseOrderLine]) -> Iterator[str]:
    def rows():
        for li in lines.select_related("order__supplier", "order__ship_to", "part").iterator(chunk_size=2000):
            o = li.order
            yield [o.number, o.revision, o.supplier.code, o.ship_to.code, o.order_date, o.currency, li.line_no,
                   li.part.buyer_part_number, li.supplier_part_number, li.quantity, li.unit, li.price,
                   li.requested_date, o.status, li.confirmation, li.confirmed_quantity, li.confirmed_date,
                   "yes" if li.cancelled else ""]

    return _rows(PO_EXPORT_COLUMNS, rows())


def goods_receipts_csv(lines: QuerySet[GoodsReceiptLine]) -> Iterator[str]:
    def rows():
        for li in lines.select_related("receipt__supplier", "receipt__plant", "receipt__advice", "order_line__order",
                                       "advice_line").iterator(chunk_size=2000):
            r = li.receipt
            yield [r.number, r.supplier.code, r.plant.code, r.received_on, r.advice.number if r.advice_id else "",
                   li.line_no, li.order_line.order.number, li.order_line.line_no,
                   li.advice_line.line_no if li.advice_line_id else "", li.lot, li.received_quantity,
                   li.rejected_quantity]

    return _rows(RECEIPT_COLUMNS, rows())


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # {"number", "rows", "error"}

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "changed": self.changed, "unchanged": self.unchanged, "errors": self.errors}


class CsvError(DomainError):
    """The file is not a CSV with the expected columns."""


def _read(text: str, required: list[str]) -> tuple[list[tuple[int, dict[str, str]]], bool]:
    """The rows (with their line numbers in the file) and whether ``,`` is the decimal mark.

    Spreadsheets that save with ``;`` between fields are those of locales that write decimals
    with a comma; with ``,`` or tab between fields, ``.`` is the decimal mark and ``,`` groups
    thousands."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    # newline="": line ends are the csv module's to read (a lone CR is one, as in a file opened
    # the way the csv documentation asks); a header the module cannot read is the sender's error
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise CsvError(f"unreadable CSV: {exc}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvError(f"missing column(s): {', '.join(missing)}")
    reader.fieldnames = header
    rows = []
    try:
        for n, row in enumerate(reader, start=2):
            if n > MAX_ROWS + 1:
                raise CsvError(f"more than {MAX_ROWS} rows")
            rows.append((n, {k: (v or "").strip() for k, v in row.items() if k is not None}))
    except csv.Error as exc:
        raise CsvError(f"unreadable CSV: {exc}") from None
    return [(n, row) for n, row in rows if any(row.values())], dialect.delimiter == ";"


def _grouped(rows: list[tuple[int, dict[str, str]]], key: str) -> dict[str, list[tuple[int, dict[str, str]]]]:
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for n, row in rows:
        groups.setdefault(row[key], []).append((n, row))
    return groups


def _decimal(value: str, what: str, comma: bool = False) -> str:
    text = value.replace(".", "").replace(",", ".") if comma else value.replace(",", "")
    try:
        number = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        raise DomainError(f"{what} {value!r} is not a number") from None
    if not number.is_finite():
        raise DomainError(f"{what} {value!r} is not a number")
    return format(number, "f")


def _iso(value: str, what: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise DomainError(f"{what} {value!r} is not a date YYYY-MM-DD") from None


def purchase_orders_import(*, text: str, actor: Actor) -> ImportReport:
    report = ImportReport()
    rows_in, comma = _read(text, PO_COLUMNS)
    for number, group in _grouped(rows_in, "po_number").items():
        rows = [n for n, _row in group]
        try:
            if not number:
                raise DomainError("po_number is empty")
            head = group[0][1]
            for _n, row in group:
                for col in ("revision", "supplier", "ship_to", "order_date", "currency"):
                    if row[col] != head[col]:
                        raise DomainError(f"{col} differs between the lines of one order")
            revision = head["revision"] or "0"
            if not revision.isdigit() or len(revision) > 9:
                raise DomainError(f"revision {revision!r} is not a whole number")
            document = {
                "type": "purchase_order", "id": number[:35], "revision": int(revision), "purpose": "original",
                "issued": _iso(head["order_date"], "order_date"), "supplier": {"id": head["supplier"]},
                "ship_to": {"id": head["ship_to"]}, "lines": [],
            }
            if head["currency"]:
                document["currency"] = head["currency"].upper()
            for _n, row in group:
                document["lines"].append({k: v for k, v in {
                    "line": row["line"], "buyer_part": row["buyer_part"], "supplier_part": row["supplier_part"],
                    "quantity": _decimal(row["quantity"], "quantity", comma), "unit": row["unit"],
                    "price": _decimal(row["price"] or "0", "price", comma),
                    "delivery_date": _iso(row["requested_date"], "requested_date"),
                }.items() if v})
            document, errors = purchase_order_document_prepare(document, sender="csv")
            if errors:
                raise DomainError("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
            result = domain.purchase_order_upsert(document=document, actor=actor, source=PurchaseOrder.Source.ERP_FILE)
        except DomainError as exc:
            report.errors.append({"number": number, "rows": rows, "error": str(exc)})
            continue
        (report.created if result.created else report.changed if result.changed else report.unchanged).append(number)
    return report


def goods_receipts_import(*, text: str, actor: Actor) -> ImportReport:
    report = ImportReport()
    rows_in, comma = _read(text, RECEIPT_COLUMNS)
    for number, group in _grouped(rows_in, "receipt_number").items():
        rows = [n for n, _row in group]
        try:
            if not number:
                raise DomainError("receipt_number is empty")
            head = group[0][1]
            data: dict[str, Any] = {
                "number": number[:35], "supplier": head["supplier"], "plant": head["plant"],
                "received_on": _iso(head["received_on"], "received_on"), "asn": head["asn"] or None, "lines": [],
            }
            for n, row in group:
                for col in ("po_line", "line", "asn_line"):
                    if row[col] and not row[col].isdigit():
                        raise DomainError(f"row {n}: {col} {row[col]!r} is not a whole number")
                if not row["po_line"]:
                    raise DomainError(f"row {n}: po_line is empty")
                line: dict[str, Any] = {
                    "order": row["po_number"], "order_line": int(row["po_line"]), "lot": row["lot"],
                    "received_quantity": _decimal(row["received_quantity"], "received_quantity", comma),
                    "rejected_quantity": _decimal(row["rejected_quantity"] or "0", "rejected_quantity", comma),
                }
                if row["line"]:
                    line["line"] = int(row["line"])
                if row["asn_line"]:
                    line["asn_line"] = int(row["asn_line"])
                data["lines"].append(line)
            result = goods_receipt_post(data=data, actor=actor)
        except (DomainError, KeyError) as exc:
            report.errors.append({"number": number, "rows": rows, "error": str(exc)})
            continue
        (report.created if result.created else report.unchanged).append(number)
    return report

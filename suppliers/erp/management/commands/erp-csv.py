"""python manage.py erp-csv import-orders FILE | export-orders [-o FILE] | import-receipts FILE | export-receipts

CSV hand-off for ERPs that only do spreadsheets; the same columns and rules as the API's
/api/v1/purchase-orders/import.csv and /export.csv (docs/api.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suppliers.audit import Actor
from suppliers.erp import csvio
from suppliers.models import GoodsReceiptLine, PurchaseOrderLine


class Command(BaseCommand):
    help = "Import or export purchase orders and goods receipts as CSV (one row per line)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("import-orders", "import-receipts"):
            sub.add_parser(name).add_argument("file", help="CSV file, or - for standard input")
        export_orders = sub.add_parser("export-orders")
        export_orders.add_argument("-o", "--output", default="-")
        export_orders.add_argument("--status", default="")
        export_orders.add_argument("--supplier", default="")
        export_receipts = sub.add_parser("export-receipts")
        export_receipts.add_argument("-o", "--output", default="-")
        export_receipts.add_argument("--since", default="")

    def handle(self, *args, action: str, **options):
        actor = Actor.system("erp-csv")
        if action.startswith("import"):
            source = options["file"]
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
            importer = csvio.purchase_orders_import if action == "import-orders" else csvio.goods_receipts_import
            try:
                report = importer(text=text, actor=actor)
            except csvio.CsvError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"created {len(report.created)}, changed {len(report.changed)}, "
                              f"unchanged {len(report.unchanged)}, failed {len(report.errors)}")
            for error in report.errors:
                self.stderr.write(f"{error['number']} (rows {', '.join(map(str, error['rows']))}): {error['error']}")
            if report.errors:
                raise CommandError(f"{len(report.errors)} could not be imported")
            return
        if action == "export-orders":
            lines = PurchaseOrderLine.objects.exclude(order__status="draft").order_by("order__number", "line_no")
            if options["status"]:
                lines = lines.filter(order__status=options["status"])
            if options["supplier"]:
                lines = lines.filter(order__supplier__code=options["supplier"])
            rows = csvio.purchase_orders_csv(lines)
        else:
            lines = GoodsReceiptLine.objects.order_by("receipt__number", "line_no")
            if options["since"]:
                lines = lines.filter(receipt__received_on__gte=options["since"])
            rows = csvio.goods_receipts_csv(lines)
        out = self.stdout if options["output"] == "-" else open(options["output"], "w", encoding="utf-8", newline="")
        try:
            for row in rows:
                out.write(row, ending="") if out is self.stdout else out.write(row)
        finally:
            if out is not self.stdout:
                out.close()

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suppliers.models.catalog import CURRENCY_REGEX, Part
from suppliers.models.orders import PurchaseOrder, PurchaseOrderLine
from suppliers.models.supplier import Supplier


class Invoice(models.Model):
    """A supplier's invoice (or credit note), as received by EDI or the API, kept for matching."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Source(models.TextChoices):
        EDI = "edi", _("EDI")
        API = "api", _("API")
        PORTAL = "web", _("Portal")

    number = models.CharField(_("invoice number"), max_length=35)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    invoice_date = models.DateField(_("invoice date"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2)
    tax = models.DecimalField(_("tax"), max_digits=16, decimal_places=2, default=0)
    source = models.CharField(_("source"), max_length=4, choices=Source.choices, default=Source.EDI)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-invoice_date", "-number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="invoice_unique_number_per_supplier"),
            models.CheckConstraint(condition=Q(currency__regex=CURRENCY_REGEX), name="invoice_currency_iso"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line_no = models.CharField(_("line"), max_length=10)
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="invoice_lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    buyer_part = models.CharField(_("part number"), max_length=35, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=5, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["invoice", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [models.UniqueConstraint(fields=["invoice", "line_no"], name="invoiceline_unique_number")]

    def __str__(self) -> str:
        return f"{self.invoice.number}/{self.line_no}"

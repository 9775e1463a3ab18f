from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from suppliers.models.catalog import Part, Plant
from suppliers.models.orders import PurchaseOrderLine
from suppliers.models.shipping import DespatchAdvice, DespatchAdviceLine
from suppliers.models.supplier import Supplier


class GoodsReceipt(models.Model):
    """What the buyer's plant booked in, usually against an ASN (from the ERP or the console)."""

    number = models.CharField(_("receipt number"), max_length=35, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="goods_receipts")
    plant = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="goods_receipts")
    advice = models.ForeignKey(
        DespatchAdvice, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts",
        verbose_name=_("ASN"),
    )
    received_on = models.DateField(_("received on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-number"]
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        indexes = [models.Index(fields=["supplier", "received_on"], name="gr_supplier_date")]

    def __str__(self) -> str:
        return self.number


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    advice_line = models.ForeignKey(
        DespatchAdviceLine, on_delete=models.PROTECT, null=True, blank=True, related_name="receipt_lines",
        verbose_name=_("ASN line"),
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=35, blank=True)
    received_quantity = models.DecimalField(_("received quantity"), max_digits=14, decimal_places=3)
    rejected_quantity = models.DecimalField(_("rejected quantity"), max_digits=14, decimal_places=3, default=0)
    received_on = models.DateField(_("received on"))

    class Meta:
        ordering = ["receipt", "line_no"]
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")
        constraints = [
            models.UniqueConstraint(fields=["receipt", "line_no"], name="grline_unique_number"),
            models.CheckConstraint(condition=Q(received_quantity__gte=0), name="grline_received_nonnegative"),
            models.CheckConstraint(condition=Q(rejected_quantity__gte=0), name="grline_rejected_nonnegative"),
            models.CheckConstraint(
                condition=Q(rejected_quantity__lte=F("received_quantity")), name="grline_rejected_within_received"
            ),
        ]
        indexes = [models.Index(fields=["lot"], name="grline_lot")]

    def __str__(self) -> str:
        return f"{self.receipt.number}/{self.line_no}"

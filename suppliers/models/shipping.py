from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suppliers.models.catalog import Part, Plant
from suppliers.models.orders import PurchaseOrderLine
from suppliers.models.supplier import Supplier


class AdviceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In transit")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class DespatchAdvice(models.Model):
    """An advance shipping notice (ASN): what a supplier has sent, in which packages, with which lots."""

    Status = AdviceStatus

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.SUBMITTED, Status.CANCELLED}),
        Status.SUBMITTED: frozenset({Status.RECEIVED, Status.CANCELLED}),
        Status.RECEIVED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    class Source(models.TextChoices):
        WEB = "web", _("Portal")
        EDI = "edi", _("EDI")
        API = "api", _("API")
        DEMO = "demo", _("Demo data")

    number = models.CharField(_("ASN number"), max_length=35)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="despatch_advices")
    ship_to = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="despatch_advices")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    ship_date = models.DateField(_("ship date"))
    expected_delivery = models.DateField(_("expected delivery"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=70, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=70, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    erp_file = models.CharField(_("ERP file"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("sent to the ERP at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ship_date", "-number"]
        verbose_name = _("despatch advice (ASN)")
        verbose_name_plural = _("despatch advices (ASNs)")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="asn_unique_number_per_supplier"),
            models.CheckConstraint(condition=Q(status__in=AdviceStatus.values), name="asn_status_valid"),
            models.CheckConstraint(
                condition=Q(expected_delivery__isnull=True) | Q(expected_delivery__gte=models.F("ship_date")),
                name="asn_delivery_after_ship",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "status"], name="asn_supplier_status")]

    def __str__(self) -> str:
        return self.number


class DespatchPackage(models.Model):
    """A carton or pallet identified by its GS1 SSCC-18; cartons may sit on a pallet."""

    class Type(models.TextChoices):
        PALLET = "pallet", _("Pallet")
        CARTON = "carton", _("Carton")
        REEL = "reel", _("Reel")
        TRAY = "tray", _("Tray")

    advice = models.ForeignKey(DespatchAdvice, on_delete=models.CASCADE, related_name="packages")
    sscc = models.CharField(_("SSCC"), max_length=18)
    package_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.CARTON)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), max_digits=10, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["advice", "id"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [
            models.UniqueConstraint(fields=["advice", "sscc"], name="package_unique_sscc_per_asn"),
            models.CheckConstraint(condition=Q(sscc__regex=r"^[0-9]{18}$"), name="package_sscc_18_digits"),
        ]

    def __str__(self) -> str:
        return self.sscc


class DespatchAdviceLine(models.Model):
    advice = models.ForeignKey(DespatchAdvice, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="despatch_lines")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=3, default="PCE")
    package = models.ForeignKey(
        DespatchPackage, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines"
    )

    class Meta:
        ordering = ["advice", "line_no"]
        verbose_name = _("ASN line")
        verbose_name_plural = _("ASN lines")
        constraints = [
            models.UniqueConstraint(fields=["advice", "line_no"], name="asnline_unique_number"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="asnline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.advice.number}/{self.line_no}"


class DespatchLot(models.Model):
    """A lot (batch) within an ASN line and the quantity shipped from it."""

    line = models.ForeignKey(DespatchAdviceLine, on_delete=models.CASCADE, related_name="lots")
    lot = models.CharField(_("lot"), max_length=35)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    manufactured_on = models.DateField(_("date of manufacture"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)

    class Meta:
        ordering = ["line", "lot"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["line", "lot"], name="asnlot_unique_lot_per_line"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="asnlot_quantity_positive"),
        ]
        indexes = [models.Index(fields=["lot"], name="asnlot_lot")]

    def __str__(self) -> str:
        return self.lot


class DespatchSerial(models.Model):
    line = models.ForeignKey(DespatchAdviceLine, on_delete=models.CASCADE, related_name="serials")
    serial = models.CharField(_("serial number"), max_length=35)
    lot = models.CharField(_("lot"), max_length=35, blank=True)

    class Meta:
        ordering = ["line", "serial"]
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        constraints = [models.UniqueConstraint(fields=["line", "serial"], name="asnserial_unique_per_line")]
        indexes = [models.Index(fields=["serial"], name="asnserial_serial")]

    def __str__(self) -> str:
        return self.serial

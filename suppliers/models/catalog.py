from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suppliers.models.supplier import Supplier

CURRENCY_REGEX = r"^[A-Z]{3}$"


class Plant(models.Model):
    """A buyer site that receives goods (the ship-to of orders and despatch advices)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    gln = models.CharField(_("GLN"), max_length=13, blank=True, help_text=_("GS1 location number"))
    address = models.TextField(_("address"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("plant")
        verbose_name_plural = _("plants")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Part(models.Model):
    class CommodityClass(models.TextChoices):
        PASSIVE = "passive", _("Passive components")
        SEMICONDUCTOR = "semiconductor", _("Semiconductors")
        PCB = "pcb", _("Printed circuit boards")
        ELECTROMECHANICAL = "electromechanical", _("Electromechanical")
        CONNECTOR = "connector", _("Connectors and cables")
        MECHANICAL = "mechanical", _("Mechanical")
        PACKAGING = "packaging", _("Packaging")
        OTHER = "other", _("Other")

    buyer_part_number = models.CharField(_("part number"), max_length=35, unique=True)
    description = models.CharField(_("description"), max_length=200)
    unit = models.CharField(_("unit"), max_length=3, default="PCE", help_text=_("UN/ECE rec. 20 unit code, e.g. PCE"))
    commodity_class = models.CharField(_("commodity class"), max_length=20, choices=CommodityClass.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["buyer_part_number"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self) -> str:
        return f"{self.buyer_part_number} {self.description}"


class SupplierPart(models.Model):
    """A part as a given supplier sells it: its number, lead time and price."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="supplier_parts")
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="supplier_parts")
    supplier_part_number = models.CharField(_("supplier part number"), max_length=35)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=14)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=5)
    currency = models.CharField(_("currency"), max_length=3, default="USD")

    class Meta:
        ordering = ["supplier__code", "part__buyer_part_number"]
        verbose_name = _("supplier part")
        verbose_name_plural = _("supplier parts")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "part"], name="supplierpart_unique_part"),
            models.UniqueConstraint(fields=["supplier", "supplier_part_number"], name="supplierpart_unique_number"),
            models.CheckConstraint(condition=Q(price__gte=0), name="supplierpart_price_nonnegative"),
            models.CheckConstraint(condition=Q(currency__regex=CURRENCY_REGEX), name="supplierpart_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code}:{self.supplier_part_number}"




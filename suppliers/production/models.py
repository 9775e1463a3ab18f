"""What the plants report from the ERP or the MES: stock, consumption, inspection and test
results per component lot, and lot genealogy (component lots → work orders → finished goods).

Stock and consumption are daily buckets with the ISO week's Monday stored beside the day, so
"weekly consumption of a part over two years" is an index range scan of at most ~730 rows per
plant summed by ``week`` (no date arithmetic in the query).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StockLevel(models.Model):
    """On-hand quantity of a part at a plant at the end of a day (posting it again replaces it)."""

    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, related_name="+")
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    quantity = models.DecimalField(_("on hand"), max_digits=16, decimal_places=3)
    blocked = models.DecimalField(_("blocked / in quality inspection"), max_digits=16, decimal_places=3, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part", "plant", "day"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["part", "plant", "day"], name="stock_unique_part_plant_day"),
            models.CheckConstraint(condition=Q(blocked__gte=0), name="stock_blocked_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.plant_id} {self.day}: {self.quantity}"


class Consumption(models.Model):
    """Quantity of a part consumed at a plant on one day. ``week`` is that day's ISO Monday."""

    # no index of its own: (part, week) and (part, plant, day) both start with it
    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, related_name="+", db_index=False)
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    week = models.DateField(_("week (Monday)"), editable=False)
    quantity = models.DecimalField(_("consumed"), max_digits=16, decimal_places=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part", "plant", "day"]
        verbose_name = _("consumption")
        verbose_name_plural = _("consumption")
        constraints = [
            models.UniqueConstraint(fields=["part", "plant", "day"], name="consumption_unique_part_plant_day"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="consumption_nonnegative"),
        ]
        indexes = [
            # weekly totals per part: a range scan that never touches the table (INCLUDE quantity)
            models.Index(fields=["part", "week"], include=["quantity"], name="consumption_part_week"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.plant_id} {self.day}: {self.quantity}"


class InspectionResult(models.Model):
    """One inspection or test of a component lot (incoming inspection, in-process, end-of-line test).

    ``reference`` is the MES's own id of the record: posting the same reference again replaces
    the result (idempotent). Test yield = passed / inspected.
    """

    class Stage(models.TextChoices):
        INCOMING = "incoming", _("Incoming inspection")
        IN_PROCESS = "in_process", _("In-process inspection")
        TEST = "test", _("Test")
        FIELD = "field", _("Field return")

    reference = models.CharField(_("reference"), max_length=60, unique=True)
    lot = models.CharField(_("component lot"), max_length=35, db_index=True)
    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="inspection_results")
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.INCOMING)
    inspected_at = models.DateTimeField(_("inspected at"))
    quantity_inspected = models.DecimalField(_("inspected"), max_digits=14, decimal_places=3)
    quantity_passed = models.DecimalField(_("passed"), max_digits=14, decimal_places=3)
    work_order = models.CharField(_("work order"), max_length=35, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-inspected_at", "-id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.CheckConstraint(condition=Q(quantity_inspected__gt=0), name="inspection_inspected_positive"),
            models.CheckConstraint(
                condition=Q(quantity_passed__gte=0) & Q(quantity_passed__lte=models.F("quantity_inspected")),
                name="inspection_passed_within_inspected",
            ),
            models.CheckConstraint(condition=Q(stage__in=["incoming", "in_process", "test", "field"]),
                                   name="inspection_stage_valid"),
        ]
        indexes = [models.Index(fields=["supplier", "inspected_at"], name="inspection_supplier_time")]

    def __str__(self) -> str:
        return f"{self.reference} {self.lot}"

    @property
    def yield_rate(self):
        return (self.quantity_passed / self.quantity_inspected) if self.quantity_inspected else None


class InspectionDefect(models.Model):
    result = models.ForeignKey(InspectionResult, on_delete=models.CASCADE, related_name="defects")
    code = models.CharField(_("defect code"), max_length=20)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["result", "code"]
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        constraints = [
            models.UniqueConstraint(fields=["result", "code"], name="defect_unique_code_per_result"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="defect_quantity_positive"),
        ]
        indexes = [models.Index(fields=["code"], name="defect_code")]

    def __str__(self) -> str:
        return f"{self.code} × {self.quantity}"


class WorkOrder(models.Model):
    """A production order: the component lots it consumed and the finished serials or lots it made."""

    number = models.CharField(_("work order"), max_length=35, unique=True)
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("finished part"))
    started_on = models.DateField(_("started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "number"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    def __str__(self) -> str:
        return self.number


class WorkOrderComponent(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="components")
    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("component lot"), max_length=35)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)

    class Meta:
        ordering = ["work_order", "part", "lot"]
        verbose_name = _("component lot used")
        verbose_name_plural = _("component lots used")
        constraints = [
            models.UniqueConstraint(fields=["work_order", "part", "lot"], name="wocomponent_unique_lot"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="wocomponent_quantity_positive"),
        ]
        indexes = [models.Index(fields=["lot", "part"], name="wocomponent_lot")]

    def __str__(self) -> str:
        return f"{self.work_order_id}: {self.lot}"


class WorkOrderOutput(models.Model):
    """A finished-goods serial number (quantity 1) or lot made by a work order."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="outputs")
    serial = models.CharField(_("serial number"), max_length=35, blank=True)
    lot = models.CharField(_("lot"), max_length=35, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)

    class Meta:
        ordering = ["work_order", "serial", "lot"]
        verbose_name = _("finished serial or lot")
        verbose_name_plural = _("finished serials and lots")
        constraints = [
            models.CheckConstraint(condition=~Q(serial="") | ~Q(lot=""), name="wooutput_serial_or_lot"),
            models.UniqueConstraint(fields=["work_order", "serial", "lot"], name="wooutput_unique"),
        ]
        indexes = [models.Index(fields=["serial"], name="wooutput_serial"),
                   models.Index(fields=["lot"], name="wooutput_lot")]

    def __str__(self) -> str:
        return self.serial or self.lot


class LotHold(models.Model):
    """A quality hold on a lot of a part: the lot may not be used or shipped on until released.

    A hold is released, never deleted, so who held what, why and who let it go stays on record.
    At most one active hold per part and lot (a partial unique index); ``supplier`` narrows it
    when the same lot string came from more than one supplier of the part.
    """

    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    lot = models.CharField(_("lot"), max_length=35)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("supplier"))
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("released by"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    release_note = models.CharField(_("release note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("lot on quality hold")
        verbose_name_plural = _("lots on quality hold")
        # The traceability page is not a model of its own; its permission lives here.
        # suppliers.roles grants it as production.lottrace: ("view",).
        permissions = [("view_lottrace", _("Can trace lots and serials (traceability page)"))]
        constraints = [
            models.UniqueConstraint(fields=["part", "lot"], condition=Q(released_at__isnull=True),
                                    name="lothold_one_active_per_part_lot"),
            models.CheckConstraint(condition=~Q(lot=""), name="lothold_lot_not_blank"),
        ]
        indexes = [models.Index(fields=["lot"], name="lothold_lot")]

    def __str__(self) -> str:
        return f"{self.lot} ({self.part_id})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None

"""Demand planning: statistical forecasts per part and plant, the buyer's adjustments, order terms
per supplier part, replenishment policies per part and plant, and the proposals they make."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suppliers.planning import forecasting, policy


class SupplyTerms(models.Model):
    """What planning needs to know about buying a part from one supplier, beside the supplier
    part's lead time and price: pack sizes, the cost of an order, the share of the demand."""

    supplier_part = models.OneToOneField("suppliers.SupplierPart", on_delete=models.CASCADE,
                                         related_name="supply_terms", verbose_name=_("supplier part"))
    minimum_order_quantity = models.DecimalField(_("minimum order quantity"), max_digits=14, decimal_places=3,
                                                 default=0)
    order_multiple = models.DecimalField(_("order multiple"), max_digits=14, decimal_places=3, default=0,
                                         help_text=_("Pack or reel size; 0 for any quantity."))
    ordering_cost = models.DecimalField(
        _("cost per order"), max_digits=14, decimal_places=2, default=0,
        help_text=_("In the supplier part's currency; used by the EOQ rule (0: EOQ not used)."))
    share_percent = models.PositiveSmallIntegerField(
        _("share of demand (%)"), default=100, validators=[MaxValueValidator(100)],
        help_text=_("How much of the part's forecast this supplier receives; replenishment orders from the "
                    "supplier with the largest share."))

    class Meta:
        ordering = ["supplier_part__supplier__code", "supplier_part__part__buyer_part_number"]
        verbose_name = _("supply terms")
        verbose_name_plural = _("supply terms")
        constraints = [
            models.CheckConstraint(condition=Q(minimum_order_quantity__gte=0), name="supplyterms_moq_nonnegative"),
            models.CheckConstraint(condition=Q(order_multiple__gte=0), name="supplyterms_multiple_nonnegative"),
            models.CheckConstraint(condition=Q(ordering_cost__gte=0), name="supplyterms_cost_nonnegative"),
            models.CheckConstraint(condition=Q(share_percent__lte=100), name="supplyterms_share_max_100"),
        ]

    def __str__(self) -> str:
        return str(self.supplier_part)


class ReplenishmentPolicy(models.Model):
    """How a part is replenished at a plant. Autonomous parts are ordered without approval."""

    class Rule(models.TextChoices):
        COVER = policy.COVER, _("Cover a number of weeks of forecast")
        EOQ = policy.EOQ, _("Economic order quantity")

    part = models.ForeignKey("suppliers.Part", on_delete=models.CASCADE, related_name="+", verbose_name=_("part"))
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.CASCADE, related_name="+", verbose_name=_("plant"))
    is_active = models.BooleanField(_("replenish"), default=True)
    autonomous = models.BooleanField(
        _("autonomous"), default=False,
        help_text=_("Release purchase orders without approval (commodity parts)."))
    service_level = models.DecimalField(
        _("service level"), max_digits=5, decimal_places=4, default=Decimal("0.95"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("0.9999"))],
        help_text=_("Probability of not running out during a replenishment cycle, e.g. 0.95."))
    review_weeks = models.DecimalField(
        _("review period (weeks)"), max_digits=5, decimal_places=2, default=0,
        help_text=_("How long between two looks at this part; 0 when replenishment runs daily."))
    quantity_rule = models.CharField(_("quantity rule"), max_length=8, choices=Rule.choices, default=Rule.COVER)
    cover_weeks = models.DecimalField(_("cover (weeks)"), max_digits=5, decimal_places=2, default=4)
    max_cover_weeks = models.DecimalField(_("at most (weeks of forecast)"), max_digits=5, decimal_places=2,
                                          default=26)
    holding_rate = models.DecimalField(
        _("holding cost rate (per year)"), max_digits=5, decimal_places=4, default=Decimal("0.25"),
        help_text=_("Cost of keeping a unit a year, as a fraction of its price (EOQ)."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part__buyer_part_number", "plant__code"]
        verbose_name = _("replenishment policy")
        verbose_name_plural = _("replenishment policies")
        constraints = [
            models.UniqueConstraint(fields=["part", "plant"], name="replenishmentpolicy_unique_part_plant"),
            models.CheckConstraint(condition=Q(service_level__gte=Decimal("0.5"), service_level__lt=1),
                                   name="replenishmentpolicy_service_level_range"),
            models.CheckConstraint(condition=Q(review_weeks__gte=0) & Q(cover_weeks__gt=0) & Q(max_cover_weeks__gt=0)
                                   & Q(holding_rate__gte=0), name="replenishmentpolicy_positive_periods"),
        ]

    def __str__(self) -> str:
        return f"{self.part.buyer_part_number}@{self.plant.code}"


MODEL_CHOICES = [
    (forecasting.ETS, _("ETS")), (forecasting.MSTL_ETS, _("ETS + seasonality (MSTL)")),
    (forecasting.CROSTON, _("Croston")), (forecasting.SBA, _("SBA (Syntetos–Boylan)")),
    (forecasting.TSB, _("TSB (Teunter–Syntetos–Babai)")), (forecasting.SEASONAL_NAIVE, _("Seasonal naive")),
    (forecasting.NAIVE, _("Naive")), (forecasting.ZERO, _("No demand")),
]


class ForecastRun(models.Model):
    """One computation of statistical forecasts (by the weekly task, the command or the console)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    first_week = models.DateField(_("first forecast week"), help_text=_("Monday after the last full week of history"))
    series = models.PositiveIntegerField(_("parts × plants"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


class PartForecast(models.Model):
    """The statistical forecast of one part at one plant from one run, with how it was chosen."""

    class DemandClass(models.TextChoices):
        SMOOTH = forecasting.SMOOTH, _("Smooth")
        ERRATIC = forecasting.ERRATIC, _("Erratic")
        INTERMITTENT = forecasting.INTERMITTENT, _("Intermittent")
        LUMPY = forecasting.LUMPY, _("Lumpy")
        NONE = forecasting.NONE, _("No demand")

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="forecasts")
    part = models.ForeignKey("suppliers.Part", on_delete=models.CASCADE, related_name="+", verbose_name=_("part"))
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.CASCADE, related_name="+", verbose_name=_("plant"))
    is_current = models.BooleanField(_("current"), default=True)
    first_week = models.DateField(_("first week"))
    history_start = models.DateField(_("history from"))
    history = models.JSONField(_("weekly history"), default=list, help_text=_("Consumption per week, oldest first"))
    values = models.JSONField(_("weekly forecast"), default=list)
    demand_class = models.CharField(_("demand"), max_length=12, choices=DemandClass.choices)
    adi = models.FloatField(_("ADI"), null=True, blank=True)
    cv2 = models.FloatField(_("CV²"), null=True, blank=True)
    seasonal = models.BooleanField(_("seasonal"), default=False)
    model = models.CharField(_("model"), max_length=20, choices=MODEL_CHOICES)
    baseline_model = models.CharField(_("baseline"), max_length=20, choices=MODEL_CHOICES)
    mase = models.FloatField(_("MASE"), null=True, blank=True)
    wape = models.FloatField(_("WAPE"), null=True, blank=True)
    bias = models.FloatField(_("bias"), null=True, blank=True)
    sigma = models.FloatField(_("weekly error σ"), default=0)
    baseline_mase = models.FloatField(_("baseline MASE"), null=True, blank=True)
    baseline_wape = models.FloatField(_("baseline WAPE"), null=True, blank=True)
    baseline_bias = models.FloatField(_("baseline bias"), null=True, blank=True)
    candidates = models.JSONField(_("candidates"), default=dict, blank=True,
                                  help_text=_("Backtest metrics of every model tried"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["part__buyer_part_number", "plant__code", "-id"]
        verbose_name = _("demand forecast")
        verbose_name_plural = _("demand forecasts")
        constraints = [
            models.UniqueConstraint(fields=["part", "plant"], condition=Q(is_current=True),
                                    name="partforecast_one_current"),
            models.UniqueConstraint(fields=["run", "part", "plant"], name="partforecast_unique_in_run"),
        ]
        indexes = [models.Index(fields=["part", "plant", "is_current"], name="partforecast_current")]

    def __str__(self) -> str:
        return f"{self.part.buyer_part_number}@{self.plant.code} ({self.first_week})"

    @property
    def model_label(self) -> str:
        return self.get_model_display()

    @property
    def baseline_label(self) -> str:
        return self.get_baseline_model_display()


class ForecastAdjustment(models.Model):
    """The buyer's figure for one week of a part's forecast at a plant, in place of the statistical
    one. Kept across forecast runs until removed; every change is audited."""

    part = models.ForeignKey("suppliers.Part", on_delete=models.CASCADE, related_name="+", verbose_name=_("part"))
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.CASCADE, related_name="+", verbose_name=_("plant"))
    week = models.DateField(_("week (Monday)"))
    quantity = models.DecimalField(_("adjusted forecast"), max_digits=14, decimal_places=3)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part", "plant", "week"]
        verbose_name = _("forecast adjustment")
        verbose_name_plural = _("forecast adjustments")
        constraints = [
            models.UniqueConstraint(fields=["part", "plant", "week"], name="forecastadjustment_unique_week"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="forecastadjustment_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.plant_id} {self.week}: {self.quantity}"


class ReplenishmentProposal(models.Model):
    """A purchase order line the replenishment run proposes, with the inputs of the decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ORDERED = "ordered", _("Ordered")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("No longer needed")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.ORDERED, Status.REJECTED, Status.CANCELLED}),
        Status.ORDERED: frozenset(),
        Status.REJECTED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    part = models.ForeignKey("suppliers.Part", on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.PROTECT, related_name="+", verbose_name=_("plant"))
    supplier_part = models.ForeignKey("suppliers.SupplierPart", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("supplier part"))
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("supplier"))
    forecast = models.ForeignKey(PartForecast, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    autonomous = models.BooleanField(_("autonomous"), default=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    requested_date = models.DateField(_("requested date"))
    reorder_point = models.DecimalField(_("reorder point"), max_digits=16, decimal_places=3)
    safety_stock = models.DecimalField(_("safety stock"), max_digits=16, decimal_places=3)
    position = models.DecimalField(_("stock + on order"), max_digits=16, decimal_places=3)
    inputs = models.JSONField(_("decision inputs"), default=dict, encoder=DjangoJSONEncoder)
    order = models.ForeignKey("suppliers.PurchaseOrder", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("purchase order"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("replenishment proposal")
        verbose_name_plural = _("replenishment proposals")
        constraints = [
            models.UniqueConstraint(fields=["part", "plant"], condition=Q(status="pending"),
                                    name="proposal_one_pending_per_part_plant"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="proposal_quantity_positive"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="proposal_rejection_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="proposal_status_time")]

    def __str__(self) -> str:
        return f"{self.part.buyer_part_number}@{self.plant.code} × {self.quantity.normalize():f}"


class VendorManagedLevel(models.Model):
    """Min and max stock the buyer agreed with a supplier for one of its parts at a plant: the
    supplier watches the stock and replenishes within the band (vendor-managed inventory). A
    supplier part is vendor-managed at a plant when it has a level there."""

    class Status(models.TextChoices):
        """Where the available stock stands against the level (computed, not stored)."""

        BELOW_MIN = "below_min", _("Below min: replenish now")
        WITHIN = "within", _("Within min and max")
        ABOVE_MAX = "above_max", _("Above max")
        NO_STOCK = "no_stock", _("No stock reported")

    supplier_part = models.ForeignKey("suppliers.SupplierPart", on_delete=models.CASCADE,
                                      related_name="vendor_managed_levels", verbose_name=_("supplier part"))
    plant = models.ForeignKey("suppliers.Plant", on_delete=models.PROTECT, related_name="+", verbose_name=_("plant"))
    min_quantity = models.DecimalField(
        _("minimum stock"), max_digits=16, decimal_places=3,
        help_text=_("Below this the supplier replenishes now (available stock: on hand − blocked)."))
    max_quantity = models.DecimalField(_("maximum stock"), max_digits=16, decimal_places=3,
                                       help_text=_("Deliveries should not take the available stock above this."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["supplier_part__supplier__code", "supplier_part__part__buyer_part_number", "plant__code"]
        verbose_name = _("vendor-managed level")
        verbose_name_plural = _("vendor-managed levels")
        constraints = [
            models.UniqueConstraint(fields=["supplier_part", "plant"], name="vmilevel_unique_part_plant",
                                    violation_error_message=_("This supplier part already has a level at this plant.")),
            models.CheckConstraint(condition=Q(min_quantity__gte=0), name="vmilevel_min_nonnegative",
                                   violation_error_message=_("The minimum cannot be negative.")),
            models.CheckConstraint(condition=Q(min_quantity__lte=models.F("max_quantity")), name="vmilevel_min_le_max",
                                   violation_error_message=_("The minimum cannot be more than the maximum.")),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_part}@{self.plant.code}"

    @property
    def supplier(self):
        # the audit trail files the level's events under its supplier
        return self.supplier_part.supplier

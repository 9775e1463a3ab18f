"""Forecast versions a buyer publishes to a supplier, and the supplier's commitments per bucket."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from suppliers.forecasts import buckets
from suppliers.models import Part, Plant, Supplier


class Zone(models.TextChoices):
    FIRM = buckets.FIRM, _("Firm")
    PLANNING = buckets.PLANNING, _("Planning")
    OUTLOOK = buckets.OUTLOOK, _("Outlook")


class BucketKind(models.TextChoices):
    WEEK = buckets.WEEK, _("Week")
    MONTH = buckets.MONTH, _("Month")


# Zones where the buyer expects an answer: a gap there is a supply risk.
COMMIT_ZONES = (Zone.FIRM, Zone.PLANNING)


class ForecastProfile(models.Model):
    """How a supplier's forecasts are cut into zones. Suppliers without one use the defaults."""

    DEFAULT_FIRM_WEEKS = 4
    DEFAULT_PLANNING_WEEKS = 13

    supplier = models.OneToOneField(Supplier, on_delete=models.CASCADE, related_name="forecast_profile")
    firm_weeks = models.PositiveSmallIntegerField(
        _("firm zone (weeks)"), default=DEFAULT_FIRM_WEEKS,
        help_text=_("Weeks from the start of the horizon in which the forecast is firm."),
    )
    planning_weeks = models.PositiveSmallIntegerField(
        _("planning zone ends after (weeks)"), default=DEFAULT_PLANNING_WEEKS,
        help_text=_("Weeks from the start of the horizon up to which the supplier commits; later buckets are an outlook."),
    )

    class Meta:
        verbose_name = _("forecast profile")
        verbose_name_plural = _("forecast profiles")
        constraints = [
            models.CheckConstraint(condition=Q(planning_weeks__gte=models.F("firm_weeks")),
                                   name="forecastprofile_planning_after_firm"),
            models.CheckConstraint(condition=Q(planning_weeks__lte=52), name="forecastprofile_planning_max_52"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code}: firm {self.firm_weeks} w, planning {self.planning_weeks} w"


class ReasonCode(models.Model):
    """Why a supplier commits less than the forecast (a code list kept as data)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=100)
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('Label per language, e.g. {"ja": "…", "zh-hans": "…"}'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("commit reason code")
        verbose_name_plural = _("commit reason codes")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9_-]+$"), name="reasoncode_code_format")]

    def __str__(self) -> str:
        return f"{self.code} {self.display}"

    @property
    def display(self) -> str:
        return (self.translations or {}).get(get_language() or "", "") or self.label


class ForecastVersion(models.Model):
    """One publication of a supplier's forecast. Numbers count up per supplier; the newest is current."""

    class Source(models.TextChoices):
        CONSOLE = "console", _("Buyer console (CSV)")
        API = "api", _("ERP API")
        STATISTICAL = "statistical", _("Statistical forecast")
        DEMO = "demo", _("Demo data")

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="forecast_versions")
    number = models.PositiveIntegerField(_("version"))
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("previous version"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.CONSOLE)
    reference = models.CharField(_("reference"), max_length=70, blank=True,
                                 help_text=_("The sender's own id for this forecast (for idempotent API calls)"))
    horizon_start = models.DateField(_("horizon start"))
    horizon_end = models.DateField(_("horizon end"))
    firm_until = models.DateField(_("firm until"))
    planning_until = models.DateField(_("planning until"))
    ship_to = models.ForeignKey(Plant, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("ship to"))
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-number"]
        verbose_name = _("forecast version")
        verbose_name_plural = _("forecast versions")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="forecastversion_unique_number"),
            models.UniqueConstraint(fields=["supplier"], condition=Q(superseded_at=None),
                                    name="forecastversion_one_current"),
            models.UniqueConstraint(fields=["supplier", "reference"], condition=~Q(reference=""),
                                    name="forecastversion_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code} forecast v{self.number}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def document_id(self) -> str:
        return f"FC-{self.supplier.code}-{self.number}"[:35]


class ForecastLine(models.Model):
    version = models.ForeignKey(ForecastVersion, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="forecast_lines")
    supplier_part_number = models.CharField(_("supplier part number"), max_length=35, blank=True)
    unit = models.CharField(_("unit"), max_length=3, default="PCE")

    class Meta:
        ordering = ["version", "line_no"]
        verbose_name = _("forecast line")
        verbose_name_plural = _("forecast lines")
        constraints = [
            models.UniqueConstraint(fields=["version", "part"], name="forecastline_unique_part"),
            models.UniqueConstraint(fields=["version", "line_no"], name="forecastline_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.part.buyer_part_number}"


class ForecastBucket(models.Model):
    """A quantity for one period of one part, with what the previous version said and the commitment."""

    line = models.ForeignKey(ForecastLine, on_delete=models.CASCADE, related_name="buckets")
    index = models.PositiveSmallIntegerField(_("bucket"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    kind = models.CharField(_("kind"), max_length=5, choices=BucketKind.choices)
    zone = models.CharField(_("zone"), max_length=8, choices=Zone.choices)
    quantity = models.DecimalField(_("forecast"), max_digits=14, decimal_places=3)
    previous_quantity = models.DecimalField(
        _("previous forecast"), max_digits=14, decimal_places=3, null=True, blank=True,
        help_text=_("What the previous version said for this period (shared by days where buckets differ)"),
    )
    committed_quantity = models.DecimalField(_("committed"), max_digits=14, decimal_places=3, null=True, blank=True)
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("reason"))
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    carried_over = models.BooleanField(
        _("carried over"), default=False,
        help_text=_("The commitment was kept from the previous version because the forecast did not change"),
    )

    class Meta:
        ordering = ["line", "index"]
        verbose_name = _("forecast bucket")
        verbose_name_plural = _("forecast buckets")
        constraints = [
            models.UniqueConstraint(fields=["line", "index"], name="forecastbucket_unique_index"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="forecastbucket_end_after_start"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="forecastbucket_quantity_nonnegative"),
            models.CheckConstraint(condition=Q(committed_quantity__isnull=True) | Q(committed_quantity__gte=0),
                                   name="forecastbucket_commit_nonnegative"),
            # A commitment below the forecast always says why.
            models.CheckConstraint(
                condition=Q(committed_quantity__isnull=True) | Q(committed_quantity__gte=models.F("quantity"))
                | Q(reason__isnull=False),
                name="forecastbucket_short_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.start}..{self.end}"

    @property
    def delta(self) -> Decimal | None:
        if self.previous_quantity is None:
            return None
        return self.quantity - self.previous_quantity

    @property
    def gap(self) -> Decimal | None:
        """Forecast minus commitment (positive: the supplier commits less)."""
        if self.committed_quantity is None:
            return None
        return self.quantity - self.committed_quantity

    @property
    def is_short(self) -> bool:
        return self.committed_quantity is not None and self.committed_quantity < self.quantity


class CommitGap(ForecastLine):
    """The console's gap report: one row per part of each supplier's current forecast."""

    class Meta:
        proxy = True
        verbose_name = _("commit gap")
        verbose_name_plural = _("commit gaps")

"""Supplier scorecards: the buyer's rules (weights, grade bands, windows), the runs that compute
them, and the results per supplier, KPI and period with the inputs that made them."""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from operator import add

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from suppliers.models import Supplier
from suppliers.scorecards import kpis

_W = kpis.DEFAULT_WEIGHTS
_PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def _weight(code: str, label):
    return models.PositiveSmallIntegerField(label, default=_W[code], validators=[MaxValueValidator(100)])


class ScorecardSettings(models.Model):
    """The one set of rules every scorecard is computed with (row id 1). Each run keeps a copy."""

    weight_on_time = _weight(kpis.ON_TIME, _("weight: on-time delivery"))
    weight_quantity = _weight(kpis.QUANTITY, _("weight: quantity accuracy"))
    weight_asn_accuracy = _weight(kpis.ASN_ACCURACY, _("weight: ASN accuracy"))
    weight_asn_timeliness = _weight(kpis.ASN_TIMELINESS, _("weight: ASN timeliness"))
    weight_quality = _weight(kpis.QUALITY, _("weight: quality (PPM)"))
    weight_response = _weight(kpis.RESPONSE, _("weight: order response"))
    weight_forecast_commit = _weight(kpis.FORECAST_COMMIT, _("weight: forecast commit rate"))
    weight_price = _weight(kpis.PRICE, _("weight: invoice price accuracy"))

    grade_a_min = models.DecimalField(_("grade A from"), max_digits=5, decimal_places=2, default=Decimal(90),
                                      validators=_PERCENT)
    grade_b_min = models.DecimalField(_("grade B from"), max_digits=5, decimal_places=2, default=Decimal(75),
                                      validators=_PERCENT)
    grade_c_min = models.DecimalField(_("grade C from"), max_digits=5, decimal_places=2, default=Decimal(60),
                                      validators=_PERCENT, help_text=_("Below this: grade D."))

    on_time_early_days = models.PositiveSmallIntegerField(
        _("on time: days early allowed"), default=3, validators=[MaxValueValidator(60)],
        help_text=_("A receipt this many days before the confirmed (else requested) date still counts as on time."))
    on_time_late_days = models.PositiveSmallIntegerField(
        _("on time: days late allowed"), default=0, validators=[MaxValueValidator(60)],
        help_text=_("0: a receipt after the date is late."))
    quantity_tolerance_percent = models.DecimalField(
        _("quantity tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal(0), validators=_PERCENT,
        help_text=_("How far received may differ from ordered, and from the ASN, and still count as accurate."))
    asn_lead_days = models.PositiveSmallIntegerField(
        _("ASN lead (days)"), default=0, validators=[MaxValueValidator(30)],
        help_text=_("The ASN must be sent at least this many days before the day of receipt (0: by that day)."))
    response_target_hours = models.PositiveIntegerField(
        _("order response target (hours)"), default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)])
    ppm_limit = models.PositiveIntegerField(
        _("PPM for a quality score of 0"), default=10_000, validators=[MinValueValidator(1)],
        help_text=_("0 PPM scores 100; the score falls in a straight line to 0 at this PPM."))
    price_tolerance_percent = models.DecimalField(
        _("price tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal(0), validators=_PERCENT)

    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))

    class Meta:
        verbose_name = _("scorecard rules")
        verbose_name_plural = _("scorecard rules")
        constraints = [
            models.CheckConstraint(
                condition=Exact(reduce(add, [F(f) for f in kpis.WEIGHT_FIELDS.values()]), 100),
                name="scorecardsettings_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(grade_a_min__lte=100, grade_a_min__gt=F("grade_b_min"), grade_b_min__gt=F("grade_c_min"),
                            grade_c_min__gte=0),
                name="scorecardsettings_grade_bands_descending",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Scorecard rules"))

    @property
    def weights(self) -> dict[str, int]:
        return {code: getattr(self, field) for code, field in kpis.WEIGHT_FIELDS.items()}

    def snapshot(self) -> dict:
        """What a run computes with, kept on the run so its evidence can be shown as it was counted."""
        return {
            "weights": self.weights,
            "grades": {"A": str(self.grade_a_min), "B": str(self.grade_b_min), "C": str(self.grade_c_min)},
            "on_time_early_days": self.on_time_early_days, "on_time_late_days": self.on_time_late_days,
            "quantity_tolerance_percent": str(self.quantity_tolerance_percent),
            "asn_lead_days": self.asn_lead_days, "response_target_hours": self.response_target_hours,
            "ppm_limit": self.ppm_limit, "price_tolerance_percent": str(self.price_tolerance_percent),
        }


class ScorecardRun(models.Model):
    """One computation: for all suppliers or one, a range of months, at a moment (``as_of``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        CONSOLE = "console", _("Buyer console")
        COMMAND = "command", _("Command line")
        DEMO = "demo", _("Demo data")

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(_("trigger"), max_length=8, choices=Trigger.choices, default=Trigger.CONSOLE)
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("supplier"), help_text=_("Empty: every supplier"))
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    as_of = models.DateTimeField(_("as of"), help_text=_("Orders and forecasts still within their answer time at "
                                                         "this moment are left out."))
    parameters = models.JSONField(_("rules used"), default=dict, encoder=DjangoJSONEncoder)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    counts = models.JSONField(_("rows written"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("scorecard run")
        verbose_name_plural = _("scorecard runs")
        constraints = [
            models.CheckConstraint(condition=Q(last_month__gte=F("first_month")), name="scorecardrun_months_ordered"),
        ]

    def __str__(self) -> str:
        scope = self.supplier.code if self.supplier_id else _("all suppliers")
        return f"#{self.pk} {scope} {self.first_month:%Y-%m}..{self.last_month:%Y-%m}"


class KpiResult(models.Model):
    """One KPI of one supplier for one month or the 12 months ending with it.

    The inputs are kept: ``units`` (evidence rows counted), ``ok_units`` (rows that met the
    target), ``qa``/``qb`` (quantities: received/rejected for PPM, forecast/committed for the
    commit rate, latency hours/answered orders for the response time). ``score`` is empty when
    the KPI had no evidence in the period: it then does not count.
    """

    # Derived rows, rewritten in bulk by every run: no foreign-key constraints in the database
    # (checking 200,000 of them at commit costs seconds) and no index beyond the unique one.
    run = models.ForeignKey(ScorecardRun, on_delete=models.PROTECT, related_name="kpi_results",
                            db_constraint=False, db_index=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="kpi_results",
                                 db_constraint=False, db_index=False)
    period = models.CharField(_("period"), max_length=9, choices=kpis.PERIOD_CHOICES)
    month = models.DateField(_("month"), help_text=_("First day of the month (of the last month for 12 months)"))
    month_index = models.PositiveIntegerField(help_text="year * 12 + month - 1")
    kpi = models.CharField(_("KPI"), max_length=16, choices=kpis.CHOICES)
    units = models.PositiveIntegerField(_("evidence rows"))
    ok_units = models.PositiveIntegerField(_("rows on target"))
    qa = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    qb = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["supplier", "period", "month", "kpi"]
        verbose_name = _("KPI result")
        verbose_name_plural = _("KPI results")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "period", "month", "kpi"], name="kpiresult_unique"),
            models.CheckConstraint(condition=Q(ok_units__lte=F("units")), name="kpiresult_ok_within_units"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period} {self.month:%Y-%m} {self.kpi}"

    @property
    def definition(self) -> kpis.Kpi:
        return kpis.BY_CODE[self.kpi]

    @property
    def counted(self) -> bool:
        return self.score is not None

    @property
    def average_latency_hours(self) -> Decimal | None:
        return (self.qa / self.qb).quantize(Decimal("0.1")) if self.kpi == kpis.RESPONSE and self.qb else None


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Scorecard(models.Model):
    """The weighted score and grade of one supplier for one period, over the KPIs with evidence."""

    run = models.ForeignKey(ScorecardRun, on_delete=models.PROTECT, related_name="scorecards",
                            db_constraint=False, db_index=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="scorecards",
                                 db_constraint=False, db_index=False)
    period = models.CharField(_("period"), max_length=9, choices=kpis.PERIOD_CHOICES)
    month = models.DateField(_("month"))
    month_index = models.PositiveIntegerField()
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    weight_counted = models.PositiveSmallIntegerField(_("weight counted"),
                                                      help_text=_("Sum of the weights of the KPIs with evidence"))
    kpis_counted = models.PositiveSmallIntegerField(_("KPIs counted"))

    class Meta:
        ordering = ["supplier", "period", "month"]
        verbose_name = _("supplier scorecard")
        verbose_name_plural = _("supplier scorecards")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "period", "month"], name="scorecard_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="scorecard_score_range"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="scorecard_grade_valid"),
        ]
        indexes = [models.Index(fields=["period", "month", "grade"], name="scorecard_period_month_grade")]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period} {self.month:%Y-%m}: {self.score} {self.grade}"

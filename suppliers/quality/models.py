"""Quality notices (non-conformance reports) a quality engineer raises against a supplier, and the
supplier's 8D answers, reviewed step by step by the buyer."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from suppliers.models import DespatchAdvice, GoodsReceipt, Part, PurchaseOrder, Supplier


class DefectCode(models.Model):
    """What is wrong (a code list kept as data)."""

    code = models.CharField(_("code"), max_length=17, unique=True, help_text=_("Sent as CCI 7037 in QALITY (an..17)"))
    label = models.CharField(_("label"), max_length=100)
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('Label per language, e.g. {"ja": "…", "zh-hans": "…"}'),
    )
    category = models.CharField(_("category"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("defect code")
        verbose_name_plural = _("defect codes")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9_-]+$"), name="defectcode_code_format")]

    def __str__(self) -> str:
        return f"{self.code} {self.display}"

    @property
    def display(self) -> str:
        return (self.translations or {}).get(get_language() or "", "") or self.label


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class QualityNotice(models.Model):
    Status = NoticeStatus
    Severity = Severity

    # suppliers.quality.services.quality_notice_transition is the one guard of these moves.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.OPEN: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
        Status.IN_PROGRESS: frozenset({Status.CLOSED, Status.CANCELLED}),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    }
    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    number = models.CharField(_("notice number"), max_length=20, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="quality_notices")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="quality_notices")
    lot = models.CharField(_("lot"), max_length=35, blank=True)
    advice = models.ForeignKey(DespatchAdvice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="quality_notices", verbose_name=_("ASN"))
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="quality_notices", verbose_name=_("goods receipt"))
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="quality_notices", verbose_name=_("purchase order"))
    defect_code = models.ForeignKey(DefectCode, on_delete=models.PROTECT, related_name="notices",
                                    verbose_name=_("defect code"))
    rejected_quantity = models.DecimalField(_("rejected quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=3, default="PCE")
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MAJOR)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("raised by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    supplier_reference = models.CharField(_("supplier's reference"), max_length=35, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-number"]
        verbose_name = _("quality notice")
        verbose_name_plural = _("quality notices")
        constraints = [
            models.CheckConstraint(condition=Q(rejected_quantity__gte=0), name="qn_rejected_nonnegative"),
            models.CheckConstraint(condition=Q(status__in=NoticeStatus.values), name="qn_status_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="qn_severity_valid"),
        ]
        indexes = [
            models.Index(fields=["supplier", "status"], name="qn_supplier_status"),
            models.Index(fields=["lot"], name="qn_lot"),
        ]

    def __str__(self) -> str:
        return self.number

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Discipline(models.IntegerChoices):
    D1 = 1, _("D1 Team")
    D2 = 2, _("D2 Problem description")
    D3 = 3, _("D3 Containment")
    D4 = 4, _("D4 Root cause")
    D5 = 5, _("D5 Corrective action")
    D6 = 6, _("D6 Validation")
    D7 = 7, _("D7 Prevention")
    D8 = 8, _("D8 Closure")


DISCIPLINE_HELP = {
    1: _("Who works on this problem: names, roles, the champion."),
    2: _("What is wrong, where, when, how many: the problem in measurable terms."),
    3: _("What you did at once to protect the customer: stock sorted, shipments held, lots quarantined."),
    4: _("Why it happened and why it was not detected (5 Why, Ishikawa), with evidence."),
    5: _("The permanent corrective actions chosen, who does them, by when."),
    6: _("Evidence that the corrective actions work: results, data, dates."),
    7: _("What stops it happening again elsewhere: FMEA, control plan, work instructions updated."),
    8: _("Summary and closure: what was learnt, the team recognised."),
}


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class EightDStep(models.Model):
    """One discipline of a notice's 8D report: its due date, its current answer and review state."""

    Status = StepStatus
    OWED_BY_SUPPLIER = (StepStatus.PENDING, StepStatus.RETURNED)

    notice = models.ForeignKey(QualityNotice, on_delete=models.CASCADE, related_name="steps")
    discipline = models.PositiveSmallIntegerField(_("step"), choices=Discipline.choices)
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reminded_on = models.DateField(_("last reminder"), null=True, blank=True)

    class Meta:
        ordering = ["notice", "discipline"]
        verbose_name = _("8D step")
        verbose_name_plural = _("8D steps")
        constraints = [
            models.UniqueConstraint(fields=["notice", "discipline"], name="eightd_unique_step"),
            models.CheckConstraint(condition=Q(discipline__gte=1, discipline__lte=8), name="eightd_discipline_range"),
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="eightd_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="eightd_status_due")]

    def __str__(self) -> str:
        return f"{self.notice.number} D{self.discipline}"

    @property
    def code(self) -> str:
        return f"D{self.discipline}"

    @property
    def help_text(self) -> str:
        return str(DISCIPLINE_HELP[self.discipline])

    def is_overdue(self, today: date) -> bool:
        return self.status in self.OWED_BY_SUPPLIER and self.due_date < today


class StepAnswer(models.Model):
    """Every answer a supplier gave to a step, and what the buyer decided about it (the 8D's history)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    step = models.ForeignKey(EightDStep, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["step", "submitted_at", "id"]
        verbose_name = _("8D answer")
        verbose_name_plural = _("8D answers")

    def __str__(self) -> str:
        return f"{self.step} @ {self.submitted_at:%Y-%m-%d %H:%M}"


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT (read when used, so tests can move it), which no URL serves: only the
    views that check who is asking read them."""

    def url(self, name: str | None) -> str:
        raise ValueError("quality attachments have no public URL; use the download views")


def attachment_storage() -> FileSystemStorage:
    return PrivateStorage()


def attachment_path(instance: NoticeAttachment, filename: str) -> str:
    # Never the uploaded name: a random name with the extension of the type found by sniffing.
    return f"quality/{instance.notice_id}/{uuid.uuid4().hex}{instance.extension}"


class NoticeAttachment(models.Model):
    class Side(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SUPPLIER = "supplier", _("Supplier")

    EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
                  "image/webp": ".webp"}

    notice = models.ForeignKey(QualityNotice, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(EightDStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments",
                             verbose_name=_("8D step"))
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120, help_text=_("As uploaded, cleaned"))
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    side = models.CharField(_("from"), max_length=8, choices=Side.choices)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["notice", "uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, ".bin")


# --- production quality shared back ----------------------------------------------------------------

class ThresholdUnit(models.TextChoices):
    PPM = "ppm", _("ppm (defects per million inspected)")
    PERCENT = "percent", _("percent of inspected")


class DefectRateThreshold(models.Model):
    """The defect rate of a component lot above which a quality notice is raised automatically.

    Scope: a part and/or a defect code, each optional. A threshold with a defect code limits that
    code's rate (its defects / inspected); one without limits the lot's total rate (all defects /
    inspected). The most specific active threshold wins: the part's own before the all-parts one
    (``suppliers.quality.production.applicable``).
    """

    Unit = ThresholdUnit

    part = models.ForeignKey(Part, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("part"), help_text=_("Empty: every part."))
    defect_code = models.ForeignKey(DefectCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("defect code"),
                                    help_text=_("Empty: the lot's total defect rate, all codes together."))
    limit = models.DecimalField(_("limit"), max_digits=12, decimal_places=4,
                                help_text=_("A lot whose rate is above this raises a quality notice."))
    unit = models.CharField(_("unit"), max_length=8, choices=ThresholdUnit.choices, default=ThresholdUnit.PPM)
    min_inspected = models.DecimalField(
        _("minimum inspected"), max_digits=14, decimal_places=3, default=100,
        help_text=_("The lot's inspected quantity (all results together) must reach this before the rate counts."))
    severity = models.CharField(_("severity of the notice"), max_length=8, choices=Severity.choices,
                                default=Severity.MAJOR)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["part__buyer_part_number", "defect_code__code", "pk"]
        verbose_name = _("defect rate threshold")
        verbose_name_plural = _("defect rate thresholds")
        constraints = [
            # one threshold per scope, the empty part and code included
            models.UniqueConstraint(Coalesce("part", Value(0), output_field=models.BigIntegerField()),
                                    Coalesce("defect_code", Value(0), output_field=models.BigIntegerField()),
                                    name="threshold_unique_scope",
                                    violation_error_message=_("A threshold for this part and defect code exists.")),
            models.CheckConstraint(condition=Q(limit__gt=0), name="threshold_limit_positive"),
            models.CheckConstraint(condition=Q(min_inspected__gte=0), name="threshold_min_inspected_nonnegative"),
            models.CheckConstraint(condition=Q(unit__in=ThresholdUnit.values), name="threshold_unit_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="threshold_severity_valid"),
        ]

    def __str__(self) -> str:
        part = self.part.buyer_part_number if self.part_id else _("all parts")
        code = self.defect_code.code if self.defect_code_id else _("all defects")
        return f"{part} · {code}: {self.limit.normalize():f} {self.unit}"

    @property
    def limit_ppm(self):
        return self.limit * 10_000 if self.unit == ThresholdUnit.PERCENT else self.limit


class AutomaticNotice(models.Model):
    """A quality notice raised by a lot's defect rate, with the figures that raised it."""

    notice = models.OneToOneField(QualityNotice, on_delete=models.CASCADE, related_name="automatic")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=35)
    threshold = models.ForeignKey(DefectRateThreshold, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="notices", verbose_name=_("threshold"))
    defect_code = models.CharField(_("defect code"), max_length=20, blank=True, help_text=_("Empty: total rate"))
    inspected = models.DecimalField(_("inspected"), max_digits=16, decimal_places=3)
    defects = models.DecimalField(_("defects"), max_digits=16, decimal_places=3)
    rate_ppm = models.DecimalField(_("defect rate (ppm)"), max_digits=12, decimal_places=1)
    limit_ppm = models.DecimalField(_("limit (ppm)"), max_digits=14, decimal_places=4)
    results = models.JSONField(_("inspection results"), default=list)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("automatic notice")
        verbose_name_plural = _("automatic notices")
        indexes = [models.Index(fields=["supplier", "part", "lot"], name="autonotice_lot"),
                   models.Index(fields=["supplier", "raised_at"], name="autonotice_supplier_time")]

    def __str__(self) -> str:
        return f"{self.lot}: {self.notice_id}"

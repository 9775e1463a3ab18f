"""Buyer console pages of quality feedback: raise a notice (with photos and PDFs), review the
supplier's 8D answers step by step, move due dates, download attachments, the defect code list."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from suppliers.admin import AuditedAdmin
from suppliers.errors import DomainError
from suppliers.models import SupplierPart
from suppliers.quality import files, services
from suppliers.quality.forms import AttachmentsField, refusal_message
from suppliers.quality.models import (
    AutomaticNotice,
    DefectCode,
    DefectRateThreshold,
    EightDStep,
    NoticeAttachment,
    QualityNotice,
)
from suppliers.quality.views import serve_attachment


@admin.register(DefectCode)
class DefectCodeAdmin(AuditedAdmin):
    list_display = ["code", "label", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "label"]

    def has_delete_permission(self, request, obj=None):
        return False  # notices refer to codes: retire them (active off) instead


class NoticeRaiseForm(forms.ModelForm):
    attachments = AttachmentsField(label=_("Photos and PDFs"), help_text=_("PDF, JPEG, PNG, GIF or WebP; checked by content."))

    class Meta:
        model = QualityNotice
        fields = ["supplier", "part", "lot", "advice", "receipt", "order", "defect_code", "rejected_quantity",
                  "severity", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defect_code"].queryset = DefectCode.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        supplier = data.get("supplier")
        if supplier is None:
            return data
        for name in ("advice", "receipt", "order"):
            ref = data.get(name)
            if ref is not None and ref.supplier_id != supplier.pk:
                self.add_error(name, _("This belongs to another supplier."))
        part = data.get("part")
        if part is not None and not SupplierPart.objects.filter(supplier=supplier, part=part).exists():
            self.add_error("part", _("%(s)s does not supply this part.") % {"s": supplier.code})
        if not (data.get("lot") or data.get("advice") or data.get("receipt")):
            raise forms.ValidationError(_("Name the lot, the ASN or the goods receipt."))
        if data.get("rejected_quantity") is not None and data["rejected_quantity"] < 0:
            self.add_error("rejected_quantity", _("The rejected quantity cannot be negative."))
        return data


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("review", _("Answers to review")), ("overdue", _("Overdue steps"))]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(_to_review__gt=0)
        if self.value() == "overdue":
            return queryset.filter(_overdue__gt=0)
        return queryset


@admin.register(QualityNotice)
class QualityNoticeAdmin(AuditedAdmin):
    list_display = ["number", "supplier", "part", "lot", "defect_code", "severity", "status", "raised_at",
                    "progress", "to_review", "next_due"]
    list_filter = [AttentionFilter, "status", "severity", "supplier", "defect_code", "raised_at"]
    search_fields = ["number", "lot", "title", "part__buyer_part_number", "supplier__code", "advice__number",
                     "receipt__number"]
    list_select_related = ["supplier", "part", "defect_code"]
    date_hierarchy = "raised_at"
    autocomplete_fields = ["supplier", "part", "advice", "receipt", "order"]
    change_form_template = "admin/quality/notice_change_form.html"
    actions = ["cancel_notices"]

    def get_queryset(self, request):
        today = timezone.localdate()
        owed = Q(steps__status__in=EightDStep.OWED_BY_SUPPLIER)
        return super().get_queryset(request).annotate(
            _accepted=Count("steps", filter=Q(steps__status=EightDStep.Status.ACCEPTED)),
            _to_review=Count("steps", filter=Q(steps__status=EightDStep.Status.SUBMITTED)),
            _overdue=Count("steps", filter=owed & Q(steps__due_date__lt=today, status__in=QualityNotice.OPEN_STATUSES)),
            _next_due=Min("steps__due_date", filter=owed),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NoticeRaiseForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*NoticeRaiseForm.Meta.fields, "attachments"]
        return ["number", "status", "supplier", "part", "lot", "advice", "receipt", "order", "defect_code",
                "rejected_quantity", "unit", "severity", "title", "description", "raised_at", "raised_by",
                "closed_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # The notice itself is not edited: 8D reviews, due dates and cancellation have their own actions.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_cancel_permission(self, request):
        return request.user.has_perm("quality.change_qualitynotice")

    @admin.display(description=_("8D accepted"), ordering="_accepted")
    def progress(self, obj):
        return f"{obj._accepted}/8"

    @admin.display(description=_("to review"), ordering="_to_review")
    def to_review(self, obj):
        if obj._to_review:
            return format_html('<strong>{}</strong>', obj._to_review)
        return "0"

    @admin.display(description=_("next due"), ordering="_next_due")
    def next_due(self, obj):
        if not obj._next_due or not obj.is_open:
            return "—"
        if obj._overdue:
            return format_html('<strong style="color:#b3261e">{} ({})</strong>', obj._next_due, _("overdue"))
        return obj._next_due

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        try:
            notice = services.quality_notice_raise(
                supplier=data["supplier"], part=data["part"], defect_code=data["defect_code"],
                rejected_quantity=data["rejected_quantity"], severity=data["severity"], title=data["title"],
                description=data["description"], actor=request.user, lot=data.get("lot", ""),
                advice=data.get("advice"), receipt=data.get("receipt"), order=data.get("order"),
                attachments=data.get("attachments") or [],
            )
        except (DomainError, files.AttachmentRefused) as exc:
            raise forms.ValidationError(str(exc)) from exc
        obj.pk, obj.number = notice.pk, notice.number

    def save_related(self, request, form, formsets, change):
        pass  # the service saved everything

    def response_add(self, request, obj, post_url_continue=None):
        # The notice page (read-only, with the 8D) rather than the list.
        self.message_user(request, _("Quality notice %(n)s raised; the supplier has been told.") % {"n": obj.number},
                          messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:quality_qualitynotice_change", args=[obj.pk]))

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except forms.ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("Cancel selected notices"), permissions=["cancel"])
    def cancel_notices(self, request, queryset):
        done = 0
        for notice in queryset:
            try:
                services.quality_notice_cancel(notice=notice, actor=request.user,
                                               reason=f"cancelled in the console by {request.user.email}")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{notice.number}: {exc}", messages.WARNING)
        if done:
            self.message_user(request, _("%(n)d notice(s) cancelled.") % {"n": done}, messages.SUCCESS)

    # --- the 8D review page ------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        notice = self.get_object(request, object_id)
        extra = {}
        if notice is not None:
            steps = list(notice.steps.order_by("discipline").prefetch_related("answers", "attachments"))
            extra = {
                "steps": steps, "today": timezone.localdate(),
                "attachments": notice.attachments.select_related("step").order_by("uploaded_at"),
                "may_review": request.user.has_perm("quality.change_eightdstep") and notice.is_open,
                "may_attach": request.user.has_perm("quality.add_noticeattachment"),
                "attach_form": AttachmentUploadAdminForm(),
            }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/steps/<int:discipline>/review/", view(self.review_view), name="quality_step_review"),
            path("<int:pk>/steps/<int:discipline>/due/", view(self.due_view), name="quality_step_due"),
            path("<int:pk>/attachments/add/", view(self.attach_view), name="quality_attachment_add"),
            path("<int:pk>/attachments/<int:attachment_pk>/", view(self.download_view),
                 name="quality_attachment_download"),
            *super().get_urls(),
        ]

    def _back(self, pk: int, anchor: str = "") -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:quality_qualitynotice_change", args=[pk]) + anchor)

    def _step(self, request, pk: int, discipline: int, perm: str) -> EightDStep:
        if not request.user.has_perm(perm):
            raise Http404
        return get_object_or_404(EightDStep.objects.select_related("notice"), notice_id=pk, discipline=discipline)

    def review_view(self, request: HttpRequest, pk: int, discipline: int):
        if request.method != "POST":
            return self._back(pk, f"#step-{discipline}")
        step = self._step(request, pk, discipline, "quality.change_eightdstep")
        accept = request.POST.get("decision") == "accept"
        try:
            services.step_review(step=step, accept=accept, comment=request.POST.get("comment", ""),
                                 actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, (_("%(step)s accepted.") if accept else _("%(step)s returned to the supplier."))
                              % {"step": step.get_discipline_display()}, messages.SUCCESS)
        return self._back(pk, f"#step-{discipline}")

    def due_view(self, request: HttpRequest, pk: int, discipline: int):
        if request.method != "POST":
            return self._back(pk)
        step = self._step(request, pk, discipline, "quality.change_eightdstep")
        try:
            due = date.fromisoformat(request.POST.get("due_date", ""))
            services.step_set_due(step=step, due_date=due, actor=request.user)
        except ValueError:
            self.message_user(request, _("Enter the due date as YYYY-MM-DD."), messages.ERROR)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return self._back(pk, f"#step-{discipline}")

    def attach_view(self, request: HttpRequest, pk: int):
        if request.method != "POST" or not request.user.has_perm("quality.add_noticeattachment"):
            raise Http404
        notice = get_object_or_404(QualityNotice, pk=pk)
        form = AttachmentUploadAdminForm(request.POST, request.FILES)
        if not form.is_valid():
            for error in form.errors.get("attachments", []):
                self.message_user(request, error, messages.ERROR)
            return self._back(pk, "#attachments")
        for upload in form.cleaned_data["attachments"]:
            try:
                services.attachment_add(notice=notice, upload=upload, actor=request.user,
                                        side=NoticeAttachment.Side.BUYER)
            except files.AttachmentRefused as exc:
                self.message_user(request, refusal_message(exc, upload.name), messages.ERROR)
        return self._back(pk, "#attachments")

    def download_view(self, request: HttpRequest, pk: int, attachment_pk: int):
        # Buyer side only: staff (admin_view) with permission to see quality notices.
        if not request.user.has_perm("quality.view_qualitynotice"):
            raise Http404
        return serve_attachment(get_object_or_404(NoticeAttachment, notice_id=pk, pk=attachment_pk))


class AttachmentUploadAdminForm(forms.Form):
    attachments = AttachmentsField(label=_("Add photos or PDFs"), required=True)





def quality_overview() -> dict:
    """For the console's front page: open notices, answers to review, overdue steps."""
    today = timezone.localdate()
    open_notices = QualityNotice.objects.filter(status__in=QualityNotice.OPEN_STATUSES)
    steps = EightDStep.objects.filter(notice__status__in=QualityNotice.OPEN_STATUSES)
    return {
        "open": open_notices.count(),
        "to_review": steps.filter(status=EightDStep.Status.SUBMITTED).values("notice").distinct().count(),
        "overdue": steps.filter(status__in=EightDStep.OWED_BY_SUPPLIER, due_date__lt=today)
        .values("notice").distinct().count(),
    }


# --- production quality shared back: thresholds and the notices they raised -------------------------

@admin.register(DefectRateThreshold)
class DefectRateThresholdAdmin(AuditedAdmin):
    """Set by the quality engineers. The most specific active threshold wins for each defect code
    (the part's own before the all-parts one); one without a code limits the lot's total rate."""

    list_display = ["scope_part", "scope_code", "limit", "unit", "min_inspected", "severity", "is_active", "updated_at"]
    list_filter = ["is_active", "unit", "severity", ("part", admin.EmptyFieldListFilter),
                   ("defect_code", admin.EmptyFieldListFilter)]
    search_fields = ["part__buyer_part_number", "defect_code__code", "note"]
    list_select_related = ["part", "defect_code"]
    autocomplete_fields = ["part"]
    fields = ["part", "defect_code", "limit", "unit", "min_inspected", "severity", "is_active", "note"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "defect_code" in form.base_fields:
            form.base_fields["defect_code"].queryset = DefectCode.objects.filter(is_active=True)
        return form

    @admin.display(description=_("part"), ordering="part__buyer_part_number")
    def scope_part(self, obj):
        return obj.part.buyer_part_number if obj.part_id else _("all parts")

    @admin.display(description=_("defect code"), ordering="defect_code__code")
    def scope_code(self, obj):
        return obj.defect_code.code if obj.defect_code_id else _("all defects (total rate)")


@admin.register(AutomaticNotice)
class AutomaticNoticeAdmin(admin.ModelAdmin):
    """Read-only: the notices raised by a lot's defect rate, with the figures that raised them."""

    list_display = ["notice_link", "supplier", "part", "lot", "defect_code", "rate_ppm", "limit_ppm", "inspected",
                    "raised_at"]
    list_filter = ["supplier"]
    search_fields = ["lot", "part__buyer_part_number", "notice__number", "supplier__code"]
    list_select_related = ["notice", "supplier", "part"]
    date_hierarchy = "raised_at"

    @admin.display(description=_("quality notice"), ordering="notice__number")
    def notice_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:quality_qualitynotice_change", args=[obj.notice_id]),
                           obj.notice.number)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

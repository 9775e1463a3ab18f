"""Buyer console pages of supplier scorecards: every supplier's grade, one supplier's scorecard with
its trend and evidence, the rules (weights, bands, windows), runs, recompute on demand, CSV."""

from __future__ import annotations

import csv
from datetime import date

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from suppliers.admin import AuditedAdmin
from suppliers.models import Supplier
from suppliers.scorecards import kpis, present, selectors, services
from suppliers.scorecards.models import Scorecard, ScorecardRun, ScorecardSettings

# --- the rules --------------------------------------------------------------------------------------

class RulesForm(forms.ModelForm):
    class Meta:
        model = ScorecardSettings
        exclude = ["updated_by"]

    def clean(self):
        data = super().clean()
        for field, message in services.validate_rules(data).items():
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(ScorecardSettings)
class ScorecardSettingsAdmin(AuditedAdmin):
    form = RulesForm
    fieldsets = [
        (_("Weights (they must add up to 100)"), {"fields": list(kpis.WEIGHT_FIELDS.values()), "description": _(
            "A KPI without evidence in a period does not count there: the weights of the others are scaled up to 100.")}),
        (_("Grade bands"), {"fields": ["grade_a_min", "grade_b_min", "grade_c_min"]}),
        (_("Windows, tolerances and targets"), {"fields": [
            "on_time_early_days", "on_time_late_days", "quantity_tolerance_percent", "asn_lead_days",
            "response_target_hours", "ppm_limit", "price_tolerance_percent"]}),
    ]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rules = services.scorecard_settings_get()
        return HttpResponseRedirect(reverse("admin:scorecards_scorecardsettings_change", args=[rules.pk]))

    def save_model(self, request, obj, form, change):
        # Through the service: it checks the weights and bands again and records the change.
        values = {name: form.cleaned_data[name] for name in form.changed_data if name in services.RULE_FIELDS}
        try:
            services.scorecard_settings_update(actor=request.user, **values)
        except ValidationError as exc:  # pragma: no cover - the form checked the same rules
            raise PermissionDenied(str(exc)) from exc
        obj.refresh_from_db()

    def response_change(self, request, obj):
        self.message_user(request, _("Scorecard rules saved. They apply from the next computation."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:scorecards_scorecard_changelist"))


# --- runs ---------------------------------------------------------------------------------------

@admin.register(ScorecardRun)
class ScorecardRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "trigger", "supplier", "first_month", "last_month", "as_of", "requested_by",
                    "seconds", "counts"]
    list_filter = ["status", "trigger"]
    list_select_related = ["supplier", "requested_by"]
    readonly_fields = [f.name for f in ScorecardRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- scorecards ----------------------------------------------------------------------------------

class MonthFilter(admin.SimpleListFilter):
    title = _("month")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (Scorecard.objects.order_by("-month").values_list("month", flat=True).distinct()[:36])
        return [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]

    def queryset(self, request, queryset):
        month = present.month_param(self.value())
        return queryset.filter(month=month) if month else queryset


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["supplier", "month_label", "period", "score", "grade_badge", "kpis_counted", "open"]
    list_filter = ["period", MonthFilter, "grade"]
    search_fields = ["supplier__code", "supplier__name"]
    list_select_related = ["supplier"]
    ordering = ["score", "supplier__code"]
    actions = ["recompute_selected"]
    change_list_template = "admin/scorecards/scorecard_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _may_compute(self, request) -> bool:
        return request.user.has_perm("scorecards.add_scorecardrun")

    @admin.display(description=_("month"), ordering="month")
    def month_label(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("grade"), ordering="grade")
    def grade_badge(self, obj):
        return format_html('<span class="sc-badge sc-badge-{}">{}</span>', obj.grade, obj.grade)

    @admin.display(description=_("scorecard"))
    def open(self, obj):
        url = reverse("admin:scorecards_supplier", args=[obj.supplier_id]) + f"?month={obj.month:%Y-%m}"
        return format_html('<a href="{}">{}</a>', url, _("open"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("recompute/", view(self.recompute_view), name="scorecards_recompute"),
            path("export.csv", view(self.export_view), name="scorecards_export"),
            path("supplier/<int:supplier_id>/", view(self.supplier_view), name="scorecards_supplier"),
            path("supplier/<int:supplier_id>/export.csv", view(self.supplier_export_view), name="scorecards_supplier_export"),
            path("supplier/<int:supplier_id>/<str:kpi>/<str:period>/<str:month>/", view(self.evidence_view),
                 name="scorecards_evidence"),
            path("supplier/<int:supplier_id>/<str:kpi>/<str:period>/<str:month>/export.csv",
                 view(self.evidence_export_view), name="scorecards_evidence_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not request.GET and not request.POST:
            latest = selectors.latest_month()
            if latest is not None:
                return HttpResponseRedirect(f"{request.path}?period__exact={kpis.ROLLING}&month={latest:%Y-%m}")
        extra_context = {**(extra_context or {}), "title": _("Supplier scorecards"), "may_compute": self._may_compute(request),
                         "runs": ScorecardRun.objects.select_related("supplier")[:5]}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        card = self.get_object(request, object_id)
        if card is None or not self.has_view_permission(request, card):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return HttpResponseRedirect(reverse("admin:scorecards_supplier", args=[card.supplier_id])
                                    + f"?month={card.month:%Y-%m}")

    @admin.action(description=_("Recompute the selected suppliers' scorecards"))
    def recompute_selected(self, request, queryset):
        if not self._may_compute(request):
            raise PermissionDenied
        suppliers = Supplier.objects.filter(pk__in=queryset.values("supplier_id").distinct())
        for supplier in suppliers:
            services.scorecard_run_request(actor=request.user, supplier=supplier)
        self.message_user(request, _("Recomputing %(n)d suppliers' scorecards on the analytics queue.")
                          % {"n": len(suppliers)}, messages.SUCCESS)

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": self.opts, "app_label": self.opts.app_label,
                "has_view_permission": self.has_view_permission(request), **extra}

    def _check_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    @staticmethod
    def _month(value: str | None) -> date | None:
        return present.month_param(value)

    # on demand -----------------------------------------------------------------------------

    def recompute_view(self, request: HttpRequest):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self._may_compute(request):
            raise PermissionDenied
        supplier = None
        if request.POST.get("supplier"):
            supplier = get_object_or_404(Supplier, pk=request.POST["supplier"])
        months = 12
        try:
            months = max(1, min(60, int(request.POST.get("months") or 12)))
        except ValueError:
            pass
        run = services.scorecard_run_request(actor=request.user, supplier=supplier, months=months)
        self.message_user(request, _("Scorecard computation #%(run)d queued (analytics queue).") % {"run": run.pk},
                          messages.SUCCESS)
        if supplier is not None:
            return HttpResponseRedirect(reverse("admin:scorecards_supplier", args=[supplier.pk]))
        return HttpResponseRedirect(reverse("admin:scorecards_scorecard_changelist"))

    # one supplier ------------------------------------------------------------------------------

    def supplier_view(self, request: HttpRequest, supplier_id: int):
        self._check_view(request)
        supplier = get_object_or_404(Supplier, pk=supplier_id)
        month = self._month(request.GET.get("month"))
        page = selectors.scorecard_for(supplier=supplier, month=month)
        base = reverse("admin:scorecards_supplier", args=[supplier.pk])
        context = self._context(request, title=_("Scorecard: %(s)s") % {"s": supplier}, supplier=supplier,
                                may_compute=self._may_compute(request), sc=None)
        if page is not None:
            context.update(present.scorecard_context(
                page, month_url=lambda m: f"{base}?month={m:%Y-%m}",
                evidence_url=lambda k, p, m: reverse("admin:scorecards_evidence", args=[supplier.pk, k, p, f"{m:%Y-%m}"]),
            ))
            context["available"] = selectors.months_for(supplier=supplier)
        return TemplateResponse(request, "admin/scorecards/supplier.html", context)

    def supplier_export_view(self, request: HttpRequest, supplier_id: int) -> HttpResponse:
        from suppliers.scorecards.views import history_csv

        self._check_view(request)
        supplier = get_object_or_404(Supplier, pk=supplier_id)
        month = self._month(request.GET.get("month")) or selectors.latest_month(supplier=supplier)
        if month is None:
            raise Http404("no scorecard")
        return history_csv(supplier=supplier, month=month)

    def _evidence(self, request, supplier_id, kpi, period, month):
        self._check_view(request)
        supplier = get_object_or_404(Supplier, pk=supplier_id)
        m = self._month(month)
        if m is None:
            raise Http404("bad month")
        result = selectors.kpi_result_get(supplier=supplier, kpi=kpi, period=period, month=m)
        misses = request.GET.get("misses") == "1"
        return supplier, result, selectors.evidence_for(supplier=supplier, result=result, misses_only=misses), misses

    def evidence_view(self, request: HttpRequest, supplier_id: int, kpi: str, period: str, month: str):
        supplier, result, ev, misses = self._evidence(request, supplier_id, kpi, period, month)
        page = Paginator(ev.rows, 50).get_page(request.GET.get("page"))
        links = present.ConsoleLinks()
        return TemplateResponse(request, "admin/scorecards/evidence.html", self._context(
            request, title=f"{supplier.code}: {kpis.BY_CODE[kpi].label}", supplier=supplier, result=result, ev=ev,
            kpi=kpis.BY_CODE[kpi], page=page, misses=misses, headers=present.headers(kpi),
            table=present.table(kpi, page.object_list, links, result.run.parameters),
            notice_headers=present.NOTICE_HEADERS, notices=present.notice_table(ev.notices, links),
            value=present.value_text(kpi, result.value), rules=result.run.parameters,
            back=reverse("admin:scorecards_supplier", args=[supplier.pk]) + f"?month={result.month:%Y-%m}",
            export=reverse("admin:scorecards_evidence_export", args=[supplier.pk, kpi, period, month]),
        ))

    def evidence_export_view(self, request: HttpRequest, supplier_id: int, kpi: str, period: str, month: str):
        from suppliers.scorecards.views import evidence_csv

        supplier, result, ev, _misses = self._evidence(request, supplier_id, kpi, period, month)
        response = evidence_csv(ev, kpi, present.ConsoleLinks())
        response["Content-Disposition"] = (f'attachment; filename="scorecard-{supplier.code}-{kpi}-{period}-'
                                           f'{result.month:%Y-%m}.csv"')
        return response

    # every supplier ------------------------------------------------------------------------------

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Every supplier's score, grade and KPIs for one period (the changelist's filters)."""
        self._check_view(request)
        period = request.GET.get("period__exact") or kpis.ROLLING
        if period not in kpis.PERIODS:
            raise Http404("no such period")
        month = self._month(request.GET.get("month")) or selectors.latest_month()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["supplier", "name", "period", "month", "score", "grade", "kpis_counted", "weight_counted",
                         *[f"{code}_value" for code in kpis.CODES], *[f"{code}_score" for code in kpis.CODES]])
        if month is not None:
            from suppliers.scorecards.models import KpiResult

            values: dict[tuple[int, str], KpiResult] = {
                (r.supplier_id, r.kpi): r for r in KpiResult.objects.filter(period=period, month=month)}
            for card in selectors.scorecards_list(period=period, month=month).order_by("supplier__code"):
                rs = [values.get((card.supplier_id, code)) for code in kpis.CODES]
                writer.writerow([card.supplier.code, card.supplier.name, period, f"{month:%Y-%m}", card.score, card.grade,
                                 card.kpis_counted, card.weight_counted,
                                 *["" if r is None or r.value is None else r.value for r in rs],
                                 *["" if r is None or r.score is None else r.score for r in rs]])
        response["Content-Disposition"] = f'attachment; filename="scorecards-{period}-{month:%Y-%m}.csv"' if month else \
            'attachment; filename="scorecards.csv"'
        return response

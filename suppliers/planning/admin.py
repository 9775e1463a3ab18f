"""Buyer console pages of demand planning: forecasts per part with their accuracy (review, adjust,
publish), forecast runs, supply terms, replenishment policies and the approval queue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from suppliers.admin import AuditedAdmin
from suppliers.errors import DomainError
from suppliers.models import Supplier
from suppliers.planning import charts, selectors, services
from suppliers.planning.models import (
    MODEL_CHOICES,
    ForecastAdjustment,
    ForecastRun,
    PartForecast,
    ReplenishmentPolicy,
    ReplenishmentProposal,
    SupplyTerms,
    VendorManagedLevel,
)

# Short model names for the list (the review page gives the full ones).
SHORT_LABELS = {"ets": "ETS", "mstl_ets": "ETS+MSTL", "croston": "Croston", "sba": "SBA", "tsb": "TSB",
                "seasonal_naive": _("Seasonal naive"), "naive": _("Naive"), "zero": "—"}


def _n(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return f"{value:.{places}f}"


def _units(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def planning_overview() -> dict[str, Any]:
    """For the console's front page."""
    latest = ForecastRun.objects.filter(status=ForecastRun.Status.DONE).first()
    return {
        "pending": ReplenishmentProposal.objects.filter(status=ReplenishmentProposal.Status.PENDING).count(),
        "latest_run": latest,
        "forecasts": PartForecast.objects.filter(is_current=True).count(),
    }


# --- supply terms and policies ---------------------------------------------------------------------

@admin.register(SupplyTerms)
class SupplyTermsAdmin(AuditedAdmin):
    list_display = ["supplier_part", "part", "minimum_order_quantity", "order_multiple", "ordering_cost",
                    "share_percent", "lead_time"]
    list_filter = ["supplier_part__supplier", "supplier_part__part__commodity_class"]
    search_fields = ["supplier_part__part__buyer_part_number", "supplier_part__supplier_part_number",
                     "supplier_part__supplier__code"]
    list_select_related = ["supplier_part__supplier", "supplier_part__part"]
    autocomplete_fields = ["supplier_part"]

    @admin.display(description=_("part"), ordering="supplier_part__part__buyer_part_number")
    def part(self, obj):
        return obj.supplier_part.part.buyer_part_number

    @admin.display(description=_("lead time (days)"))
    def lead_time(self, obj):
        return obj.supplier_part.lead_time_days


@admin.register(ReplenishmentPolicy)
class ReplenishmentPolicyAdmin(AuditedAdmin):
    list_display = ["__str__", "part", "plant", "is_active", "autonomous", "service_level", "quantity_rule",
                    "cover_weeks", "review_weeks"]
    list_filter = ["is_active", "autonomous", "quantity_rule", "plant", "part__commodity_class"]
    search_fields = ["part__buyer_part_number", "part__description"]
    list_select_related = ["part", "plant"]
    autocomplete_fields = ["part"]
    actions = ["make_autonomous", "make_approval"]

    @admin.action(description=_("Order automatically (autonomous)"), permissions=["change"])
    def make_autonomous(self, request, queryset):
        self._set_autonomous(request, queryset, True)

    @admin.action(description=_("Send orders to the approval queue"), permissions=["change"])
    def make_approval(self, request, queryset):
        self._set_autonomous(request, queryset, False)

    def _set_autonomous(self, request, queryset, value: bool) -> None:
        from django.db import transaction

        from suppliers.audit import event_record

        with transaction.atomic():
            for pol in queryset.select_for_update():
                if pol.autonomous != value:
                    pol.autonomous = value
                    pol.save(update_fields=["autonomous", "updated_at"])
                    event_record(actor=request.user, verb="replenishmentpolicy.changed", obj=pol,
                                 payload={"fields": {"autonomous": str(value)}, "via": "console"})
        self.message_user(request, _("Updated."), messages.SUCCESS)


@admin.register(VendorManagedLevel)
class VendorManagedLevelAdmin(AuditedAdmin):
    """Min/max per supplier part and plant: the supplier sees them, with the stock, on its Inventory page."""

    list_display = ["supplier_part", "part", "supplier", "plant", "min_quantity", "max_quantity", "updated_at"]
    list_filter = ["supplier_part__supplier", "plant"]
    search_fields = ["supplier_part__part__buyer_part_number", "supplier_part__supplier_part_number",
                     "supplier_part__supplier__code"]
    list_select_related = ["supplier_part__supplier", "supplier_part__part", "plant"]
    autocomplete_fields = ["supplier_part"]
    fields = ["supplier_part", "plant", "min_quantity", "max_quantity", "note"]

    @admin.display(description=_("part"), ordering="supplier_part__part__buyer_part_number")
    def part(self, obj):
        return obj.supplier_part.part.buyer_part_number

    @admin.display(description=_("supplier"), ordering="supplier_part__supplier__code")
    def supplier(self, obj):
        return obj.supplier_part.supplier.code


# --- forecasts ----------------------------------------------------------------------------------------

@admin.register(ForecastRun)
class ForecastRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "actor_label", "first_week", "series", "seconds", "mean_mase",
                    "mean_baseline_mase", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ForecastRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mean MASE"))
    def mean_mase(self, obj):
        return _n((obj.summary or {}).get("mean_mase"))

    @admin.display(description=_("baseline MASE"))
    def mean_baseline_mase(self, obj):
        return _n((obj.summary or {}).get("mean_baseline_mase"))


class CurrentFilter(admin.SimpleListFilter):
    title = _("run")
    parameter_name = "run"

    def lookups(self, request, model_admin):
        return [("all", _("All runs"))]

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(is_current=True)

    def choices(self, changelist):
        yield {"selected": self.value() is None, "query_string": changelist.get_query_string(remove=[self.parameter_name]),
               "display": _("Current")}
        yield {"selected": self.value() == "all", "query_string": changelist.get_query_string({self.parameter_name: "all"}),
               "display": _("All runs")}


class AccuracyFilter(admin.SimpleListFilter):
    title = _("against the baseline")
    parameter_name = "accuracy"

    def lookups(self, request, model_admin):
        return [("better", _("Better than the baseline")), ("worse", _("Not better than the baseline"))]

    def queryset(self, request, queryset):
        from django.db.models import F

        if self.value() == "better":
            return queryset.filter(mase__lt=F("baseline_mase"))
        if self.value() == "worse":
            return queryset.filter(mase__gte=F("baseline_mase"))
        return queryset


class PublishForm(forms.Form):
    suppliers = forms.ModelMultipleChoiceField(
        label=_("Suppliers"), queryset=Supplier.objects.none(), widget=forms.CheckboxSelectMultiple)
    horizon_start = forms.DateField(label=_("Horizon starts"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text=_("The Monday of this date's week; empty: this week."))
    note = forms.CharField(label=_("Note to the suppliers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(PartForecast)
class PartForecastAdmin(admin.ModelAdmin):
    list_display = ["part_number", "plant_code", "demand", "model_display", "mase_display", "baseline_display", "wape_display",
                    "bias_display", "adjusted", "next_13_weeks"]
    list_filter = [CurrentFilter, "demand_class", "seasonal", "model", AccuracyFilter, "plant", "part__commodity_class"]
    search_fields = ["part__buyer_part_number", "part__description"]
    list_select_related = ["part", "plant", "run"]
    list_display_links = ["part_number"]  # opens the review page
    list_per_page = 100
    change_list_template = "admin/planning/forecast_changelist.html"
    change_form_template = "admin/planning/forecast_review.html"
    object_history_template = "admin/audit_history.html"

    def get_queryset(self, request):
        adjusted = (ForecastAdjustment.objects.filter(part=OuterRef("part"), plant=OuterRef("plant"),
                                                      week__gte=OuterRef("first_week"))
                    .values("part").annotate(n=Count("pk")).values("n"))
        return super().get_queryset(request).annotate(_adjusted=Coalesce(Subquery(adjusted), 0))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("part"), ordering="part__buyer_part_number")
    def part_number(self, obj):
        return format_html('<span title="{}">{}</span>', obj.part.description, obj.part.buyer_part_number)

    @admin.display(description=_("plant"), ordering="plant__code")
    def plant_code(self, obj):
        return obj.plant.code

    @admin.display(description=_("demand"), ordering="demand_class")
    def demand(self, obj):
        label = obj.get_demand_class_display()
        return format_html("{}{}", label, format_html(", {}", _("seasonal")) if obj.seasonal else "")

    @admin.display(description=_("model"), ordering="model")
    def model_display(self, obj):
        return format_html('<span title="{}">{}</span>', obj.model_label, SHORT_LABELS.get(obj.model, obj.model))

    @admin.display(description=_("MASE"), ordering="mase")
    def mase_display(self, obj):
        if obj.mase is None:
            return "—"
        better = obj.baseline_mase is not None and obj.mase < obj.baseline_mase
        return format_html('<span class="{}">{}</span>', "pl-better" if better else "pl-worse", _n(obj.mase))

    @admin.display(description=_("baseline"), ordering="baseline_mase")
    def baseline_display(self, obj):
        return _n(obj.baseline_mase)

    @admin.display(description=_("WAPE"), ordering="wape")
    def wape_display(self, obj):
        return "—" if obj.wape is None else f"{obj.wape:.0%}"

    @admin.display(description=_("bias"), ordering="bias")
    def bias_display(self, obj):
        return "—" if obj.bias is None else f"{obj.bias:+.0%}"

    @admin.display(description=_("adjusted weeks"), ordering="_adjusted")
    def adjusted(self, obj):
        return obj._adjusted or ""

    @admin.display(description=_("next 13 weeks"))
    def next_13_weeks(self, obj):
        return f"{sum(obj.values[:13]):,.0f}"

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="planning_partforecast_run"),
            path("publish/", self.admin_site.admin_view(self.publish_view), name="planning_partforecast_publish"),
            *super().get_urls(),
        ]

    def _may_adjust(self, request) -> bool:
        return request.user.has_perm("planning.change_partforecast")

    def _may_publish(self, request) -> bool:
        return self._may_adjust(request) and request.user.has_perm("forecasts.add_forecastversion")

    def changelist_view(self, request, extra_context=None):
        latest = ForecastRun.objects.first()
        extra_context = {**(extra_context or {}), "may_adjust": self._may_adjust(request),
                         "may_publish": self._may_publish(request), "latest_run": latest,
                         "title": _("Demand forecasts")}
        return super().changelist_view(request, extra_context)

    def run_view(self, request: HttpRequest):
        if request.method != "POST" or not self._may_adjust(request):
            raise PermissionDenied
        from django.db import transaction

        from suppliers.planning.tasks import forecast_run

        user_id = request.user.pk
        transaction.on_commit(lambda: forecast_run.delay(user_id=user_id))
        self.message_user(request, _("Forecast run queued; the list shows the new forecasts when it is done."),
                          messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:planning_partforecast_changelist"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        forecast = self.get_object(request, object_id)
        if forecast is None or not self.has_view_permission(request, forecast):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        may_adjust = self._may_adjust(request) and forecast.is_current
        adjustments = selectors.adjustments_for(part_id=forecast.part_id, plant_id=forecast.plant_id)
        weeks = selectors.forecast_weeks(forecast, adjustments)
        errors: list[str] = []
        if request.method == "POST":
            if not may_adjust:
                raise PermissionDenied
            changes, errors = _adjustments_from(request.POST, weeks)
            if not errors:
                try:
                    n = services.forecast_adjust(part=forecast.part, plant=forecast.plant, changes=changes,
                                                 actor=request.user, note=request.POST.get("note", "").strip())
                except DomainError as exc:
                    errors = [str(exc)]
                else:
                    self.message_user(request, ngettext("%(n)d week changed.", "%(n)d weeks changed.", n) % {"n": n},
                                      messages.SUCCESS)
                    return HttpResponseRedirect(request.path)
        chart = charts.forecast_chart(
            history_start=forecast.history_start, history=forecast.history, first_week=forecast.first_week,
            statistical=forecast.values, final=[w.final for w in weeks], sigma=forecast.sigma)
        candidates = []
        for name, m in (forecast.candidates or {}).items():
            if name == "failed":
                continue
            candidates.append({"name": dict(MODEL_CHOICES).get(name, name), "chosen": name == forecast.model,
                               "baseline": name == forecast.baseline_model, **m})
        candidates.sort(key=lambda c: (c["mase"] is None, c["mase"] or 0))
        proposals = ReplenishmentProposal.objects.filter(part=forecast.part, plant=forecast.plant).select_related(
            "order")[:5]
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": forecast, "forecast": forecast,
            "title": _("Forecast of %(part)s at %(plant)s") % {"part": forecast.part.buyer_part_number,
                                                                "plant": forecast.plant.code},
            "weeks": weeks, "chart": chart, "candidates": candidates, "may_adjust": may_adjust, "errors": errors,
            "failed": (forecast.candidates or {}).get("failed", {}), "app_label": self.opts.app_label,
            "has_view_permission": True, "proposals": proposals, "posted": request.POST if errors else None,
            "policy": ReplenishmentPolicy.objects.filter(part=forecast.part, plant=forecast.plant).first(),
            "history_total": sum(forecast.history[-52:]),
            "forecast_total": sum(w.final for w in weeks[:52]),
        }
        return TemplateResponse(request, self.change_form_template, context, status=400 if errors else 200)

    def publish_view(self, request: HttpRequest):
        if not self._may_publish(request):
            raise PermissionDenied
        start = selectors.monday_of(timezone.localdate())
        preview = services.statistical_lines(horizon_start=start)
        form = PublishForm(request.POST or None, initial={"suppliers": list(preview)})
        form.fields["suppliers"].queryset = Supplier.objects.filter(pk__in=list(preview)).order_by("code")
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                versions = services.forecast_publish_statistical(
                    actor=request.user, suppliers=data["suppliers"], horizon_start=data.get("horizon_start"),
                    note=data.get("note", ""))
            except DomainError as exc:
                errors = getattr(exc, "errors", None) or [str(exc)]
            else:
                self.message_user(request, _("Published: %(v)s.") % {"v": ", ".join(str(v) for v in versions)},
                                  messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:forecasts_forecastversion_changelist"))
        rows = []
        for supplier_id, entry in sorted(preview.items(), key=lambda kv: kv[1]["supplier"].code):
            first13 = sum(Decimal(p["quantity"]) for li in entry["lines"] for p in li["schedule"][:13])
            rows.append({"supplier": entry["supplier"], "parts": len(entry["lines"]), "first13": first13,
                         "split": sum(1 for li in entry["lines"] if li["share"] < 100)})
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form, "errors": errors,
                   "rows": rows, "start": start, "title": _("Publish the forecasts to suppliers"),
                   "app_label": self.opts.app_label}
        return TemplateResponse(request, "admin/planning/publish.html", context, status=400 if errors else 200)


def _adjustments_from(post, weeks: list[selectors.Week]) -> tuple[dict[date, Decimal | None], list[str]]:
    """Changed weeks from the review form: a number sets the week, an empty field removes it."""
    changes: dict[date, Decimal | None] = {}
    errors = []
    for w in weeks:
        key = f"w-{w.start.isoformat()}"
        if key not in post:
            continue
        raw = post.get(key, "").strip().replace(",", "")
        if raw == "":
            if w.adjusted is not None:
                changes[w.start] = None
            continue
        try:
            value = Decimal(raw)
        except ArithmeticError:
            errors.append(_("Week %(w)s: %(v)s is not a number.") % {"w": w.start, "v": raw})
            continue
        if not value.is_finite() or value < 0:
            errors.append(_("Week %(w)s: a forecast cannot be negative.") % {"w": w.start})
            continue
        if w.adjusted is None or value != w.adjusted:
            changes[w.start] = value
    return changes, errors


# --- the approval queue -------------------------------------------------------------------------------

class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", _("All")), *ReplenishmentProposal.Status.choices]

    def queryset(self, request, queryset):
        value = self.value() or ReplenishmentProposal.Status.PENDING
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist):
        current = self.value() or ReplenishmentProposal.Status.PENDING
        for value, label in self.lookup_choices:
            yield {"selected": current == value, "query_string": changelist.get_query_string({self.parameter_name: value}),
                   "display": label}


@admin.register(ReplenishmentProposal)
class ReplenishmentProposalAdmin(admin.ModelAdmin):
    list_display = ["part_number", "plant_code", "supplier_code", "quantity_display", "position_display",
                    "rop_display", "ss_display", "requested_date", "status", "order_link", "created_at"]
    list_display_links = ["part_number"]
    list_filter = [StatusFilter, "autonomous", "supplier", "plant"]
    search_fields = ["part__buyer_part_number", "supplier__code", "order__number"]
    list_select_related = ["part", "plant", "supplier", "order"]
    actions = ["approve", "reject"]
    readonly_fields = ["part", "plant", "supplier", "supplier_part", "status", "autonomous", "quantity",
                       "requested_date", "reorder_point", "safety_stock", "position", "order", "reason",
                       "decided_by", "decided_at", "created_at", "inputs_table", "forecast_link"]
    exclude = ["inputs", "forecast"]
    object_history_template = "admin/audit_history.html"
    change_list_template = "admin/planning/proposal_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Approving and rejecting are actions; nothing on a proposal is edited by hand.
        return False if obj is not None else super().has_change_permission(request, obj)

    def get_urls(self):
        return [path("run/", self.admin_site.admin_view(self.run_view), name="planning_replenishmentproposal_run"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("Replenishment: orders awaiting approval"),
                         "may_run": request.user.has_perm("planning.change_replenishmentproposal")}
        return super().changelist_view(request, extra_context)

    def run_view(self, request: HttpRequest):
        if request.method != "POST" or not request.user.has_perm("planning.change_replenishmentproposal"):
            raise PermissionDenied
        report = services.replenishment_run(actor=request.user)
        self.message_user(request, _("%(n)d parts evaluated: %(o)d orders released, %(p)d proposals awaiting "
                                     "approval.") % {"n": len(report.evaluations), "o": len(report.orders),
                                                     "p": report.awaiting},
                          messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:planning_replenishmentproposal_changelist"))

    @admin.display(description=_("part"), ordering="part__buyer_part_number")
    def part_number(self, obj):
        return obj.part.buyer_part_number

    @admin.display(description=_("plant"), ordering="plant__code")
    def plant_code(self, obj):
        return obj.plant.code

    @admin.display(description=_("supplier"), ordering="supplier__code")
    def supplier_code(self, obj):
        return obj.supplier.code

    @admin.display(description=_("quantity"), ordering="quantity")
    def quantity_display(self, obj):
        return _units(obj.quantity)

    @admin.display(description=_("stock + on order"), ordering="position")
    def position_display(self, obj):
        return _units(obj.position)

    @admin.display(description=_("reorder point"), ordering="reorder_point")
    def rop_display(self, obj):
        return _units(obj.reorder_point)

    @admin.display(description=_("safety stock"))
    def ss_display(self, obj):
        return _units(obj.safety_stock)

    @admin.display(description=_("purchase order"))
    def order_link(self, obj):
        if not obj.order_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:suppliers_purchaseorder_change", args=[obj.order_id]),
                           obj.order.number)

    @admin.display(description=_("forecast"))
    def forecast_link(self, obj):
        if not obj.forecast_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:planning_partforecast_change", args=[obj.forecast_id]),
                           obj.forecast)

    @admin.display(description=_("decision inputs"))
    def inputs_table(self, obj):
        rows = _input_rows(obj.inputs or {})
        return format_html('<table class="pl-inputs">{}</table>',
                           format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    @admin.action(description=_("Approve: issue purchase orders"), permissions=["approve"])
    def approve(self, request, queryset):
        pending = list(queryset.filter(status=ReplenishmentProposal.Status.PENDING))
        if not pending:
            self.message_user(request, _("Only proposals awaiting approval can be approved."), messages.WARNING)
            return
        try:
            orders = services.proposals_approve(proposals=pending, actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("Issued %(orders)s.") % {"orders": ", ".join(o.number for o in orders)},
                          messages.SUCCESS)
        return

    @admin.action(description=_("Reject…"), permissions=["approve"])
    def reject(self, request, queryset):
        pending = list(queryset.filter(status=ReplenishmentProposal.Status.PENDING).select_related("part", "plant"))
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            for proposal in pending:
                services.proposal_reject(proposal=proposal, reason=form.cleaned_data["reason"], actor=request.user)
            self.message_user(request, ngettext("%(n)d proposal rejected.", "%(n)d proposals rejected.", len(pending))
                              % {"n": len(pending)}, messages.SUCCESS)
            return None
        if not pending:
            self.message_user(request, _("Only proposals awaiting approval can be rejected."), messages.WARNING)
            return None
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form, "proposals": pending,
                   "title": _("Reject replenishment proposals"), "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                   "app_label": self.opts.app_label}
        return TemplateResponse(request, "admin/planning/reject.html", context)

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("planning.change_replenishmentproposal")


def _input_rows(inputs: dict[str, Any]) -> list[tuple[str, str]]:
    labels = [
        ("supplier", _("supplier")), ("supplier_part", _("supplier part")), ("share", _("share (%)")),
        ("lead_time_days", _("lead time (days)")), ("review_weeks", _("review period (weeks)")),
        ("protection_weeks", _("protection period (weeks)")), ("service_level", _("service level")),
        ("z", _("z")), ("lead_time_demand", _("forecast over the protection period")),
        ("safety_stock", _("safety stock = z × σ × √weeks")), ("reorder_point", _("reorder point")),
        ("on_order", _("on order")), ("position", _("available + on order")), ("quantity", _("quantity")),
    ]
    rows = []
    for key, label in labels:
        if key in inputs:
            rows.append((str(label), str(inputs[key])))
    stock = inputs.get("stock") or {}
    if stock:
        rows.insert(3, (str(_("stock")), _("%(on_hand)s on hand, %(blocked)s blocked, %(available)s available (%(day)s)") % {
            "on_hand": stock.get("on_hand"), "blocked": stock.get("blocked"), "available": stock.get("available"),
            "day": stock.get("day") or "—"}))
    fc = inputs.get("forecast") or {}
    if fc:
        rows.insert(4, (str(_("forecast")), _("run %(run)s, %(model)s, σ %(sigma)s, weekly %(weekly)s") % {
            "run": fc.get("run"), "model": fc.get("model"), "sigma": fc.get("sigma"),
            "weekly": ", ".join(str(v) for v in fc.get("weekly", []))}))
    rule = inputs.get("quantity_rule") or {}
    if rule:
        rows.append((str(_("quantity rule")), ", ".join(f"{k} {v}" for k, v in rule.items())))
    for line in inputs.get("open_lines") or []:
        rows.append((str(_("open order line")), _("%(order)s/%(line)s: %(open)s due %(due)s") % {
            "order": line.get("order"), "line": line.get("line"), "open": line.get("open"), "due": line.get("due")}))
    return rows

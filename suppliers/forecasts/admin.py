"""Buyer console pages of forecast collaboration: publish from CSV, versions with their grid,
commit gaps by part and supplier, zone profiles and the reason code list."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from suppliers.admin import AuditedAdmin
from suppliers.forecasts import buckets as bucketing
from suppliers.forecasts import csvio, selectors, services
from suppliers.forecasts.models import (
    CommitGap,
    ForecastProfile,
    ForecastVersion,
    ReasonCode,
    Zone,
)
from suppliers.models import Plant, Supplier


@admin.register(ReasonCode)
class ReasonCodeAdmin(AuditedAdmin):
    list_display = ["code", "label", "is_active", "sort_order"]
    list_filter = ["is_active"]
    search_fields = ["code", "label"]

    def has_delete_permission(self, request, obj=None):
        return False  # commitments refer to codes: retire them (active off) instead


@admin.register(ForecastProfile)
class ForecastProfileAdmin(AuditedAdmin):
    list_display = ["supplier", "firm_weeks", "planning_weeks"]
    search_fields = ["supplier__code", "supplier__name"]
    autocomplete_fields = ["supplier"]
    list_select_related = ["supplier"]


class PublishForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.all())
    file = forms.FileField(label=_("Forecast CSV"), help_text=_(
        "Columns buyer_part, start, end, quantity; one row per part and period (dates YYYY-MM-DD). Periods are "
        "spread over the buckets by days."))
    horizon_start = forms.DateField(label=_("Horizon starts"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text=_("The Monday of this date's week; empty: this week."))
    ship_to = forms.ModelChoiceField(label=_("Ship to"), queryset=Plant.objects.all(), required=False)
    note = forms.CharField(label=_("Note to the supplier"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(ForecastVersion)
class ForecastVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "supplier", "number", "published_at", "horizon_start", "horizon_end", "line_count",
                    "source", "current", "grid_link"]
    list_filter = ["supplier", "source", ("superseded_at", admin.EmptyFieldListFilter), "published_at"]
    search_fields = ["supplier__code", "supplier__name", "reference", "lines__part__buyer_part_number"]
    list_select_related = ["supplier"]
    date_hierarchy = "published_at"
    change_list_template = "admin/forecasts/version_changelist.html"
    change_form_template = "admin/forecasts/version_grid.html"
    readonly_fields = [f.name for f in ForecastVersion._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_lines=Count("lines"))

    def has_add_permission(self, request):
        return False  # versions are published (CSV, API), never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("parts"), ordering="_lines")
    def line_count(self, obj):
        return obj._lines

    @admin.display(description=_("current"), boolean=True, ordering="superseded_at")
    def current(self, obj):
        return obj.superseded_at is None

    @admin.display(description=_("grid"))
    def grid_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:forecasts_forecastversion_change", args=[obj.pk]),
                           _("open"))

    def get_urls(self):
        return [
            path("publish/", self.admin_site.admin_view(self.publish_view), name="forecasts_forecastversion_publish"),
            path("template.csv", self.admin_site.admin_view(self.template_view),
                 name="forecasts_forecastversion_template"),
            *super().get_urls(),
        ]

    def _may_publish(self, request) -> bool:
        return request.user.has_perm("forecasts.add_forecastversion")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_publish": self._may_publish(request)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        if version is None or not self.has_view_permission(request, version):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        page = Paginator(selectors.forecast_lines_for(version=version, search=request.GET.get("q", "").strip()),
                         100).get_page(request.GET.get("page"))
        lines = page.object_list
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": str(version), "version": version,
            "lines": lines, "page": page, "columns": lines[0].buckets.all() if lines else [], "zones": Zone,
            "q": request.GET.get("q", ""), "app_label": self.opts.app_label, "original": version,
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.change_form_template, context)

    def publish_view(self, request: HttpRequest):
        if not self._may_publish(request):
            raise PermissionDenied
        form = PublishForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                lines = csvio.publish_lines(data["file"])
                version = services.forecast_publish(
                    supplier=data["supplier"], lines=lines, actor=request.user,
                    source=ForecastVersion.Source.CONSOLE, horizon_start=data.get("horizon_start"),
                    ship_to=data.get("ship_to"), note=data.get("note", ""),
                )
            except csvio.CsvError as exc:
                errors = exc.errors
            except services.ForecastErrors as exc:
                errors = exc.errors
            else:
                self.message_user(request, _("Forecast version %(n)d published to %(s)s.") % {
                    "n": version.number, "s": version.supplier.code}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:forecasts_forecastversion_change", args=[version.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form, "errors": errors,
                   "title": _("Publish a forecast"), "app_label": self.opts.app_label}
        return TemplateResponse(request, "admin/forecasts/publish.html", context, status=400 if errors else 200)

    def template_view(self, request: HttpRequest) -> HttpResponse:
        """A CSV to fill in: the supplier's parts × the buckets of this week's horizon, with the
        current version's quantities."""
        supplier = get_object_or_404(Supplier, pk=request.GET.get("supplier"))
        profile = services.profile_for(supplier)
        layout = bucketing.layout(bucketing.monday_of(timezone.localdate()), firm_weeks=profile.firm_weeks,
                                  planning_weeks=profile.planning_weeks)
        current = selectors.forecast_current_for(supplier=supplier)
        known: dict[tuple[str, object], object] = {}
        if current is not None:
            for b in selectors.forecast_buckets_for(version=current):
                known[(b.line.part.buyer_part_number, b.start, b.end)] = b.quantity
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="forecast-template-{supplier.code}.csv"'
        writer = csv.writer(response)
        writer.writerow([*csvio.PUBLISH_HEADER, "zone", "description"])
        for offer in supplier.supplier_parts.select_related("part").order_by("part__buyer_part_number"):
            for b in layout:
                quantity = known.get((offer.part.buyer_part_number, b.start, b.end), "")
                writer.writerow([offer.part.buyer_part_number, b.start, b.end,
                                 "" if quantity == "" else format(quantity.normalize(), "f"), b.zone,
                                 offer.part.description])
        return response


class GapFilter(admin.SimpleListFilter):
    title = _("commitment")
    parameter_name = "commitment"

    def lookups(self, request, model_admin):
        return [("gap", _("Committed short")), ("open", _("Awaiting commitment")), ("ok", _("Fully committed"))]

    def queryset(self, request, queryset):
        if self.value() == "gap":
            return queryset.filter(gap__gt=0)
        if self.value() == "open":
            return queryset.filter(uncommitted__gt=0)
        if self.value() == "ok":
            return queryset.filter(gap=0, uncommitted=0)
        return queryset


@admin.register(CommitGap)
class CommitGapAdmin(admin.ModelAdmin):
    """Commit gaps by part and supplier over the firm and planning zones of current forecasts."""

    list_display = ["supplier", "part_number", "description", "version_link", "forecast_total", "committed_total",
                    "gap_display", "short_buckets", "uncommitted", "first_short"]
    list_filter = [GapFilter, "version__supplier", "part__commodity_class"]
    search_fields = ["part__buyer_part_number", "supplier_part_number", "part__description", "version__supplier__code",
                     "version__supplier__name"]
    list_select_related = ["version__supplier", "part"]
    list_display_links = None  # the version link opens the grid
    list_per_page = 100

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Commit gaps by part and supplier (firm and planning zones)"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return selectors.commit_gaps(super().get_queryset(request)).order_by(
            "-gap", "version__supplier__code", "part__buyer_part_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    @admin.display(description=_("supplier"), ordering="version__supplier__code")
    def supplier(self, obj):
        return obj.version.supplier.code

    @admin.display(description=_("part"), ordering="part__buyer_part_number")
    def part_number(self, obj):
        return obj.part.buyer_part_number

    @admin.display(description=_("description"))
    def description(self, obj):
        return obj.part.description

    @admin.display(description=_("version"))
    def version_link(self, obj):
        url = reverse("admin:forecasts_forecastversion_change", args=[obj.version_id]) + f"?q={obj.part.buyer_part_number}"
        return format_html('<a href="{}">v{}</a>', url, obj.version.number)

    @admin.display(description=_("forecast"), ordering="forecast_total")
    def forecast_total(self, obj):
        return _plain(obj.forecast_total)

    @admin.display(description=_("committed"), ordering="committed_total")
    def committed_total(self, obj):
        return _plain(obj.committed_total)

    @admin.display(description=_("gap"), ordering="gap")
    def gap_display(self, obj):
        if obj.gap:
            return format_html('<strong class="fc-gap" data-testid="gap-{}">{}</strong>', obj.part.buyer_part_number,
                               _plain(obj.gap))
        return "0"

    @admin.display(description=_("short buckets"), ordering="short_buckets")
    def short_buckets(self, obj):
        return obj.short_buckets

    @admin.display(description=_("awaiting commitment"), ordering="uncommitted")
    def uncommitted(self, obj):
        return _plain(obj.uncommitted)

    @admin.display(description=_("first short"), ordering="first_short")
    def first_short(self, obj):
        return obj.first_short or "—"


def _plain(value) -> str:
    return format(value.normalize(), "f") if value is not None else "—"



def forecast_overview() -> dict:
    """For the console's front page: parts of current forecasts committed short or not yet committed."""
    rows = selectors.commit_gaps()
    return {"short": rows.filter(gap__gt=0).count(), "open": rows.filter(uncommitted__gt=0).count()}

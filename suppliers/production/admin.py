"""Console pages for production data posted by the ERP / MES (read-only: the API writes them)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from suppliers.production.models import (
    Consumption,
    InspectionDefect,
    InspectionResult,
    LotHold,
    StockLevel,
    WorkOrder,
    WorkOrderComponent,
    WorkOrderOutput,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnly):
    list_display = ["part", "plant", "day", "quantity", "blocked"]
    list_filter = ["plant"]
    search_fields = ["part__buyer_part_number"]
    date_hierarchy = "day"
    list_select_related = ["part", "plant"]


@admin.register(Consumption)
class ConsumptionAdmin(ReadOnly):
    list_display = ["part", "plant", "day", "week", "quantity"]
    list_filter = ["plant"]
    search_fields = ["part__buyer_part_number"]
    date_hierarchy = "day"
    list_select_related = ["part", "plant"]


class DefectInline(admin.TabularInline):
    model = InspectionDefect
    extra = 0
    can_delete = False
    readonly_fields = ["code", "quantity", "description"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionResult)
class InspectionResultAdmin(ReadOnly):
    list_display = ["reference", "lot", "part", "supplier", "plant", "stage", "inspected_at", "quantity_inspected",
                    "quantity_passed"]
    list_filter = ["stage", "plant", "supplier"]
    search_fields = ["reference", "lot", "part__buyer_part_number", "work_order", "defects__code"]
    date_hierarchy = "inspected_at"
    list_select_related = ["part", "plant", "supplier"]
    inlines = [DefectInline]


class ComponentInline(admin.TabularInline):
    model = WorkOrderComponent
    extra = 0
    can_delete = False
    readonly_fields = ["part", "lot", "supplier", "quantity"]

    def has_add_permission(self, request, obj=None):
        return False


class OutputInline(admin.TabularInline):
    model = WorkOrderOutput
    extra = 0
    can_delete = False
    readonly_fields = ["serial", "lot", "quantity"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnly):
    list_display = ["number", "plant", "part", "started_on", "completed_on"]
    list_filter = ["plant"]
    search_fields = ["number", "components__lot", "outputs__serial", "outputs__lot"]
    list_select_related = ["plant", "part"]
    inlines = [ComponentInline, OutputInline]


class ActiveFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("On hold")), ("no", _("Released"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(released_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(released_at__isnull=False)
        return queryset


@admin.register(LotHold)
class LotHoldAdmin(ReadOnly):
    """Holds are placed and released on the traceability page (with a reason and an audit event)."""

    list_display = ["lot", "part", "supplier", "reason", "placed_at", "placed_by", "released_at", "released_by",
                    "trace"]
    list_filter = [ActiveFilter, "supplier"]
    search_fields = ["lot", "part__buyer_part_number", "reason", "supplier__code"]
    date_hierarchy = "placed_at"
    list_select_related = ["part", "supplier", "placed_by", "released_by"]

    @admin.display(description=_("traceability"))
    def trace(self, obj):
        return format_html('<a href="{}?{}">{}</a>', reverse("traceability:page"), urlencode({"q": obj.lot}),
                           _("trace"))

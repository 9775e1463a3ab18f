"""Buyer console pages for the supplier domain.

Every save and delete made here is audited (``AuditedAdmin``), and the per-object "History"
page shows the audit events of that object, whoever made them (console, portal, EDI, API).
Status changes go through the services' transition guard as admin actions, never by editing
the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from suppliers import services
from suppliers.audit import event_record, events_for
from suppliers.errors import DomainError
from suppliers.models import (
    BuyerSettings,
    DespatchAdvice,
    DespatchAdviceLine,
    DespatchPackage,
    Event,
    GoodsReceipt,
    GoodsReceiptLine,
    Invitation,
    Notification,
    NotificationDelivery,
    OrderResponse,
    Part,
    Plant,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierMembership,
    SupplierPart,
)

User = get_user_model()


def _changes(form: forms.ModelForm | None) -> dict[str, Any]:
    if form is None:
        return {}
    return {name: str(form.cleaned_data.get(name)) for name in form.changed_data if name in form.cleaned_data}


class AuditedAdmin(admin.ModelAdmin):
    """Records an audit event for each save and delete, and shows the events as history."""

    object_history_template = "admin/audit_history.html"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = f"{obj._meta.model_name}.{'changed' if change else 'created'}"
        event_record(actor=request.user, verb=verb, obj=obj, payload={"fields": _changes(form), "via": "console"})

    def delete_model(self, request, obj):
        event_record(actor=request.user, verb=f"{obj._meta.model_name}.deleted", obj=obj, payload={"via": "console"})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            event_record(actor=request.user, verb=f"{obj._meta.model_name}.deleted", obj=obj, payload={"via": "console"})
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            event_record(actor=request.user, verb=f"{obj._meta.model_name}.deleted", obj=form.instance,
                         payload={"item": str(obj), "via": "console"})
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            event_record(actor=request.user, verb=f"{obj._meta.model_name}.{'created' if created else 'changed'}",
                         obj=form.instance, payload={"item": str(obj), "via": "console"})
        formset.save_m2m()

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "object": obj,
            "events": events_for(obj)[:500],
            "opts": self.opts,
            "app_label": self.opts.app_label,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)


# --- Suppliers, users, invitations --------------------------------------------------------------

class MembershipInline(admin.TabularInline):
    model = SupplierMembership
    extra = 0
    fields = ["user", "role", "is_active"]
    raw_id_fields = ["user"]


class SupplierPartInline(admin.TabularInline):
    model = SupplierPart
    extra = 0
    autocomplete_fields = ["part"]


@admin.register(Supplier)
class SupplierAdmin(AuditedAdmin):
    list_display = ["code", "name", "status", "edi_enabled", "require_mfa", "user_count", "open_orders"]
    list_filter = ["status", "edi_enabled", "require_mfa"]
    search_fields = ["code", "name", "contact_email"]
    inlines = [MembershipInline, SupplierPartInline]
    readonly_fields = ["sscc_next_serial"]
    fieldsets = [
        (None, {"fields": ["code", "name", "status", "contact_email", "edi_enabled", "require_mfa"]}),
        (_("Shipping (web ASNs)"), {"fields": ["gs1_company_prefix", "asn_tolerance_percent", "sscc_next_serial"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _users=Count("memberships", distinct=True),
        )

    @admin.display(description=_("users"), ordering="_users")
    def user_count(self, obj):
        return obj._users

    @admin.display(description=_("open POs"))
    def open_orders(self, obj):
        url = reverse("admin:suppliers_purchaseorder_changelist") + f"?supplier__id__exact={obj.pk}"
        count = obj.purchase_orders.filter(status__in=PurchaseOrder.OPEN_STATUSES).count()
        return format_html('<a href="{}">{}</a>', url, count)


class InvitationCreateForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["supplier", "email", "role"]


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ["email", "supplier", "role", "state_label", "invited_by", "created_at", "expires_at"]
    list_filter = ["supplier", "role"]
    search_fields = ["email", "supplier__code"]
    actions = ["revoke"]

    @admin.display(description=_("state"))
    def state_label(self, obj: Invitation) -> str:
        labels = {"pending": pgettext("invitation", "Pending"), "accepted": pgettext("invitation", "Accepted"),
                  "revoked": pgettext("invitation", "Revoked"), "expired": pgettext("invitation", "Expired")}
        return labels.get(obj.state, obj.state)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["email", "supplier", "role", "user", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["supplier", "email", "role"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            issued = services.invitation_create(
                supplier=form.cleaned_data["supplier"], email=form.cleaned_data["email"],
                role=form.cleaned_data["role"], actor=request.user,
            )
        except DomainError as exc:
            # The admin's add view runs in a transaction: give up this request cleanly.
            raise forms.ValidationError(str(exc)) from exc
        obj.pk = issued.invitation.pk
        self._issued = issued
        messages.info(request, format_html(
            _("Invitation e-mailed. The one-time link, if you need to pass it on yourself: {}"),
            request.build_absolute_uri(issued.path),
        ))

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except forms.ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(description=_("Revoke selected invitations"))
    def revoke(self, request, queryset):
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation, actor=request.user)


class SupplierMembershipAdminInline(admin.StackedInline):
    model = SupplierMembership
    extra = 0
    max_num = 1
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["email", "first_name", "last_name", "supplier", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "groups", "supplier_membership__supplier"]
    search_fields = ["email", "first_name", "last_name", "supplier_membership__supplier__code"]
    ordering = ["email"]
    inlines = [SupplierMembershipAdminInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("supplier_membership__supplier")

    @admin.display(description=_("supplier"), ordering="supplier_membership__supplier__code")
    def supplier(self, obj):
        membership = getattr(obj, "supplier_membership", None)
        return membership.supplier.code if membership else "—"


# --- Catalogue -------------------------------------------------------------------------------

@admin.register(Plant)
class PlantAdmin(AuditedAdmin):
    list_display = ["code", "name", "gln"]
    search_fields = ["code", "name", "gln"]


@admin.register(Part)
class PartAdmin(AuditedAdmin):
    list_display = ["buyer_part_number", "description", "unit", "commodity_class", "is_active"]
    list_filter = ["commodity_class", "is_active"]
    search_fields = ["buyer_part_number", "description", "supplier_parts__supplier_part_number"]
    inlines = [SupplierPartInline]


@admin.register(SupplierPart)
class SupplierPartAdmin(AuditedAdmin):
    list_display = ["supplier", "supplier_part_number", "part", "lead_time_days", "price", "currency"]
    list_filter = ["supplier", "currency", "part__commodity_class"]
    search_fields = ["supplier_part_number", "part__buyer_part_number", "supplier__code"]
    autocomplete_fields = ["part", "supplier"]
    list_select_related = ["supplier", "part"]


# --- Orders ------------------------------------------------------------------------------------

class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    autocomplete_fields = ["part"]
    fields = ["line_no", "part", "supplier_part_number", "quantity", "unit", "price", "requested_date",
              "confirmation", "confirmed_quantity", "confirmed_date", "reason_code", "rejection_reason", "cancelled"]
    readonly_fields = ["confirmation", "confirmed_quantity", "confirmed_date", "reason_code", "rejection_reason"]


def _transition_action(target: str, label: str):
    def action(modeladmin, request, queryset):
        done = 0
        for order in queryset:
            try:
                with transaction.atomic():
                    services.purchase_order_transition(order=order, to=target, actor=request.user)
                done += 1
            except DomainError as exc:
                modeladmin.message_user(request, str(exc), messages.WARNING)
        if done:
            modeladmin.message_user(request, _("%(n)d order(s) updated.") % {"n": done}, messages.SUCCESS)

    action.__name__ = f"mark_{target}"
    return admin.action(description=label)(action)


class OrderResponseInline(admin.TabularInline):
    """The supplier's answers, newest first: from the portal, by EDI or through the API."""

    model = OrderResponse
    extra = 0
    can_delete = False
    fields = ["number", "created_at", "source", "actor_label", "status", "answer", "erp_file"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]
    verbose_name_plural = _("order responses (supplier confirmations)")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lines"))
    def answer(self, obj):
        parts = []
        for li in obj.document.get("lines", []):
            text = f"{li.get('line')}: {li.get('status')}"
            if li.get("quantity"):
                text += f" {li['quantity']}"
            if li.get("delivery_date"):
                text += f" @ {li['delivery_date']}"
            if li.get("x_reason_code") or li.get("reason"):
                text += f" ({', '.join(x for x in (li.get('x_reason_code'), li.get('reason')) if x)})"
            parts.append(text)
        return format_html("<br>".join(["{}"] * len(parts)), *parts) if parts else "—"


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(AuditedAdmin):
    list_display = ["number", "revision", "supplier", "ship_to", "status", "order_date", "line_count",
                    "confirmation_summary", "last_response", "allow_rejection", "source"]
    list_filter = ["status", "supplier", "ship_to", "source", "order_date"]
    search_fields = ["number", "supplier__code", "supplier__name", "lines__part__buyer_part_number"]
    date_hierarchy = "order_date"
    list_select_related = ["supplier", "ship_to"]
    readonly_fields = ["status", "issued_at", "created_at", "updated_at"]
    autocomplete_fields = ["supplier"]
    inlines = [PurchaseOrderLineInline, OrderResponseInline]
    actions = [
        _transition_action(PurchaseOrder.Status.ISSUED, _("Issue to supplier")),
        _transition_action(PurchaseOrder.Status.CLOSED, _("Close")),
        _transition_action(PurchaseOrder.Status.CANCELLED, _("Cancel")),
    ]

    def get_queryset(self, request):
        live = Q(lines__cancelled=False)
        return super().get_queryset(request).annotate(
            _lines=Count("lines", distinct=True),
            _pending=Count("lines", filter=live & Q(lines__confirmation="pending"), distinct=True),
            _changed=Count("lines", filter=live & Q(lines__confirmation="changed"), distinct=True),
            _rejected=Count("lines", filter=live & Q(lines__confirmation="rejected"), distinct=True),
            _last_response=Max("responses__created_at"),
        )

    @admin.display(description=_("lines"), ordering="_lines")
    def line_count(self, obj):
        return obj._lines

    @admin.display(description=_("confirmation"))
    def confirmation_summary(self, obj):
        parts = []
        if obj._pending:
            parts.append(_("%(n)d waiting") % {"n": obj._pending})
        if obj._changed:
            parts.append(_("%(n)d changed") % {"n": obj._changed})
        if obj._rejected:
            parts.append(_("%(n)d rejected") % {"n": obj._rejected})
        return ", ".join(parts) or (_("all accepted") if obj._lines else "—")

    @admin.display(description=_("last response"), ordering="_last_response")
    def last_response(self, obj):
        return obj._last_response


# --- Despatch advices and receipts ---------------------------------------------------------------

class DespatchPackageInline(admin.TabularInline):
    model = DespatchPackage
    extra = 0
    fields = ["sscc", "package_type", "parent", "gross_weight_kg"]


class DespatchLineInline(admin.TabularInline):
    model = DespatchAdviceLine
    extra = 0
    fields = ["line_no", "order_line", "part", "quantity", "unit", "package", "lot_list", "serial_count"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line__order", "part", "package").prefetch_related("lots", "serials")

    @admin.display(description=_("lots"))
    def lot_list(self, obj):
        return ", ".join(f"{lot.lot} ({lot.quantity.normalize()})" for lot in obj.lots.all()) or "—"

    @admin.display(description=_("serials"))
    def serial_count(self, obj):
        return len(obj.serials.all())


@admin.register(DespatchAdvice)
class DespatchAdviceAdmin(AuditedAdmin):
    list_display = ["number", "supplier", "ship_to", "status", "source", "ship_date", "expected_delivery", "carrier", "tracking_number"]
    list_filter = ["status", "source", "supplier", "ship_to", "ship_date"]
    search_fields = ["number", "tracking_number", "supplier__code", "lines__lots__lot", "lines__serials__serial", "packages__sscc"]
    date_hierarchy = "ship_date"
    list_select_related = ["supplier", "ship_to"]
    readonly_fields = ["number", "supplier", "ship_to", "status", "source", "ship_date", "expected_delivery",
                       "carrier", "tracking_number", "created_by", "submitted_at", "created_at", "erp_file", "published_at"]
    inlines = [DespatchPackageInline, DespatchLineInline]

    def has_add_permission(self, request):
        return False  # ASNs come from suppliers: the portal, EDI or the API


class GoodsReceiptLineInline(admin.TabularInline):
    model = GoodsReceiptLine
    extra = 0
    raw_id_fields = ["order_line", "advice_line"]
    autocomplete_fields = ["part"]
    fields = ["line_no", "order_line", "advice_line", "part", "lot", "received_quantity", "rejected_quantity", "received_on"]


@admin.register(GoodsReceipt)
class GoodsReceiptAdmin(AuditedAdmin):
    list_display = ["number", "supplier", "plant", "advice", "received_on"]
    list_filter = ["supplier", "plant", "received_on"]
    search_fields = ["number", "advice__number", "supplier__code", "lines__lot"]
    date_hierarchy = "received_on"
    list_select_related = ["supplier", "plant", "advice"]
    raw_id_fields = ["advice"]
    inlines = [GoodsReceiptLineInline]


@admin.register(BuyerSettings)
class BuyerSettingsAdmin(AuditedAdmin):
    """Buyer-wide portal defaults: one row."""

    fields = ["asn_tolerance_percent"]

    def has_add_permission(self, request):
        return not BuyerSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = BuyerSettings.get()
        return HttpResponseRedirect(reverse("admin:suppliers_buyersettings_change", args=[obj.pk]))


class NotificationDeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    extra = 0
    can_delete = False
    fields = ["email", "language", "subject", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """E-mails sent to suppliers' people, with who got them (read-only)."""

    list_display = ["created_at", "kind", "supplier", "sent_at", "delivery_count"]
    list_filter = ["kind", "supplier"]
    date_hierarchy = "created_at"
    list_select_related = ["supplier"]
    readonly_fields = ["kind", "supplier", "subject_template", "body_template", "context", "url", "user_ids",
                       "created_at", "sent_at"]
    inlines = [NotificationDeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_deliveries=Count("deliveries"))

    @admin.display(description=_("e-mails"), ordering="_deliveries")
    def delivery_count(self, obj):
        return obj._deliveries

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_label", "verb", "object_repr", "supplier"]
    list_filter = ["verb", "supplier", "content_type"]
    search_fields = ["actor_label", "verb", "object_repr"]
    date_hierarchy = "occurred_at"
    list_select_related = ["supplier"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

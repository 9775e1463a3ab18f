"""Console pages: API keys (the add form shows the new key once), the feed and its cursors."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from suppliers.admin import AuditedAdmin
from suppliers.erp.models import ApiKey, FeedAcknowledgement, FeedCursor, FeedEntry
from suppliers.erp.services import api_key_create, api_key_revoke
from suppliers.errors import DomainError


class ApiKeyCreateForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "scope"]


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedAdmin):
    list_display = ["name", "prefix", "scope", "supplier", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "supplier"]
    search_fields = ["name", "prefix", "supplier__code", "user__email"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scope"]
        return ["name", "prefix", "scope", "supplier", "user", "created_by", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail keeps the key's history

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            issued = api_key_create(name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                                    actor=request.user)
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        obj.pk = issued.api_key.pk
        messages.warning(request, _("The new API key, shown once — store it in the ERP now: %(key)s")
                         % {"key": issued.key})

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except forms.ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("Revoke selected API keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(api_key=key, actor=request.user)


@admin.register(FeedEntry)
class FeedEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "kind", "document_id", "supplier", "source", "created_at"]
    list_filter = ["kind", "source", "supplier"]
    search_fields = ["document_id", "supplier__code"]
    list_select_related = ["supplier"]
    readonly_fields = ["seq", "kind", "supplier", "document_id", "document", "source", "actor_label", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeedCursor)
class FeedCursorAdmin(admin.ModelAdmin):
    list_display = ["key", "feed", "position", "acknowledged_at"]
    readonly_fields = ["key", "feed", "position", "acknowledged_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FeedAcknowledgement)
class FeedAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["acknowledged_at", "key", "feed", "previous", "position", "entries"]
    list_filter = ["feed", "key"]
    readonly_fields = ["key", "feed", "previous", "position", "entries", "acknowledged_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

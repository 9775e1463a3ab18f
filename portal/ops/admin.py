"""Console pages: legal holds (place and release through the services) and purge runs (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.ops.models import LegalHold, PurgeRun
from portal.ops.services import HoldError, legal_hold_place, legal_hold_release


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["reason", "reference", "supplier", "partner", "interchange"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and sum(1 for f in ("supplier", "partner", "interchange") if data.get(f)) != 1:
            raise forms.ValidationError(_("Choose exactly one of supplier, trading partner or interchange."))
        return data


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    form = LegalHoldForm
    list_display = ["__str__", "reference", "supplier", "partner", "interchange", "placed_at", "placed_by", "released_at"]
    list_filter = [("released_at", admin.EmptyFieldListFilter), "supplier"]
    search_fields = ["reason", "reference", "supplier__code", "partner__code"]
    autocomplete_fields = ["supplier"]
    raw_id_fields = ["interchange", "partner"]
    fields = ["reason", "reference", "supplier", "partner", "interchange", "placed_by", "placed_at", "released_by",
              "released_at"]
    readonly_fields = ["placed_by", "placed_at", "released_by", "released_at"]
    actions = ["release"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a hold is never edited; it is released and a new one placed
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            hold = legal_hold_place(reason=obj.reason, reference=obj.reference, supplier=obj.supplier,
                                    partner=obj.partner, interchange=obj.interchange, actor=request.user)
        except HoldError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = hold.pk

    @admin.action(description=_("Release the selected legal holds"))
    def release(self, request, queryset):
        done = 0
        for hold in queryset.filter(released_at__isnull=True):
            legal_hold_release(hold=hold, actor=request.user)
            done += 1
        self.message_user(request, _("%(n)d legal hold(s) released.") % {"n": done}, messages.SUCCESS)


@admin.register(PurgeRun)
class PurgeRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "dry_run", "actor_label", "cutoff", "retention_days", "counts", "kept", "finished_at"]
    list_filter = ["dry_run"]
    readonly_fields = [f.name for f in PurgeRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

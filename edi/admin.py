"""Buyer console pages of the EDI hub: hub settings, trading partners, interchanges."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from edi.models import HubSettings, Interchange, InterchangeMessage, TradingPartner
from edi.services.inbound import PipelineError, archive_path_of, interchange_reprocess
from suppliers.admin import AuditedAdmin

CERT_WARNING_DAYS = 30


@admin.register(HubSettings)
class HubSettingsAdmin(AuditedAdmin):
    fieldsets = [
        (_("Identity"), {"fields": ["x12_id", "x12_qualifier", "edifact_id", "edifact_qualifier", "as2_id"]}),
        (_("AS2 key pair (paths to PEM files on the server)"), {"fields": ["as2_key_path", "as2_cert_path"]}),
        (_("Folders"), {"fields": ["drop_root", "erp_outbox", "erp_inbox"]}),
    ]

    def has_add_permission(self, request):
        return not HubSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


def certificate_status(partner: TradingPartner) -> list[tuple[str, int]]:
    """(subject, days left) for each AS2 certificate of a partner; unreadable ones give (error, -1)."""
    from edi.transports import as2

    out = []
    for pem in (partner.as2_certificate, partner.as2_next_certificate):
        if not pem.strip():
            continue
        try:
            for cert in as2.load_certs(pem.encode()):
                out.append((as2.cert_info(cert).subject, as2.days_until_expiry(cert)))
        except Exception as exc:  # noqa: BLE001 - shown to the administrator
            out.append((f"unreadable certificate: {exc}", -1))
    return out


def hub_certificate_status() -> tuple[str, int] | None:
    """(subject, days left) of the hub's own AS2 certificate, which every AS2 partner holds."""
    from edi.transports import as2

    hub = HubSettings.get()
    if not hub.as2_cert_path:
        return None
    try:
        from edi.services.as2 import hub_file

        cert = as2.load_cert(hub_file(hub.as2_cert_path))
    except Exception as exc:  # noqa: BLE001 - shown to the administrator
        return (f"unreadable certificate: {exc}", -1)
    return (as2.cert_info(cert).subject, as2.days_until_expiry(cert))


@admin.register(TradingPartner)
class TradingPartnerAdmin(AuditedAdmin):
    list_display = ["code", "name", "supplier", "standard", "version", "interchange_id", "transport", "ack",
                    "is_active", "certificate_expiry"]
    list_filter = ["standard", "transport", "is_active", "supplier"]
    search_fields = ["code", "name", "interchange_id", "as2_id", "supplier__code"]
    autocomplete_fields = ["supplier"]
    fieldsets = [
        (None, {"fields": ["code", "name", "supplier", "is_active"]}),
        (_("EDI"), {"fields": ["standard", "version", "interchange_id", "qualifier", "transport", "ack",
                             "send_quality_notices"]}),
        (_("AS2"), {"fields": ["as2_id", "as2_url", "as2_certificate", "as2_next_certificate", "as2_sign",
                               "as2_encrypt", "as2_compress", "as2_mdn", "as2_mdn_signed"]}),
    ]

    @admin.display(description=_("certificate"))
    def certificate_expiry(self, obj: TradingPartner):
        if obj.transport != TradingPartner.Transport.AS2:
            return "—"
        status = certificate_status(obj)
        if not status:
            return format_html('<span class="cert-warning">{}</span>', _("missing"))
        days = max(d for _s, d in status)
        if days < CERT_WARNING_DAYS:
            return format_html('<span class="cert-warning">{}</span>', _("expires in %(d)s days") % {"d": days})
        return _("%(d)s days left") % {"d": days}


class InterchangeMessageInline(admin.TabularInline):
    model = InterchangeMessage
    extra = 0
    fields = ["index", "message_type", "message_ref", "document_type", "document_id", "state", "error", "erp_file"]
    readonly_fields = fields
    can_delete = False
    max_num = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document")


@admin.register(Interchange)
class InterchangeAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "direction", "partner", "document_types", "control_number", "state_badge",
                    "ack_status", "message_count", "size", "processed_at"]
    list_filter = ["state", "direction", "channel", "partner", "standard", "ack_status", "created_at"]
    search_fields = ["control_number", "filename", "as2_message_id", "sha256", "messages__document_id", "reference"]
    date_hierarchy = "created_at"
    list_select_related = ["partner"]
    readonly_fields = [f.name for f in Interchange._meta.fields if f.name not in ("dedupe_key",)] + ["raw_links"]
    inlines = [InterchangeMessageInline]
    actions = ["reprocess"]
    fieldsets = [
        (None, {"fields": ["direction", "channel", "partner", "state", "error", "raw_links"]}),
        (_("Envelope"), {"fields": ["standard", "document_types", "control_number", "sender_id", "receiver_id",
                                    "message_count", "ack_status", "issues"]}),
        (_("File"), {"fields": ["filename", "size", "sha256", "archive_path", "as2_message_id", "mic", "mdn"]}),
        (_("Links"), {"fields": ["parent", "duplicate_of", "acknowledges", "reference"]}),
        (_("Times"), {"fields": ["created_at", "updated_at", "processed_at", "attempts"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only; the reprocess action is the only write

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: Interchange):
        return format_html('<span class="state state-{}">{}</span>', obj.state, obj.get_state_display())

    @admin.display(description=_("raw"))
    def raw_links(self, obj: Interchange):
        if not obj.archive_path:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:edi_interchange_raw", args=[obj.pk]), _("download the raw bytes"),
            reverse("admin:edi_interchange_readable", args=[obj.pk]), _("show segments"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/raw/", self.admin_site.admin_view(self.raw_view), name="edi_interchange_raw"),
            path("<int:pk>/readable/", self.admin_site.admin_view(self.readable_view), name="edi_interchange_readable"),
            path("<int:pk>/reprocess/", self.admin_site.admin_view(self.reprocess_view), name="edi_interchange_reprocess"),
        ] + super().get_urls()

    def _get(self, request: HttpRequest, pk: int) -> Interchange:
        if not self.has_view_permission(request):
            raise Http404
        return get_object_or_404(Interchange, pk=pk)

    def raw_view(self, request: HttpRequest, pk: int):
        interchange = self._get(request, pk)
        path_ = archive_path_of(interchange)
        if not interchange.archive_path or not path_.is_file():
            raise Http404("The raw file is not in the archive.")
        name = f"interchange-{interchange.pk}-{interchange.filename or path_.name}"
        return FileResponse(open(path_, "rb"), as_attachment=True, filename=name,
                            content_type="application/octet-stream")

    def readable_view(self, request: HttpRequest, pk: int):
        from edi.codecs.describe import describe_file

        interchange = self._get(request, pk)
        path_ = archive_path_of(interchange)
        if not interchange.archive_path or not path_.is_file():
            raise Http404("The raw file is not in the archive.")
        segments, truncated, error = describe_file(path_, limit=2000)
        context = {
            **self.admin_site.each_context(request), "title": _("Segments of interchange #%s") % interchange.pk,
            "interchange": interchange, "segments": segments, "truncated": truncated, "error": error,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/edi/interchange_readable.html", context)

    def reprocess_view(self, request: HttpRequest, pk: int):
        from django.shortcuts import redirect

        interchange = self._get(request, pk)
        if request.method == "POST" and request.user.has_perm("edi.change_interchange"):
            self._reprocess(request, [interchange])
        return redirect("admin:edi_interchange_change", pk)

    @admin.action(description=_("Reprocess / send again"), permissions=["reprocess"])
    def reprocess(self, request, queryset):
        self._reprocess(request, queryset)

    def has_reprocess_permission(self, request):
        return request.user.has_perm("edi.change_interchange")

    def _reprocess(self, request, interchanges):
        done = 0
        for interchange in interchanges:
            try:
                with transaction.atomic():
                    interchange_reprocess(interchange=interchange, actor=request.user)
                done += 1
            except PipelineError as exc:
                self.message_user(request, f"#{interchange.pk}: {exc}", messages.WARNING)
        if done:
            self.message_user(request, _("%(n)d interchange(s) queued again.") % {"n": done}, messages.SUCCESS)


@admin.register(InterchangeMessage)
class InterchangeMessageAdmin(admin.ModelAdmin):
    list_display = ["interchange", "index", "message_type", "document_type", "document_id", "state"]
    list_filter = ["state", "message_type", "document_type"]
    search_fields = ["document_id", "message_ref"]
    list_select_related = ["interchange", "interchange__partner"]
    readonly_fields = [f.name for f in InterchangeMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def edi_overview() -> dict:
    """Interchanges by direction and state, failures of the last 24 h, certificates running out."""
    counts = {(d, s): n for d, s, n in Interchange.objects.values_list("direction", "state").annotate(n=Count("id"))}
    states = [s for s in Interchange.State]
    since = timezone.now() - timedelta(hours=24)
    expiring = []
    for partner in TradingPartner.objects.filter(transport="as2", is_active=True):
        for subject, days in certificate_status(partner):
            if days < CERT_WARNING_DAYS:
                expiring.append({"partner": partner, "subject": subject, "days": days})
    hub_cert = hub_certificate_status()
    if hub_cert and hub_cert[1] < CERT_WARNING_DAYS:
        expiring.insert(0, {"partner": None, "subject": hub_cert[0], "days": hub_cert[1]})
    return {
        "states": [(s.value, s.label, counts.get(("in", s.value), 0), counts.get(("out", s.value), 0)) for s in states
                   if counts.get(("in", s.value)) or counts.get(("out", s.value))],
        "failed_24h": Interchange.objects.filter(state="failed", updated_at__gte=since).count(),
        "expiring": expiring,
    }

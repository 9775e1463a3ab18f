from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How an event reads on a history page; verbs without a label show as recorded.
VERB_LABELS = {
    "po.created": _("Order created"),
    "po.issued": _("Sent to supplier"),
    "po.confirmed": _("Order confirmed"),
    "po.responded": _("Order response from the supplier"),
    "po.revised": _("New revision"),
    "po.rejected": _("Order rejected"),
    "po.closed": _("Order closed"),
    "po.cancelled": _("Order cancelled"),
    "asn.created": _("Shipment notice created"),
    "asn.submitted": _("Shipment notice sent"),
    "asn.received": _("Shipment received"),
    "asn.cancelled": _("Shipment notice cancelled"),
    "receipt.created": _("Goods received"),
}


class Event(models.Model):
    """An append-only audit row: who did what to which object, when, with the details.

    Written by ``suppliers.audit.event_record`` inside the same transaction as the change it
    describes, so a change and its record commit or roll back together.
    """

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("user"),
    )
    actor_label = models.CharField(_("who"), max_length=150, help_text=_("User e-mail, 'system' or 'edi:PARTNER'"))
    verb = models.CharField(_("what"), max_length=60, db_index=True)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="event_object"),
            models.Index(fields=["supplier", "occurred_at"], name="event_supplier_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.object_repr}"

    @property
    def label(self) -> str:
        return str(VERB_LABELS.get(self.verb, self.verb))

"""API keys of ERP systems and supplier users, and the change feed the ERP reads."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A secret an ERP system (or a supplier user) sends as ``Authorization: Api-Key <key>``.

    Only a short prefix (to find the row) and the SHA-256 of the whole key are stored; the key
    itself is shown once, when it is made. Keys are 256-bit random, so a fast hash is enough:
    there is nothing to brute-force that a slow hash would protect.
    """

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    name = models.CharField(_("name"), max_length=80, help_text=_("Which system uses it, e.g. SAP-PRD"))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    supplier = models.ForeignKey(
        "suppliers.Supplier", on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys",
        help_text=_("Set for a supplier user's key: it sees only that supplier's data."),
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="api_keys")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name", "-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="apikey_scope_valid"),
            # A supplier key belongs to a user of that supplier; an ERP key to no supplier.
            models.CheckConstraint(condition=Q(supplier__isnull=True) | Q(user__isnull=False),
                                   name="apikey_supplier_key_has_user"),
            models.UniqueConstraint(fields=["name"], condition=Q(supplier__isnull=True, revoked_at__isnull=True),
                                    name="apikey_unique_active_erp_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_supplier_key(self) -> bool:
        return self.supplier_id is not None


class FeedKind(models.TextChoices):
    DESPATCH_ADVICE = "despatch_advice", _("ASN")
    ORDER_RESPONSE = "order_response", _("Order response")
    INVOICE = "invoice", _("Invoice")
    QUALITY_NOTICE = "quality_notice", _("Quality notice")


class FeedEntry(models.Model):
    """One document for the ERP, written in the transaction that produced it.

    ``seq`` is the feed position. It is not the row id: it is given later, by
    ``feed_assign_sequence`` under a single-writer lock, to rows that have committed, so a row
    whose transaction commits late gets a higher position than everything already read and is
    never skipped by a cursor (see docs/decisions.md, "ERP change feed").
    """

    Kind = FeedKind

    seq = models.BigIntegerField(_("position"), null=True, blank=True, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FeedKind.choices)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="+")
    document_id = models.CharField(_("document number"), max_length=70, blank=True)
    document = models.JSONField(_("canonical document"), encoder=DjangoJSONEncoder)
    source = models.CharField(_("source"), max_length=20, blank=True)
    actor_label = models.CharField(_("who"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["seq", "id"]
        verbose_name = _("feed entry")
        verbose_name_plural = _("ERP feed")
        indexes = [
            models.Index(fields=["kind", "seq"], name="feed_kind_seq"),
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="feed_unsequenced"),
        ]

    def __str__(self) -> str:
        return f"{self.seq or '-'} {self.kind} {self.document_id}"


class FeedCursor(models.Model):
    """How far one ERP key has acknowledged one feed: it reads on from here."""

    FEEDS = ("all", *FeedKind.values)

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="cursors")
    feed = models.CharField(max_length=20)
    position = models.BigIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feed cursor")
        verbose_name_plural = _("feed cursors")
        constraints = [
            models.UniqueConstraint(fields=["key", "feed"], name="feedcursor_unique_key_feed"),
            models.CheckConstraint(condition=Q(position__gte=0), name="feedcursor_position_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.key.name}:{self.feed}@{self.position}"


class FeedAcknowledgement(models.Model):
    """Each acknowledge call, kept: which key confirmed which feed up to which position."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="acknowledgements")
    feed = models.CharField(max_length=20)
    position = models.BigIntegerField()
    previous = models.BigIntegerField()
    entries = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        verbose_name = _("feed acknowledgement")
        verbose_name_plural = _("feed acknowledgements")

    def __str__(self) -> str:
        return f"{self.key.name}:{self.feed} {self.previous}→{self.position}"

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InterchangeState(models.TextChoices):
    # inbound
    RECEIVED = "received", _("Received")
    ARCHIVED = "archived", _("Archived")
    PARSED = "parsed", _("Parsed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate")
    SPLIT = "split", _("Split into interchanges")
    # outbound
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent, awaiting receipt")
    DELIVERED = "delivered", _("Delivered")
    # both
    FAILED = "failed", _("Failed")


class Interchange(models.Model):
    """One interchange (a file, an AS2 message) in or out, tracked through a state machine.

    Inbound: received → archived (raw bytes on disk, SHA-256 kept) → parsed → acknowledged →
    processed, or failed / duplicate at any step; a failed one can be reprocessed.
    Outbound: queued → sent → delivered, or failed (retried with backoff, then reprocessable).
    """

    State = InterchangeState

    INBOUND_TRANSITIONS: dict[str, frozenset[str]] = {
        State.RECEIVED: frozenset({State.ARCHIVED, State.FAILED}),
        State.ARCHIVED: frozenset({State.PARSED, State.ACKNOWLEDGED, State.DUPLICATE, State.SPLIT, State.FAILED}),
        State.PARSED: frozenset({State.ACKNOWLEDGED, State.PROCESSED, State.FAILED}),
        State.SPLIT: frozenset(),
        State.ACKNOWLEDGED: frozenset({State.PROCESSED, State.FAILED}),
        State.PROCESSED: frozenset({State.ARCHIVED}),  # reprocess on request
        State.FAILED: frozenset({State.ARCHIVED}),  # reprocess
        State.DUPLICATE: frozenset({State.ARCHIVED}),  # reprocess on purpose
    }
    OUTBOUND_TRANSITIONS: dict[str, frozenset[str]] = {
        State.QUEUED: frozenset({State.SENT, State.DELIVERED, State.FAILED}),
        State.SENT: frozenset({State.DELIVERED, State.FAILED}),
        State.DELIVERED: frozenset({State.QUEUED}),  # resend on request
        State.FAILED: frozenset({State.QUEUED}),  # resend
    }

    class Direction(models.TextChoices):
        IN = "in", _("Inbound")
        OUT = "out", _("Outbound")

    class Channel(models.TextChoices):
        FILEDROP = "filedrop", _("File drop")
        AS2 = "as2", "AS2"
        ERP = "erp", _("ERP")
        CLI = "cli", _("Command line")
        SYSTEM = "system", _("System")

    class AckStatus(models.TextChoices):
        NONE = "", _("not expected")
        PENDING = "pending", _("awaiting")
        ACCEPTED = "accepted", _("accepted")
        PARTIAL = "partially_accepted", _("partially accepted")
        REJECTED = "rejected", _("rejected")

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    partner = models.ForeignKey("edi.TradingPartner", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="interchanges")
    state = models.CharField(_("state"), max_length=14, choices=State.choices, db_index=True)
    standard = models.CharField(_("standard"), max_length=8, blank=True)
    document_types = models.CharField(_("message types"), max_length=200, blank=True)
    control_number = models.CharField(_("control number"), max_length=35, blank=True, db_index=True)
    sender_id = models.CharField(_("sender"), max_length=35, blank=True)
    receiver_id = models.CharField(_("receiver"), max_length=35, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    archive_path = models.CharField(_("archive"), max_length=500, blank=True,
                                    help_text=_("Raw bytes, relative to the file-drop root"))
    filename = models.CharField(_("original file name"), max_length=255, blank=True)
    as2_message_id = models.CharField(_("AS2 Message-ID"), max_length=255, blank=True, db_index=True)
    # A partner's interchange is claimed for processing by setting this key; the unique index
    # makes a concurrent duplicate fail at the database, and a failed interchange releases it.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               help_text=_("The file this interchange was cut from"))
    acknowledges = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="acknowledgements",
                                     help_text=_("For an acknowledgement: the interchange it answers"))
    ack_status = models.CharField(_("functional acknowledgement"), max_length=20, choices=AckStatus.choices,
                                  blank=True, default="")
    error = models.TextField(_("error"), blank=True)
    issues = models.JSONField(_("findings"), default=list, blank=True, encoder=DjangoJSONEncoder)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    mdn = models.TextField(_("MDN"), blank=True)
    reference = models.CharField(_("business reference"), max_length=120, blank=True,
                                 help_text=_("Outbound: what was sent, e.g. po:4500012345:2 (order and revision)"))
    mic = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    processed_at = models.DateTimeField(_("processed / delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interchange")
        verbose_name_plural = _("interchanges")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=Q(dedupe_key__isnull=False),
                                    name="interchange_unique_dedupe_key"),
            models.UniqueConstraint(fields=["as2_message_id"],
                                    condition=Q(direction="in") & ~Q(as2_message_id="") & ~Q(state="duplicate"),
                                    name="interchange_unique_inbound_as2_message_id"),
            models.UniqueConstraint(fields=["reference"], condition=Q(direction="out") & ~Q(reference=""),
                                    name="interchange_unique_outbound_reference"),
            models.CheckConstraint(condition=Q(direction__in=["in", "out"]), name="interchange_direction_valid"),
        ]
        indexes = [
            models.Index(fields=["partner", "direction", "state"], name="interchange_partner_state"),
        ]

    def __str__(self) -> str:
        arrow = "←" if self.direction == "in" else "→"
        who = self.partner.code if self.partner_id else "?"
        return f"#{self.pk} {arrow} {who} {self.document_types or self.standard} {self.control_number}".strip()

    def can_transition_to(self, state: str) -> bool:
        table = self.INBOUND_TRANSITIONS if self.direction == self.Direction.IN else self.OUTBOUND_TRANSITIONS
        return state in table.get(self.state, frozenset())


class InterchangeMessage(models.Model):
    """One message of an interchange: its canonical document and what became of it."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not mapped")

    interchange = models.ForeignKey(Interchange, on_delete=models.CASCADE, related_name="messages")
    index = models.PositiveIntegerField()
    message_type = models.CharField(_("message type"), max_length=10)
    message_ref = models.CharField(_("message reference"), max_length=35, blank=True)
    document_type = models.CharField(_("document"), max_length=30, blank=True)
    document_id = models.CharField(_("document number"), max_length=70, blank=True, db_index=True)
    document = models.JSONField(_("canonical document"), null=True, blank=True, encoder=DjangoJSONEncoder)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    error = models.TextField(_("error"), blank=True)
    issues = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    erp_file = models.CharField(_("ERP file"), max_length=300, blank=True)

    class Meta:
        ordering = ["interchange", "index"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [models.UniqueConstraint(fields=["interchange", "index"], name="message_unique_index")]

    def __str__(self) -> str:
        return f"{self.message_type} {self.document_id or self.message_ref}"


class ControlCounter(models.Model):
    """Outbound control numbers per partner and kind; allocated under a row lock, never reused."""

    class Kind(models.TextChoices):
        INTERCHANGE = "interchange", _("interchange")
        GROUP = "group", _("group")
        MESSAGE = "message", _("message")

    partner = models.ForeignKey("edi.TradingPartner", on_delete=models.CASCADE, related_name="counters")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    last = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "kind"], name="counter_unique_per_partner_kind"),
            models.CheckConstraint(condition=Q(last__gte=0), name="counter_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.kind}={self.last}"

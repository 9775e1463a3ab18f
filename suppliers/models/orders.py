from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suppliers.models.catalog import CURRENCY_REGEX, Part, Plant
from suppliers.models.supplier import Supplier


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(models.Model):
    Status = OrderStatus

    # The only moves a purchase order can make; suppliers.services.purchase_order_transition guards them.
    # A new revision of an issued or confirmed order goes back to ISSUED for re-confirmation.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.ISSUED, Status.CANCELLED}),
        Status.ISSUED: frozenset({Status.ISSUED, Status.CONFIRMED, Status.REJECTED, Status.CANCELLED}),
        Status.CONFIRMED: frozenset({Status.ISSUED, Status.CLOSED, Status.CANCELLED}),
        Status.REJECTED: frozenset({Status.ISSUED, Status.CANCELLED}),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    }
    OPEN_STATUSES = (Status.ISSUED, Status.CONFIRMED)

    class Source(models.TextChoices):
        CONSOLE = "console", _("Buyer console")
        API = "api", _("ERP API")
        ERP_FILE = "erp_file", _("ERP file")
        EDI = "edi", _("EDI")
        REPLENISHMENT = "replenishment", _("Replenishment")
        DEMO = "demo", _("Demo data")

    number = models.CharField(_("PO number"), max_length=35, unique=True, help_text=_("The ERP's order number"))
    revision = models.PositiveIntegerField(_("revision"), default=0)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    ship_to = models.ForeignKey(Plant, on_delete=models.PROTECT, related_name="purchase_orders")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    order_date = models.DateField(_("order date"))
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("buyer"),
    )
    allow_rejection = models.BooleanField(_("supplier may reject lines"), default=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=15, choices=Source.choices, default=Source.CONSOLE)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-order_date", "-number"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        constraints = [
            models.CheckConstraint(condition=Q(currency__regex=CURRENCY_REGEX), name="po_currency_iso"),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="po_status_valid"),
        ]
        indexes = [models.Index(fields=["supplier", "status"], name="po_supplier_status")]

    def __str__(self) -> str:
        return self.number if not self.revision else f"{self.number} rev {self.revision}"

    def can_transition_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class ResponseReason(models.TextChoices):
    """Why a supplier changes or rejects an order line (shown to the buyer, sent to the ERP)."""

    CAPACITY = "capacity", _("Capacity")
    MATERIAL = "material", _("Material shortage")
    LEAD_TIME = "lead_time", _("Lead time")
    PACK_SIZE = "pack_size", _("Minimum or pack quantity")
    PRICE = "price", _("Price")
    END_OF_LIFE = "end_of_life", _("End of life")
    OTHER = "other", _("Other")


class PurchaseOrderLine(models.Model):
    class Confirmation(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        ACCEPTED = "accepted", _("Accepted")
        CHANGED = "changed", _("Accepted with changes")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="order_lines")
    supplier_part_number = models.CharField(_("supplier part number"), max_length=35, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=3, default="PCE")
    price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=5)
    requested_date = models.DateField(_("requested date"))
    confirmation = models.CharField(
        _("confirmation"), max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmed_quantity = models.DecimalField(_("confirmed quantity"), max_digits=14, decimal_places=3, null=True, blank=True)
    confirmed_date = models.DateField(_("confirmed date"), null=True, blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    reason_code = models.CharField(_("reason"), max_length=20, choices=ResponseReason.choices, blank=True,
                                   help_text=_("The supplier's reason for a change or rejection"))
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["order", "line_no"]
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="poline_unique_number"),
            models.CheckConstraint(condition=Q(line_no__gt=0), name="poline_number_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="poline_quantity_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="poline_price_nonnegative"),
            models.CheckConstraint(
                condition=Q(confirmed_quantity__isnull=True) | Q(confirmed_quantity__gte=0),
                name="poline_confirmed_quantity_nonnegative",
            ),
            models.CheckConstraint(
                condition=~Q(confirmation="rejected") | ~Q(rejection_reason=""),
                name="poline_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.line_no}"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.price).quantize(Decimal("0.01"))

    @property
    def effective_quantity(self) -> Decimal:
        """What the supplier committed to, else what was ordered."""
        return self.confirmed_quantity if self.confirmed_quantity is not None else self.quantity

    @property
    def effective_date(self):
        return self.confirmed_date or self.requested_date


class OrderResponse(models.Model):
    """One answer of a supplier to a purchase order (a portal submission, an ORDRSP/855, an API call).

    ``document`` is the canonical ``order_response`` exactly as handed to the ERP.
    """

    class Source(models.TextChoices):
        WEB = "web", _("Portal")
        EDI = "edi", _("EDI")
        API = "api", _("API")

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="responses")
    number = models.CharField(_("response number"), max_length=35, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    status = models.CharField(_("status"), max_length=10, choices=PurchaseOrderLine.Confirmation.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("who"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    document = models.JSONField(_("canonical document"), default=dict, encoder=DjangoJSONEncoder)
    erp_file = models.CharField(_("ERP file"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("sent to the ERP at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order response")
        verbose_name_plural = _("order responses")
        indexes = [models.Index(fields=["order", "created_at"], name="orderresponse_order_time")]

    def __str__(self) -> str:
        return self.number

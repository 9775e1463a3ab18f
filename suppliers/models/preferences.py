from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BuyerSettings(models.Model):
    """Buyer-wide defaults for the supplier portal (one row, edited in the console)."""

    asn_tolerance_percent = models.DecimalField(
        _("default over-shipment tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How far a web ASN may ship beyond the confirmed quantity, unless the supplier has its own."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portal settings")
        verbose_name_plural = _("portal settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="buyersettings_single_row"),
            models.CheckConstraint(
                condition=Q(asn_tolerance_percent__gte=0, asn_tolerance_percent__lte=100),
                name="buyersettings_tolerance_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Portal settings"))

    @classmethod
    def get(cls) -> BuyerSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class UserPreferences(models.Model):
    """A person's own settings: the language e-mails are written in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences")
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("user preferences")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return str(self.user)


class NotificationPreference(models.Model):
    """A user's choice for one kind of e-mail. No row means the default: on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=40)
    email = models.BooleanField(_("e-mail"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notificationpref_unique_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {'on' if self.email else 'off'}"


class Notification(models.Model):
    """Something a supplier's people are told by e-mail, recorded in the transaction that caused it
    and sent after commit. Deliveries are recorded per recipient, so sending again skips them."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.CASCADE, related_name="notifications")
    subject_template = models.CharField(max_length=200)
    body_template = models.CharField(max_length=200)
    context = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # When set, only these users (still filtered by supplier, activity and preference).
    user_ids = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.supplier_id}"


class NotificationDelivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["notification", "id"]
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "user"], name="delivery_unique_user")]

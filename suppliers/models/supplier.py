from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_REGEX = r"^[A-Z0-9][A-Z0-9_-]{0,19}$"
GS1_PREFIX_VALIDATOR = RegexValidator(r"^[0-9]{6,12}$", _("A GS1 company prefix has 6 to 12 digits."))


class SupplierStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    INACTIVE = "inactive", _("Inactive")


class Supplier(models.Model):
    Status = SupplierStatus

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Upper-case letters, digits, - and _"))
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    edi_enabled = models.BooleanField(_("EDI enabled"), default=False)
    require_mfa = models.BooleanField(
        _("require two-factor login"), default=False,
        help_text=_("Users of this supplier must set up an authenticator app before using the portal."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    gs1_company_prefix = models.CharField(
        _("GS1 company prefix"), max_length=12, blank=True, validators=[GS1_PREFIX_VALIDATOR],
        help_text=_("6 to 12 digits, from the supplier's GS1 member organisation. Needed for SSCC package numbers."),
    )
    asn_tolerance_percent = models.DecimalField(
        _("over-shipment tolerance (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How far a web ASN may ship beyond the confirmed quantity. Empty: the buyer's default."),
    )
    # The next SSCC serial reference; allocated by suppliers.services.sscc_allocate under a row lock.
    sscc_next_serial = models.PositiveBigIntegerField(_("next SSCC serial"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=CODE_REGEX), name="supplier_code_format"),
            models.CheckConstraint(condition=Q(status__in=SupplierStatus.values), name="supplier_status_valid"),
            models.CheckConstraint(
                condition=Q(gs1_company_prefix="") | Q(gs1_company_prefix__regex=r"^[0-9]{6,12}$"),
                name="supplier_gs1_prefix_digits",
            ),
            models.CheckConstraint(
                condition=Q(asn_tolerance_percent__isnull=True)
                | Q(asn_tolerance_percent__gte=0, asn_tolerance_percent__lte=100),
                name="supplier_asn_tolerance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupplierMembership(models.Model):
    """A portal user's place at a supplier. A supplier user belongs to exactly one supplier."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_membership")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supplier__code", "user__email"]
        verbose_name = _("supplier membership")
        verbose_name_plural = _("supplier memberships")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["admin", "member"]), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.supplier.code} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """A one-time link that lets an invited person set a password. Only the token's hash is kept."""

    email = models.EmailField(_("e-mail"))
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=10, choices=SupplierMembership.Role.choices, default="member")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.supplier.code}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HubSettings(models.Model):
    """The hub's own identity and folders (one row). Secrets stay on disk: only key paths are kept."""

    x12_id = models.CharField(_("X12 interchange id"), max_length=15, default="TSUNAGI")
    x12_qualifier = models.CharField(_("X12 id qualifier"), max_length=2, default="ZZ")
    edifact_id = models.CharField(_("EDIFACT interchange id"), max_length=35, default="TSUNAGI")
    edifact_qualifier = models.CharField(_("EDIFACT id qualifier"), max_length=4, default="ZZZ")
    as2_id = models.CharField(_("AS2 id"), max_length=128, default="TSUNAGI")
    as2_key_path = models.CharField(_("AS2 private key (PEM path)"), max_length=500, blank=True)
    as2_cert_path = models.CharField(_("AS2 certificate (PEM path)"), max_length=500, blank=True)
    drop_root = models.CharField(_("file-drop root"), max_length=500, default="var/edi")
    erp_outbox = models.CharField(_("ERP outbox"), max_length=500, default="var/erp/out")
    erp_inbox = models.CharField(_("ERP inbox"), max_length=500, default="var/erp/in")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hub settings")
        verbose_name_plural = _("hub settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="hubsettings_single_row")]

    def __str__(self) -> str:
        return str(_("Hub settings"))

    @classmethod
    def get(cls) -> HubSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class TradingPartner(models.Model):
    class Standard(models.TextChoices):
        X12 = "x12", "X12"
        EDIFACT = "edifact", "EDIFACT"

    class Transport(models.TextChoices):
        FILEDROP = "filedrop", _("File drop")
        AS2 = "as2", "AS2"

    class Sign(models.TextChoices):
        NONE = "none", _("none")
        SHA1 = "sha1", "SHA-1"
        SHA256 = "sha256", "SHA-256"
        SHA384 = "sha384", "SHA-384"
        SHA512 = "sha512", "SHA-512"

    class Encrypt(models.TextChoices):
        NONE = "none", _("none")
        AES128 = "aes128", "AES-128-CBC"
        AES192 = "aes192", "AES-192-CBC"
        AES256 = "aes256", "AES-256-CBC"
        DES3 = "3des", "3DES"

    class Mdn(models.TextChoices):
        SYNC = "sync", _("synchronous")
        ASYNC = "async", _("asynchronous")
        NONE = "none", _("none")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="trading_partners")
    standard = models.CharField(_("standard"), max_length=8, choices=Standard.choices)
    version = models.CharField(_("version"), max_length=12, help_text=_("004010, 005010, D96A ..."))
    interchange_id = models.CharField(_("interchange id"), max_length=35)
    qualifier = models.CharField(_("id qualifier"), max_length=4, blank=True)
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices, default=Transport.FILEDROP)
    ack = models.BooleanField(_("send acknowledgements"), default=True,
                              help_text=_("CONTRL, 997 or 999 for every inbound interchange"))
    is_active = models.BooleanField(_("active"), default=True)
    send_quality_notices = models.BooleanField(
        _("send quality notices"), default=False,
        help_text=_("Send the supplier's quality notices as QALITY (EDIFACT partners only)"),
    )
    # AS2 profile
    as2_id = models.CharField(_("AS2 id"), max_length=128, blank=True)
    as2_url = models.URLField(_("AS2 URL"), max_length=500, blank=True)
    as2_certificate = models.TextField(_("certificate (PEM)"), blank=True,
                                       help_text=_("Verifies the partner's signatures; we encrypt for it."))
    as2_next_certificate = models.TextField(_("next certificate (PEM)"), blank=True,
                                            help_text=_("During a rollover: accepted for signatures as well."))
    as2_sign = models.CharField(_("sign"), max_length=8, choices=Sign.choices, default=Sign.SHA256)
    as2_encrypt = models.CharField(_("encrypt"), max_length=8, choices=Encrypt.choices, default=Encrypt.AES256)
    as2_compress = models.BooleanField(_("compress"), default=False)
    as2_mdn = models.CharField(_("MDN"), max_length=6, choices=Mdn.choices, default=Mdn.SYNC)
    as2_mdn_signed = models.BooleanField(_("signed MDN"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("trading partner")
        verbose_name_plural = _("trading partners")
        constraints = [
            models.UniqueConstraint(fields=["standard", "interchange_id", "qualifier"], name="partner_unique_interchange_id"),
            models.UniqueConstraint(fields=["as2_id"], condition=~Q(as2_id=""), name="partner_unique_as2_id"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"), name="partner_code_format"),
            models.CheckConstraint(condition=Q(transport="filedrop") | ~Q(as2_id=""), name="partner_as2_needs_id"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_standard_display()} {self.version})"

    @property
    def is_x12_005010(self) -> bool:
        return self.standard == self.Standard.X12 and self.version.startswith("005")

"""Operations records: legal holds that stop the retention purge, and the purge runs themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """Keeps records past their retention: one interchange, or everything of a supplier or a partner.

    A hold is released, never deleted, so the history of who held what and why stays.
    """

    reason = models.CharField(_("reason"), max_length=300)
    reference = models.CharField(_("case reference"), max_length=100, blank=True)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="legal_holds", verbose_name=_("supplier"))
    partner = models.ForeignKey("edi.TradingPartner", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="legal_holds", verbose_name=_("trading partner"))
    # SET_NULL: once released, the purge may delete the interchange; ``target`` still says what it was.
    interchange = models.ForeignKey("edi.Interchange", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="legal_holds", verbose_name=_("interchange"))
    target = models.CharField(_("held"), max_length=200, blank=True, editable=False)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("released by"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            # An active hold covers exactly one thing; a released one may have lost its interchange.
            models.CheckConstraint(
                condition=(
                    Q(supplier__isnull=False, partner__isnull=True, interchange__isnull=True)
                    | Q(supplier__isnull=True, partner__isnull=False, interchange__isnull=True)
                    | Q(supplier__isnull=True, partner__isnull=True, interchange__isnull=False)
                    | Q(released_at__isnull=False, supplier__isnull=True, partner__isnull=True, interchange__isnull=True)
                ),
                name="legalhold_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Legal hold')}: {self.target or '?'} ({self.reference or self.reason[:40]})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class PurgeRun(models.Model):
    """One run of ``manage.py purge``: what it would delete or deleted, and what it kept and why."""

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    actor_label = models.CharField(_("run by"), max_length=150)
    dry_run = models.BooleanField(_("dry run"), default=True)
    cutoff = models.DateTimeField(_("older than"))
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    kept = models.JSONField(_("kept, with reasons"), default=dict, blank=True)
    deleted = models.JSONField(_("deleted (id and SHA-256)"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")

    def __str__(self) -> str:
        kind = _("dry run") if self.dry_run else _("purge")
        return f"{kind} {self.started_at:%Y-%m-%d %H:%M} ({self.actor_label})"

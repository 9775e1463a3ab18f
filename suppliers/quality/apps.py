from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "suppliers.quality"
    label = "quality"
    verbose_name = _("Quality notices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from suppliers.roles import ensure_buyer_roles

        # See ForecastsConfig.ready: the roles need this app's permissions, created after its migrate.
        post_migrate.connect(ensure_buyer_roles, sender=self)

        from suppliers.quality.codes import ensure_defect_codes

        post_migrate.connect(ensure_defect_codes, sender=self)

        from suppliers.models.audit import VERB_LABELS

        VERB_LABELS.update({
            "quality.raised": _("Quality notice raised"), "quality.in_progress": _("8D under way"),
            "quality.closed": _("Quality notice closed"), "quality.cancelled": _("Quality notice cancelled"),
            "quality.step_answered": _("8D answer sent"), "quality.step_accepted": _("8D answer accepted"),
            "quality.step_returned": _("8D answer returned"), "quality.step_due_changed": _("8D due date moved"),
            "quality.attachment_added": _("File attached"), "quality.reminded": _("Overdue reminder sent"),
            "quality.auto_raised": _("Raised automatically: defect rate over threshold"),
            "quality.auto_notice_refused": _("Automatic quality notice refused"),
        })

        from portal import dashboard
        from suppliers.quality.dashboard import lots_over_threshold, quality_notices_due

        dashboard.register(quality_notices_due, slot=dashboard.ACTIONS, order=40)
        dashboard.register(lots_over_threshold, slot=dashboard.ACTIONS, order=45)

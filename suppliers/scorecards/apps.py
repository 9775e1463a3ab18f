from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "suppliers.scorecards"
    label = "scorecards"
    verbose_name = _("Supplier scorecards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from suppliers.roles import ensure_buyer_roles

        # See ForecastsConfig.ready: the roles need this app's permissions, created after its migrate.
        post_migrate.connect(ensure_buyer_roles, sender=self)

        from suppliers.models.audit import VERB_LABELS

        VERB_LABELS.update({
            "scorecards.computed": _("Scorecards computed"),
            "scorecards.requested": _("Scorecard computation requested"),
            "scorecards.failed": _("Scorecard computation failed"),
            "scorecards.rules_changed": _("Scorecard rules changed"),
        })

        from portal import dashboard
        from suppliers.scorecards.dashboard import scorecard_summary

        dashboard.register(scorecard_summary, slot=dashboard.SUMMARY, order=10)

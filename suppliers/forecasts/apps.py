from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastsConfig(AppConfig):
    name = "suppliers.forecasts"
    label = "forecasts"
    verbose_name = _("Forecast collaboration")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from suppliers.roles import ensure_buyer_roles

        # The role groups are synced after the suppliers app migrates, before this app's
        # permissions exist on a fresh database: sync again once they do (idempotent).
        post_migrate.connect(ensure_buyer_roles, sender=self)

        from suppliers.forecasts.codes import ensure_reason_codes

        post_migrate.connect(ensure_reason_codes, sender=self)

        from suppliers.models.audit import VERB_LABELS

        VERB_LABELS.update({
            "forecast.published": _("Forecast published"), "forecast.committed": _("Forecast committed"),
            "forecast.profile_set": _("Forecast zones changed"),
        })

        from portal import dashboard
        from suppliers.forecasts.dashboard import forecast_changes

        dashboard.register(forecast_changes, slot=dashboard.ACTIONS, order=30)

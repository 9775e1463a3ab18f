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

        from portal import dashboard
        from suppliers.quality.dashboard import quality_notices_due

        dashboard.register(quality_notices_due, slot=dashboard.ACTIONS, order=40)

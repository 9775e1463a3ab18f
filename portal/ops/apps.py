from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "portal.ops"
    label = "ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Celery signal handlers: queue timestamps, log context, task metrics.
        from portal.ops import migration_lint, signals  # noqa: F401 - checks and handlers register on import

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Celery signal handlers: queue timestamps, log context, task metrics.
        from ops import migration_lint, signals  # noqa: F401 - checks and handlers register on import

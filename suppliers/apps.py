from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers and orders")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from suppliers.roles import ensure_buyer_roles

        post_migrate.connect(ensure_buyer_roles, sender=self)

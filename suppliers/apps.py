from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers and orders")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from suppliers.roles import ensure_buyer_roles

        # After every app's migrate: the roles name permissions of later apps (edi, quality...),
        # which exist only once those apps' own post_migrate has created them.
        post_migrate.connect(ensure_buyer_roles, dispatch_uid="suppliers.ensure_buyer_roles")

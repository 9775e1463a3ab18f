from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "suppliers.planning"
    label = "planning"
    verbose_name = _("Demand planning and replenishment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from suppliers.roles import ensure_buyer_roles

        # This app's permissions exist only after it migrates: sync the role groups again then.
        post_migrate.connect(ensure_buyer_roles, sender=self)

        from suppliers.models.audit import VERB_LABELS

        VERB_LABELS.update({
            "planning.forecast_run": _("Statistical forecasts computed"),
            "planning.forecast_adjusted": _("Forecast adjusted by the buyer"),
            "planning.forecast_published": _("Statistical forecast published"),
            "planning.replenishment_run": _("Replenishment run"),
            "planning.proposal_created": _("Order proposed by replenishment"),
            "planning.proposal_updated": _("Replenishment proposal updated"),
            "planning.proposal_ordered": _("Replenishment proposal ordered"),
            "planning.proposal_rejected": _("Replenishment proposal rejected"),
            "planning.proposal_cancelled": _("Replenishment proposal no longer needed"),
            "planning.order_released": _("Order released by replenishment"),
            "vendormanagedlevel.created": _("Vendor-managed level set"),
            "vendormanagedlevel.changed": _("Vendor-managed level changed"),
            "vendormanagedlevel.deleted": _("Vendor-managed level removed"),
        })

        from portal import dashboard
        from suppliers.planning.dashboard import vendor_managed_below_min

        dashboard.register(vendor_managed_below_min, slot=dashboard.ACTIONS, order=35)

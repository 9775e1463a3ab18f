"""The supplier dashboard's "forecast changes to commit" panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suppliers.forecasts import selectors


def forecast_changes(*, supplier, user):
    from portal import dashboard

    data = selectors.dashboard_for(supplier=supplier)
    version = data["forecast"]
    if version is None:
        return None
    items = []
    if data["changed"]:
        items.append(dashboard.Item(
            text=_("%(n)d bucket(s) changed in version %(v)d") % {"n": data["changed"], "v": version.number},
            url=reverse("forecasts:detail", args=[version.pk])))
    return dashboard.Panel(
        key="forecast-changes", title=gettext_lazy("Forecast changes to commit"), count=data["to_commit"],
        url=reverse("forecasts:detail", args=[version.pk]), link_text=gettext_lazy("Review and commit the forecast"),
        items=items, empty_text=gettext_lazy("Every bucket of the firm and planning zones is committed."),
    )

"""The supplier dashboard's scorecard panel (summary slot)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from suppliers.scorecards import charts, selectors


def scorecard_summary(*, supplier, user):
    """Grade and score of the last 12 months, with the trend; nothing until a scorecard exists."""
    from portal import dashboard

    summary = selectors.dashboard_summary_for(supplier=supplier)
    if summary is None:
        return None
    return dashboard.Panel(
        key="scorecard", title=gettext_lazy("Your scorecard"), url=reverse("scorecards:current"),
        link_text=gettext_lazy("Open your scorecard"), tone="info", template="scorecards/_dashboard_panel.html",
        context={**summary, "spark": charts.sparkline([c.score if c else None for c in summary["trend_all"]])},
    )

"""The supplier dashboard's "quality notices due" panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suppliers.quality import selectors


def quality_notices_due(*, supplier, user):
    from portal import dashboard

    data = selectors.dashboard_for(supplier=supplier)
    first = list(selectors.quality_notices_for(supplier=supplier, status="open")
                 .filter(next_due__isnull=False).order_by("next_due")[:5])
    today = timezone.localdate()
    items = [dashboard.Item(
        text=f"{n.number} · {n.part.buyer_part_number}", url=reverse("quality:detail", args=[n.pk]),
        note=(_("overdue since %(date)s") if n.next_due < today else _("next step due %(date)s"))
        % {"date": date_format(n.next_due, "Y-m-d")},
    ) for n in first]
    return dashboard.Panel(
        key="quality-due", title=gettext_lazy("Quality notices due"), count=data["notices_due"],
        url=reverse("quality:list") + "?status=open", link_text=gettext_lazy("All open quality notices"),
        items=items, empty_text=gettext_lazy("No 8D answer is owed."),
    )


def lots_over_threshold(*, supplier, user):
    """Lots whose defect rate raised an automatic notice in the last 4 weeks (nothing shown if none)."""
    from portal import dashboard
    from suppliers.quality import production_selectors

    data = production_selectors.dashboard_for(supplier=supplier)
    if not data["lots"]:
        return None
    items = [dashboard.Item(
        text=f"{a.lot} · {a.part.buyer_part_number}", url=reverse("quality:detail", args=[a.notice_id]),
        note=_("%(rate)s ppm over %(limit)s ppm · %(number)s") % {
            "rate": f"{a.rate_ppm:,.0f}", "limit": f"{a.limit_ppm:,.0f}", "number": a.notice.number},
    ) for a in data["notices"]]
    return dashboard.Panel(
        key="lots-over-threshold", title=gettext_lazy("Lots over the defect rate threshold (4 weeks)"),
        count=data["lots"], url=reverse("production_quality:lots"), link_text=gettext_lazy("Production quality"),
        items=items, tone="info",
    )

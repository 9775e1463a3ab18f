"""The supplier dashboard's "vendor-managed parts below min" panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suppliers.planning import selectors
from suppliers.planning.models import VendorManagedLevel


def _q(value) -> str:
    return number_format(value.normalize(), use_l10n=True)


def vendor_managed_below_min(*, supplier, user):
    """Nothing for a supplier without vendor-managed parts; otherwise how many are below their minimum."""
    from portal import dashboard

    rows = selectors.inventory_for(supplier=supplier, vendor_managed_only=True, sort="cover").rows
    if not rows:
        return None
    below = [r for r in rows if r.status == VendorManagedLevel.Status.BELOW_MIN]
    url = reverse("inventory:list")
    items = [dashboard.Item(
        text=f"{r.part.buyer_part_number} · {r.plant.code}", url=f"{url}?q={r.part.buyer_part_number}&vmi=1",
        note=_("%(available)s available, min %(min)s") % {"available": _q(r.available), "min": _q(r.min_quantity)},
    ) for r in below[:5]]
    return dashboard.Panel(
        key="vmi-below-min", title=gettext_lazy("Vendor-managed parts below min"), count=len(below),
        url=f"{url}?vmi=1&status={VendorManagedLevel.Status.BELOW_MIN}", link_text=gettext_lazy("Inventory"),
        items=items, empty_text=gettext_lazy("Every vendor-managed part is at or above its minimum."),
    )

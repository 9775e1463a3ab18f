"""The forecast grid's cells, rendered in Python: a grid of 100 parts is 2,300 cells, and a template
include per cell costs more than the rest of the page together."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


def _n(value: Decimal) -> str:
    return number_format(value.normalize() if value == value.to_integral_value() else value, decimal_pos=None,
                         force_grouping=True)


@register.simple_tag
def fc_row(buckets, has_previous: bool) -> SafeString:
    """The cells of one forecast line (see the legend in forecasts/_legend.html)."""
    labels = {
        "new": gettext("new"), "more": gettext("more than the previous version"),
        "less": gettext("less than the previous version"), "committed": gettext("committed"),
    }
    zones = {}
    cells = []
    for b in buckets:
        zone = zones.get(b.zone) or zones.setdefault(b.zone, b.get_zone_display())
        delta = None if b.previous_quantity is None else b.quantity - b.previous_quantity
        classes = f"fc-cell zone-{b.zone}" + (" up" if delta and delta > 0 else " down" if delta and delta < 0 else "")
        parts = [format_html('<span class="qty">{}</span>', _n(b.quantity))]
        if delta is None:
            if has_previous:
                parts.append(format_html('<span class="delta new">{}</span>', labels["new"]))
        elif delta > 0:
            parts.append(format_html('<span class="delta up"><span aria-hidden="true">▲</span> +{}'
                                     '<span class="visually-hidden"> {}</span></span>', _n(delta), labels["more"]))
        elif delta < 0:
            parts.append(format_html('<span class="delta down"><span aria-hidden="true">▼</span> {}'
                                     '<span class="visually-hidden"> {}</span></span>', _n(delta), labels["less"]))
        if b.committed_quantity is not None:
            if b.committed_quantity < b.quantity:
                reason = b.reason
                title = f"{reason.display}: {b.comment}" if b.comment else reason.display
                parts.append(format_html('<span class="commit short" title="{}"><span aria-hidden="true">!</span> {} '
                                         '<span class="reason mono">{}</span></span>', title,
                                         _n(b.committed_quantity), reason.code))
            else:
                parts.append(format_html('<span class="commit ok"><span aria-hidden="true">✓</span>'
                                         '<span class="visually-hidden">{}</span> {}</span>', labels["committed"],
                                         _n(b.committed_quantity)))
        cells.append((classes, f"{b.start:%Y-%m-%d} – {b.end:%Y-%m-%d} · {zone}", SafeString("".join(parts))))
    return format_html_join("", '<td class="{}" title="{}">{}</td>', cells)

"""The dashboard's panels: what needs the supplier's action, contributed by each feature.

A feature adds its panel without touching the dashboard template, from its AppConfig.ready()::

    from portal import dashboard

    def forecast_changes(*, supplier, user):
        n = forecasts.selectors.uncommitted_buckets_for(supplier=supplier).count()
        return dashboard.Panel(
            key="forecast-changes", title=_("Forecast changes to commit"), count=n,
            url=reverse("portal:forecast_list"), link_text=_("Commit forecast"),
            items=[dashboard.Item(text=..., url=..., note=...)],   # optional, at most a few
        )

    dashboard.register(forecast_changes, slot=dashboard.ACTIONS, order=30)

A provider is called with ``supplier=`` and ``user=`` (keyword-only) on every dashboard view and
returns a :class:`Panel` or ``None`` (nothing to show). It must read through selectors that take
the supplier and cost a fixed number of queries. A provider that raises is logged and left out,
so one feature's bug does not take the dashboard down. ``template`` overrides the standard
panel rendering (``portal/dashboard/_panel.html``) when a feature needs its own.

Slots, top to bottom: ``ACTIONS`` (things to do now: orders to confirm, forecast changes to
commit, quality notices due, lines to ship), ``SUMMARY`` (the scorecard, once it exists).
Within a slot, panels are sorted by ``order``; the built-in ones use 10 (orders to confirm),
20 (lines to ship) and 90 (shipments in transit). Forecasts: 30; quality notices: 40.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from django.utils.functional import Promise

log = logging.getLogger(__name__)

ACTIONS = "actions"
SUMMARY = "summary"
SLOTS = (ACTIONS, SUMMARY)


@dataclass
class Item:
    text: str
    url: str = ""
    note: str = ""


@dataclass
class Panel:
    key: str
    title: str | Promise
    count: int | None = None
    url: str = ""
    link_text: str | Promise = ""
    items: list[Item] = field(default_factory=list)
    empty_text: str | Promise = ""
    # "action" draws attention when count > 0; "info" never does.
    tone: str = "action"
    template: str = "portal/dashboard/_panel.html"
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_action(self) -> bool:
        return self.tone == "action" and bool(self.count)


Provider = Callable[..., Panel | None]


@dataclass(frozen=True)
class _Entry:
    provider: Provider
    slot: str
    order: int


_REGISTRY: dict[str, _Entry] = {}


def register(provider: Provider, *, slot: str = ACTIONS, order: int = 50) -> Provider:
    """Add (or replace, by function name and module) a panel provider. Usable as a decorator."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown dashboard slot {slot!r}; use one of {SLOTS}.")
    _REGISTRY[f"{provider.__module__}.{provider.__qualname__}"] = _Entry(provider, slot, order)
    return provider


def unregister(provider: Provider) -> None:
    _REGISTRY.pop(f"{provider.__module__}.{provider.__qualname__}", None)


def panels_for(*, supplier, user) -> dict[str, list[Panel]]:
    """Every slot's panels for this supplier, in order."""
    out: dict[str, list[Panel]] = {slot: [] for slot in SLOTS}
    for entry in sorted(_REGISTRY.values(), key=lambda e: (e.slot, e.order)):
        try:
            panel = entry.provider(supplier=supplier, user=user)
        except Exception:  # noqa: BLE001 - one feature's failure must not hide the others
            log.exception("dashboard panel %s failed", entry.provider)
            continue
        if panel is not None:
            out[entry.slot].append(panel)
    return out

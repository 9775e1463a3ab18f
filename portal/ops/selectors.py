"""Reads for the operator page (buyer-side only: nothing here is shown to suppliers)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from portal.ops.models import LegalHold, PurgeRun

PENDING = {"in": ("received", "archived", "parsed", "acknowledged"), "out": ("queued", "sent")}


def backlog() -> list[dict[str, Any]]:
    from edi.models import Interchange

    now = timezone.now()
    rows = []
    for direction, states in PENDING.items():
        agg = Interchange.objects.filter(direction=direction, state__in=states).aggregate(n=Count("id"), first=Min("created_at"))
        rows.append({"direction": direction, "count": agg["n"], "states": ",".join(states),
                     "oldest_seconds": int((now - agg["first"]).total_seconds()) if agg["first"] else None})
    return rows


def recent_failures(*, hours: int = 24, limit: int = 50) -> list[Any]:
    from edi.models import Interchange

    since = timezone.now() - timedelta(hours=hours)
    return list(Interchange.objects.filter(state="failed", updated_at__gte=since).select_related("partner")
                .order_by("-updated_at")[:limit])


def failures_by_partner(*, hours: int = 24) -> list[tuple[str, int]]:
    from edi.models import Interchange

    since = timezone.now() - timedelta(hours=hours)
    return list(Interchange.objects.filter(state="failed", updated_at__gte=since)
                .values_list("partner__code").annotate(n=Count("id")).order_by("-n"))


def operator_overview() -> dict[str, Any]:
    from edi.admin import edi_overview
    from portal.metrics import queue_stats
    from portal.views.health import run_checks

    ready, checks = run_checks()
    try:
        queues = queue_stats()
        queue_error = ""
    except Exception as exc:  # noqa: BLE001 - shown on the page
        queues, queue_error = [], f"{type(exc).__name__}: {exc}"
    edi = edi_overview()
    return {
        "ready": ready, "checks": checks,
        "backlog": backlog(), "queues": queues, "queue_error": queue_error,
        "edi": edi,
        "failures": recent_failures(), "failures_by_partner": failures_by_partner(),
        "expiring": edi["expiring"],
        "active_holds": LegalHold.objects.filter(released_at__isnull=True).count(),
        "last_purge": PurgeRun.objects.order_by("-started_at").first(),
    }

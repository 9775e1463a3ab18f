"""E-mail about forecasts, through the portal's notifications (per-user preferences and languages).

Call sites are one line each: ``notify.forecast_published(version, changed=..., to_commit=...)``.
"""

from __future__ import annotations

from django.urls import reverse

from suppliers.forecasts.models import ForecastVersion


def forecast_published(version: ForecastVersion, *, changed: int, to_commit: int) -> None:
    """Queue "forecast published" for the supplier's users; sent after the publish commits."""
    from suppliers.notifications import notify

    notify(
        kind="forecast", supplier=version.supplier,
        subject_template="forecasts/email/published_subject.txt", body_template="forecasts/email/published_body.txt",
        context={"version": version, "changed": changed, "to_commit": to_commit},
        url=reverse("forecasts:detail", args=[version.pk]),
    )

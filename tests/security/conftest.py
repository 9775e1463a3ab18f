"""The security suite's world: two suppliers with one of every supplier-facing object each, and
the URL patterns of the project as the resolver knows them (so new pages are covered by default).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import Tenant, make_tenant, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MONDAY = date(2026, 3, 2)
SCORECARD_MONTH = "2026-01"

# Address prefixes that are not the supplier's: the buyer console, login/MFA (allauth), the
# language switch, AS2 endpoints for partners, probes, the API's schema and docs. Everything else
# is supplier-facing and must be known to the sweep.
NOT_SUPPLIER_FACING = ("console/", "accounts/", "i18n/", "as2/", "healthz", "readyz", "metrics", "api/schema/",
                       "api/docs/")


@dataclass
class World:
    tenant: Tenant
    line: Any
    forecast: Any
    forecast_line: Any
    notice: Any
    attachment: Any
    api_key: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tenant, name)


def build_world(code: str, *, engineer) -> World:
    from suppliers.audit import Actor
    from suppliers.erp.services import supplier_api_key_create
    from suppliers.forecasts.services import forecast_publish
    from suppliers.quality.models import DefectCode
    from suppliers.quality.services import Upload, quality_notice_raise

    tenant = make_tenant(code)
    part = tenant.supplier_part.part
    schedule = [{"start": (MONDAY + timedelta(weeks=w)).isoformat(),
                 "end": (MONDAY + timedelta(weeks=w, days=6)).isoformat(), "quantity": "100"} for w in range(6)]
    forecast = forecast_publish(supplier=tenant.supplier, lines=[{"buyer_part": part.buyer_part_number,
                                                                  "schedule": schedule}],
                                actor=Actor.system("test"), source="api", horizon_start=MONDAY)
    notice = quality_notice_raise(
        supplier=tenant.supplier, part=part, defect_code=DefectCode.objects.get(code="SOLDER"),
        rejected_quantity=Decimal(3), severity="major", title=f"Solder bridges {code}",
        description="Bridges between pins 3 and 4.", actor=engineer, lot=f"LOT-{code}-A", advice=tenant.asn,
        receipt=tenant.receipt, attachments=[Upload(name=f"aoi-{code.lower()}.pdf", stream=io.BytesIO(PDF),
                                                    size=len(PDF))],
    )
    key = supplier_api_key_create(user=tenant.member, actor=tenant.member)
    from suppliers.production.services import inspection_result_post

    inspection = inspection_result_post(actor=Actor.system("test"), data={
        "reference": f"MES-{code}-1", "lot": f"LOT-{code}-A", "part": part.buyer_part_number, "plant": "PLT1",
        "supplier": code, "stage": "test", "quantity_inspected": Decimal(200),
        "defects": [{"code": "SOLDER", "quantity": Decimal(3)}]}).obj
    return World(tenant=tenant, line=tenant.order.lines.get(), forecast=forecast,
                 forecast_line=forecast.lines.get(), notice=notice, attachment=notice.attachments.get(),
                 api_key=key.key, extra={"inspection": inspection})


@pytest.fixture
def engineer(db):
    from django.contrib.auth.models import Group

    from suppliers.roles import QUALITY_ENGINEER

    user = make_user("quality@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    return user


@pytest.fixture
def worlds(db, engineer, settings, tmp_path, django_capture_on_commit_callbacks):
    """(ALPHA, BRAVO), each with an order, ASN, receipt, forecast, quality notice with an
    attachment, a supplier API key, and scorecards for one month."""
    from suppliers.audit import Actor
    from suppliers.scorecards.services import scorecards_recompute

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=False):
        a, b = build_world("ALPHA", engineer=engineer), build_world("BRAVO", engineer=engineer)
        scorecards_recompute(actor=Actor.system("test"), months=1, last_month=date(2026, 1, 1))
    return a, b


# --- the URL patterns ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, prefixes joined
    name: str  # namespaced url name ("portal:order_detail"), or "" for unnamed
    params: tuple[str, ...]
    callback: Callable

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/v1/")


def _params(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def all_routes() -> list[Route]:
    out: list[Route] = []

    def walk(patterns, prefix: str, namespaces: list[str], params: tuple[str, ...]) -> None:
        for p in patterns:
            text = str(p.pattern).lstrip("^").rstrip("$")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + text, namespaces + ([p.namespace] if p.namespace else []),
                     params + _params(p.pattern))
            elif isinstance(p, URLPattern):
                name = ":".join(namespaces + [p.name]) if p.name else ""
                out.append(Route(prefix + text, name, params + _params(p.pattern), p.callback))

    walk(get_resolver().url_patterns, "", [], ())
    return out


def supplier_facing_routes() -> list[Route]:
    return [r for r in all_routes() if not r.route.startswith(NOT_SUPPLIER_FACING) and r.name]


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content

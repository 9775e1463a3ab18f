"""Tenancy sweep: every supplier-facing URL pattern, taken from the URL resolver, is requested by
supplier ALPHA with BRAVO's objects in it. Each must be a 404 (or, for endpoints only the buyer's
ERP may call, a 403) and never show BRAVO's data; each page without an id must not show it either.

A new URL pattern with parameters fails `test_every_supplier_facing_pattern_is_known` until it is
added to FILL below: the sweep never silently skips a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import login
from tests.security.conftest import SCORECARD_MONTH, World, body_of, supplier_facing_routes

OBJECT, BUYER_ONLY, SCOPED, TOKEN = "object", "buyer-only", "scoped", "token"

# url name -> (kind, how to fill its parameters from a supplier's world)
#   OBJECT: the parameters name another supplier's object: 404 on every method
#   BUYER_ONLY: an API endpoint closed to supplier callers whatever the parameters: 403
#   SCOPED: the parameters select within the caller's own data (no object id): 200, own data only
#   TOKEN: the parameter is itself the credential (an invitation link), tested on its own
FILL: dict[str, tuple[str, Callable[[World], dict[str, Any]]]] = {
    "portal:order_detail": (OBJECT, lambda w: {"pk": w.order.pk}),
    "portal:order_accept_all": (OBJECT, lambda w: {"pk": w.order.pk}),
    "portal:order_line_respond": (OBJECT, lambda w: {"pk": w.order.pk, "line_pk": w.line.pk}),
    "portal:shipment_detail": (OBJECT, lambda w: {"pk": w.asn.pk}),
    "portal:shipment_labels": (OBJECT, lambda w: {"pk": w.asn.pk}),
    "portal:shipment_packing_list": (OBJECT, lambda w: {"pk": w.asn.pk}),
    "portal:receipt_detail": (OBJECT, lambda w: {"pk": w.receipt.pk}),
    "portal:team_member_active": (OBJECT, lambda w: {"pk": w.member.supplier_membership.pk}),
    "portal:invitation_accept": (TOKEN, lambda w: {"token": "not-a-token"}),  # tests/suppliers/test_invitations.py
    "forecasts:detail": (OBJECT, lambda w: {"pk": w.forecast.pk}),
    "forecasts:export": (OBJECT, lambda w: {"pk": w.forecast.pk}),
    "forecasts:upload": (OBJECT, lambda w: {"pk": w.forecast.pk}),
    "forecasts:commit": (OBJECT, lambda w: {"pk": w.forecast.pk, "line_pk": w.forecast_line.pk}),
    "quality:detail": (OBJECT, lambda w: {"pk": w.notice.pk}),
    "quality:answer": (OBJECT, lambda w: {"pk": w.notice.pk, "discipline": 1}),
    "quality:attachment": (OBJECT, lambda w: {"pk": w.notice.pk, "attachment_pk": w.attachment.pk}),
    "production_quality:lot": (OBJECT, lambda w: {"part_pk": w.supplier_part.part.pk, "lot": w.extra["inspection"].lot}),
    "scorecards:evidence": (SCOPED, lambda w: {"kpi": "on_time", "period": "month", "month": SCORECARD_MONTH}),
    "scorecards:evidence_export": (SCOPED, lambda w: {"kpi": "on_time", "period": "month", "month": SCORECARD_MONTH}),
    "api-po-detail": (OBJECT, lambda w: {"pk": w.order.pk}),
    "api-asn-detail": (OBJECT, lambda w: {"pk": w.asn.pk}),
    "api-po-cancel": (BUYER_ONLY, lambda w: {"number": w.order.number}),
    "api-feed": (BUYER_ONLY, lambda w: {"feed": "all"}),
    "api-feed-ack": (BUYER_ONLY, lambda w: {"feed": "all"}),
    "api-supplier-upsert": (BUYER_ONLY, lambda w: {"code": w.supplier.code}),
    "api-part-upsert": (BUYER_ONLY, lambda w: {"number": w.supplier_part.part.buyer_part_number}),
}

ROUTES = supplier_facing_routes()
WITH_PARAMS = [r for r in ROUTES if r.params]
WITHOUT_PARAMS = [r for r in ROUTES if not r.params]
METHODS = ("get", "post", "put", "patch", "delete")


def identifiers(world: World) -> list[bytes]:
    """What only BRAVO's data contains (the search terms below are shorter: an echoed query is no leak)."""
    t = world.tenant
    return [s.encode() for s in (
        t.order.number, t.asn.number, t.receipt.number, f"LOT-{t.supplier.code}-A", t.supplier_part.supplier_part_number,
        t.supplier_part.part.buyer_part_number, t.supplier.name, t.admin.email, t.member.email, world.notice.title,
        world.notice.number, world.attachment.name,
    ) if s]


def leaks(response, world: World) -> list[bytes]:
    body = body_of(response)
    path = response.wsgi_request.path.encode() if hasattr(response, "wsgi_request") else b""
    if path:  # a problem document or a login link may echo the address that was asked for
        body = body.replace(path, b"")
    return [ident for ident in identifiers(world) if ident in body]


def clients(world: World) -> dict[str, Any]:
    """ALPHA's ways in: the portal session of its administrator, and its supplier API key."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {world.api_key}")
    return {"session": login(world.admin), "api_key": api}


def test_every_supplier_facing_pattern_is_known():
    unknown = [f"{r.route} ({r.name})" for r in WITH_PARAMS if r.name not in FILL]
    assert not unknown, f"the tenancy sweep does not know how to fill: {unknown}; add them to FILL"
    stale = set(FILL) - {r.name for r in WITH_PARAMS}
    assert not stale, f"FILL names patterns that no longer exist: {stale}"
    # and the sweep does cover the areas it is meant to
    names = {r.name.split(":")[0] for r in ROUTES}
    assert {"portal", "forecasts", "quality", "scorecards", "erp"} <= names
    assert any(r.is_api for r in ROUTES)


def missing(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The same parameters naming objects that do not exist."""
    return {k: 10**9 if isinstance(v, int) else "NO-SUCH-0404" for k, v in kwargs.items()}


@pytest.mark.parametrize("route", WITH_PARAMS, ids=lambda r: r.name)
def test_another_suppliers_objects_are_404_by_every_method(route, worlds):
    alpha, bravo = worlds
    kind, fill = FILL[route.name]
    if kind == TOKEN:
        pytest.skip("the token is the credential: tests/suppliers/test_invitations.py")
    theirs = reverse(route.name, kwargs=fill(bravo))
    nothing = reverse(route.name, kwargs=missing(fill(bravo))) if kind == OBJECT else ""
    ours = reverse(route.name, kwargs=fill(alpha))
    for way, client in clients(alpha).items():
        if way == "api_key" and not route.is_api:
            continue  # portal pages take a session, not an API key
        statuses = {}
        for method in METHODS:
            response = getattr(client, method)(theirs)
            statuses[method] = response.status_code
            assert not leaks(response, bravo), (way, method, theirs)
            if kind == OBJECT:
                # indistinguishable from an object that does not exist, method by method
                assert response.status_code == getattr(client, method)(nothing).status_code, (way, method, theirs)
        allowed = {OBJECT: {403, 404, 405}, BUYER_ONLY: {403, 405}, SCOPED: {200, 404, 405}}[kind]
        assert set(statuses.values()) <= allowed, (way, theirs, statuses)
        if kind == OBJECT:
            assert statuses["get"] == 404 or statuses["post"] == 404, (way, theirs, statuses)
            # the same address with ALPHA's own object is not a 404: the sweep tests tenancy, not typos
            own = client.get(ours)
            assert own.status_code in (200, 302, 405), (way, ours, own.status_code)
        if kind == BUYER_ONLY:
            assert 403 in statuses.values(), (way, theirs, statuses)
        if kind == SCOPED:
            assert client.get(ours).status_code == 200, (way, ours)


@pytest.mark.parametrize("route", WITHOUT_PARAMS, ids=lambda r: r.name)
def test_pages_without_an_id_show_only_own_data(route, worlds):
    alpha, bravo = worlds
    url = reverse(route.name)
    for way, client in clients(alpha).items():
        if not route.is_api and way == "api_key":
            continue
        for query in ({}, {"q": "BRAVO"}, {"search": "BRAVO"}, {"supplier": "BRAVO"}):
            response = client.get(url, query)
            assert response.status_code in (200, 302, 400, 403, 405), (way, url, response.status_code)
            assert not leaks(response, bravo), (way, url, query)


def test_the_sweep_would_see_a_leak(worlds):
    """The leak check itself works: BRAVO's own pages do show BRAVO's data."""
    _alpha, bravo = worlds
    client = login(bravo.admin)
    for name, fill in (("portal:order_detail", {"pk": bravo.order.pk}), ("quality:detail", {"pk": bravo.notice.pk}),
                       ("forecasts:detail", {"pk": bravo.forecast.pk})):
        assert leaks(client.get(reverse(name, kwargs=fill)), bravo), name

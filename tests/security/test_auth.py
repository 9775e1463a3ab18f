"""Getting in: password guessing is locked out (per account and per address, without telling which
accounts exist), a supplier that requires two-factor login gets it on every page the resolver
knows, and API keys do only what their scope says.

Per-account lockout and the TOTP set-up itself are in tests/portal/test_auth.py; key basics in
tests/erp/test_api_keys.py; a supplier key's tenancy in the sweep (test_tenancy_sweep.py).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, login
from tests.security.conftest import supplier_facing_routes
from tests.security.test_tenancy_sweep import FILL, OBJECT, SCOPED


def attempt(client: Client, email: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_guessing_one_account_locks_it_for_everyone_and_the_answer_does_not_say_if_it_exists(worlds, settings):
    alpha, bravo = worlds
    guesser = Client()
    answers = set()
    for n in range(settings.LOGIN_ATTEMPTS):
        answers.add(attempt(guesser, alpha.member.email, f"guess-{n}", ip=f"198.51.100.{n}").status_code)
    # from another address, with the right password: still locked (the lock is on the account)
    owner = Client()
    attempt(owner, alpha.member.email, PASSWORD, ip="192.0.2.50")
    assert not logged_in(owner)
    # an address that does not exist gets the very answer a wrong password for a real one gets
    stranger = attempt(Client(), "nobody@nowhere.example", "guess", ip="192.0.2.51")
    known = attempt(Client(), bravo.member.email, "guess", ip="192.0.2.52")
    assert stranger.status_code == known.status_code == 200
    assert stranger.context["form"].errors == known.context["form"].errors
    assert answers == {200}


def test_spraying_many_accounts_from_one_address_is_cut_off(worlds, settings):
    alpha, bravo = worlds
    sprayer = Client()
    emails = [alpha.member.email, alpha.admin.email, bravo.member.email, bravo.admin.email]
    for n in range(12):  # more than the 10 failures a minute one address may make
        attempt(sprayer, emails[n % len(emails)], f"Winter2026!{n}", ip="203.0.113.99")
    # the next attempt from that address is refused even with a right password
    response = attempt(sprayer, bravo.member.email, PASSWORD, ip="203.0.113.99")
    assert not logged_in(sprayer) and response.status_code in (200, 429)
    # while the same person from elsewhere is not punished for the sprayer
    elsewhere = Client()
    attempt(elsewhere, bravo.member.email, PASSWORD, ip="192.0.2.77")
    assert logged_in(elsewhere)


def test_a_supplier_requiring_two_factor_gets_it_on_every_supplier_facing_page(worlds):
    alpha, bravo = worlds
    alpha.supplier.require_mfa = True
    alpha.supplier.save()
    client = login(alpha.member)
    checked = 0
    for route in supplier_facing_routes():
        if route.params and FILL.get(route.name, ("",))[0] not in (OBJECT, SCOPED):
            continue
        url = reverse(route.name, kwargs=FILL[route.name][1](alpha) if route.params else None)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if route.is_api:
                assert response.status_code == 403, (method, url, response.status_code)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response["Location"].startswith(reverse("mfa_activate_totp")), (method, url)
            checked += 1
    assert checked > 40
    # the other supplier, which does not require it, is not affected
    assert login(bravo.member).get(reverse("portal:home")).status_code == 200


# --- API key scopes ------------------------------------------------------------------------------

def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def erp_keys(db):
    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_create

    return {scope: api_key_create(name=f"ERP-{scope}", scope=scope, actor=Actor.system("test"))
            for scope in ("read", "write")}


WRITES = [
    ("post", "/api/v1/purchase-orders/", {}),
    ("post", "/api/v1/goods-receipts/", {}),
    ("put", "/api/v1/parts/P-ALPHA-1/", {"description": "changed"}),
    ("put", "/api/v1/suppliers/ALPHA/", {"name": "changed"}),
    ("post", "/api/v1/feeds/all/ack/", {"cursor": 1}),
    ("post", "/api/v1/inspection-results/", {}),
]


@pytest.mark.parametrize("method, url, body", WRITES)
def test_a_read_key_cannot_write(method, url, body, worlds, erp_keys):
    from suppliers.models import Part, Supplier

    reader = key_client(erp_keys["read"].key)
    response = getattr(reader, method)(url, body, format="json")
    assert response.status_code == 403, (url, response.status_code, response.content[:300])
    assert Part.objects.get(buyer_part_number="P-ALPHA-1").description != "changed"
    assert Supplier.objects.get(code="ALPHA").name != "changed"
    # the write key is let through the same door (its answer is about the body, not the scope)
    writer = key_client(erp_keys["write"].key)
    assert getattr(writer, method)(url, body, format="json").status_code != 403


def test_a_revoked_or_altered_key_is_refused(worlds, erp_keys):
    from suppliers.audit import Actor
    from suppliers.erp.services import api_key_revoke

    issued = erp_keys["read"]
    assert key_client(issued.key).get("/api/v1/purchase-orders/").status_code == 200
    assert key_client(issued.key[:-1] + ("A" if issued.key[-1] != "A" else "B")).get(
        "/api/v1/purchase-orders/").status_code == 401
    api_key_revoke(api_key=issued.api_key, actor=Actor.system("test"))
    assert key_client(issued.key).get("/api/v1/purchase-orders/").status_code == 401


def test_a_supplier_key_is_read_only_and_sees_only_its_supplier(worlds):
    alpha, bravo = worlds
    client = key_client(alpha.api_key)
    numbers = [o["number"] for o in client.get("/api/v1/purchase-orders/").json()["results"]]
    assert numbers == [alpha.order.number]
    assert client.get(f"/api/v1/purchase-orders/{bravo.order.pk}/").status_code == 404
    assert client.post("/api/v1/purchase-orders/", {}, format="json").status_code == 403

"""API keys: hashed at rest, shown once, revocable, scoped, rate limited; the command and the console."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from suppliers.erp.models import ApiKey
from tests.conftest import login
from tests.erp.conftest import key_client

URL = "/api/v1/purchase-orders/"


def test_the_command_prints_the_key_once_and_stores_only_its_hash(db):
    out, err = StringIO(), StringIO()
    call_command("api-key", "create", "SAP-QAS", "--scope", "write", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("tsk_") and len(key) > 40
    row = ApiKey.objects.get(name="SAP-QAS")
    assert row.scope == "write" and row.supplier is None
    assert key not in row.key_hash and row.prefix in key
    assert key_client(key).get(URL).status_code == 200
    listing = StringIO()
    call_command("api-key", "list", stdout=listing)
    assert "SAP-QAS" in listing.getvalue() and key not in listing.getvalue()
    with pytest.raises(CommandError, match="exists"):
        call_command("api-key", "create", "SAP-QAS", stdout=StringIO(), stderr=StringIO())
    call_command("api-key", "revoke", "SAP-QAS", stdout=StringIO())
    assert key_client(key).get(URL).status_code == 401
    # the name is free again once revoked
    call_command("api-key", "create", "SAP-QAS", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("header", [
    "Api-Key tsk_deadbeef_wrongsecret", "Api-Key not-a-key", "Api-Key tsk_", "Bearer tsk_x_y",
])
def test_wrong_or_malformed_keys_are_401_problems(header, erp_key):
    client = key_client("")
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_a_right_prefix_with_a_wrong_secret_is_refused(erp_key):
    prefix = erp_key.api_key.prefix
    assert key_client(f"tsk_{prefix}_{'x' * 43}").get(URL).status_code == 401


def test_last_use_is_recorded(erp, erp_key):
    assert erp_key.api_key.last_used_at is None
    erp.get(URL)
    erp_key.api_key.refresh_from_db()
    assert erp_key.api_key.last_used_at is not None


def test_rate_limit_per_key(erp_key, erp_reader):
    from rest_framework.throttling import SimpleRateThrottle

    # DRF reads the rates once, into the class: set them there, and put the original back after.
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"api_key": "3/min"}
    try:
        client = key_client(erp_key.key)
        codes = [client.get(URL).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get(URL)
        assert limited["Content-Type"] == "application/problem+json" and limited.json()["retry_after"] > 0
        assert "Retry-After" in limited
        # another key has its own budget
        assert erp_reader.get(URL).status_code == 200
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


def test_the_console_add_form_shows_the_key_once(admin_client):
    response = admin_client.post("/console/erp/apikey/add/", {"name": "MES-1", "scope": "read"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    [message] = [m for m in shown if "tsk_" in m]
    key = "tsk_" + message.split("tsk_")[1].split()[0]
    row = ApiKey.objects.get(name="MES-1")
    assert row.scope == "read" and key_client(key).get(URL).status_code == 200
    # the change page never shows it again
    page = admin_client.get(f"/console/erp/apikey/{row.pk}/change/").content.decode()
    assert key not in page and row.prefix in page


def test_buyers_in_the_browser_read_but_cannot_write(buyer, tenant_a):
    client = login(buyer)
    assert client.get(URL).status_code == 200
    assert client.get("/api/v1/feeds/all/").status_code == 200
    response = client.post(URL, {}, content_type="application/json")
    assert response.status_code == 403

"""Project-level promises: deploy checks, demo data, settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

# The production values documented in docs/deploy.md.
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-4f9a8b7c6d5e",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "tsunagi.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://tsunagi.example.com",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_TLS_PROXY": "1",
}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    clean.pop("SECRET_KEY", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_development_defaults():
    result = _check_deploy({"DEBUG": "0"})
    assert result.returncode != 0
    assert "tsunagi.E001" in result.stdout + result.stderr


def test_documented_production_values_are_the_ones_tested():
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    for key in PRODUCTION_ENV:
        assert key in deploy, f"docs/deploy.md does not document {key}"


def test_debug_is_off_unless_asked(settings):
    assert settings.DEBUG is False


def test_demo_data_is_idempotent(db, capsys):
    from suppliers.models import DespatchAdvice, Event, GoodsReceipt, Part, PurchaseOrder, Supplier

    call_command("demo", today="2026-11-15")
    counts = [m.objects.count() for m in (Supplier, Part, PurchaseOrder, DespatchAdvice, GoodsReceipt, Event)]
    assert counts[0] == 3 and counts[1] == 32  # 30 bought-in parts, a board and a unit built from them
    assert 60 <= counts[2] <= 72 and counts[3] > 40 and counts[4] > 40
    call_command("demo", today="2026-11-15")
    assert [m.objects.count() for m in (Supplier, Part, PurchaseOrder, DespatchAdvice, GoodsReceipt, Event)] == counts
    # a year of history: the oldest order is about 12 months old
    oldest = PurchaseOrder.objects.order_by("order_date").first().order_date
    assert oldest.isoformat() < "2025-12-31"
    assert "sakura@supplier.example" in capsys.readouterr().out
    # the genealogy over the received lots: a board lot traced forward to its finished units
    from suppliers.production.models import WorkOrder
    from suppliers.production.trace import lot_trace

    board = WorkOrder.objects.filter(number__startswith="WO-DEMO-", number__endswith="-A").first()
    assert board is not None
    component = board.components.first()
    match = next(m for m in lot_trace(query=component.lot).matches if m.part == component.part)
    assert match.forward.end_items >= 10 and match.receipts


def test_demo_logins_work(db):
    from django.test import Client

    call_command("demo", today="2026-11-15", months=2)
    client = Client()
    client.post("/accounts/login/", {"login": "sakura@supplier.example", "password": "tsunagi-demo-2026"})
    page = client.get("/").content.decode()
    assert "Sakura Passive Components" in page
    staff = Client()
    staff.post("/accounts/login/", {"login": "buyer@tsunagi.example", "password": "tsunagi-demo-2026"})
    assert staff.get("/console/").status_code == 200


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_api_schema_and_docs_are_served(client, django_user_model, path):
    assert client.get(path).status_code == 200

"""What the browser is told: a Content-Security-Policy without inline script on every page (and
pages that need none), no framing, no content sniffing, cookies that stay on HTTPS and out of
scripts, and CSRF tokens required on every form.

Pages are taken from the URL resolver (tests/security/conftest.py) and filled with the supplier's
own objects, so a new page is rendered and checked here without anyone listing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login
from tests.security.conftest import body_of, supplier_facing_routes
from tests.security.test_tenancy_sweep import FILL, OBJECT, SCOPED
from tests.test_project import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]
# Pages outside the supplier area that a supplier user or a visitor also sees
ACCOUNT_PAGES = ["account_login", "account_reset_password", "account_logout", "mfa_index", "mfa_activate_totp"]


def portal_pages(world) -> list[str]:
    """Every supplier-facing HTML page (not the API), with this supplier's own objects in it."""
    urls = []
    for route in supplier_facing_routes():
        if route.is_api:
            continue
        if not route.params:
            urls.append(reverse(route.name))
        elif FILL.get(route.name, ("",))[0] in (OBJECT, SCOPED):
            urls.append(reverse(route.name, kwargs=FILL[route.name][1](world)))
    return urls


class _InlineScript(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline <script>, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src") and (a.get("type") or "text/javascript") not in (
                "application/json", "application/ld+json"):
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")


def inline_script(html: str) -> list[str]:
    parser = _InlineScript()
    parser.feed(html)
    return parser.found


def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check_headers(url: str, response) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy"
    d = csp_directives(csp)
    if d.get("default-src") == ["'none'"] and "sandbox" in d:
        pass  # an uploaded file served back (quality attachments): nothing runs, nothing loads
    else:
        assert d["script-src"] == ["'self'"], (url, d["script-src"])
        assert "'unsafe-inline'" not in d["default-src"] and "'unsafe-eval'" not in csp, url
        assert d["frame-ancestors"] == ["'none'"] and d["object-src"] == ["'none'"], url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url


def test_every_portal_page_has_the_policy_and_no_inline_script(worlds):
    alpha, _ = worlds
    client = login(alpha.admin)
    seen = 0
    for url in portal_pages(alpha):
        response = client.get(url, follow=True)
        if response.status_code == 405:
            continue  # a POST-only action; its answers are pages checked here by their own URL
        assert response.status_code == 200, (url, response.status_code)
        check_headers(url, response)
        if response["Content-Type"].startswith("text/html"):
            seen += 1
            found = inline_script(body_of(response).decode())
            assert not found, f"{url}: {found}"
    assert seen >= 15  # the sweep did render the portal's pages


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_login_and_two_factor_pages_too(name, worlds):
    alpha, _ = worlds
    client = Client() if name in ("account_login", "account_reset_password") else login(alpha.member)
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    check_headers(name, response)
    assert not inline_script(response.content.decode()), name


def test_the_detector_finds_inline_script():
    assert inline_script('<p><script>alert(1)</script><a href="javascript:x()">x</a><b onclick="y()">')
    assert not inline_script('<script src="/static/a.js"></script><script type="application/json">{}</script>')


# --- CSRF ------------------------------------------------------------------------------------------

def test_every_portal_form_refuses_a_post_without_a_csrf_token(worlds):
    alpha, _ = worlds
    client = Client(enforce_csrf_checks=True)
    client.force_login(alpha.admin, backend="django.contrib.auth.backends.ModelBackend")
    for url in portal_pages(alpha):
        response = client.post(url, {"action": "create", "decision": "accepted"})
        assert response.status_code == 403, (url, response.status_code)
    # and with the token the same client gets through (the 403 above was the CSRF check)
    page = client.get(reverse("erp:api_key"))
    token = page.cookies["csrftoken"].value
    assert client.post(reverse("erp:api_key"), {"action": "create", "csrfmiddlewaretoken": token}).status_code == 200


def test_the_login_form_and_the_api_with_a_session_need_the_token(worlds):
    alpha, _ = worlds
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("account_login"), {"login": alpha.member.email, "password": PASSWORD}).status_code == 403
    session = Client(enforce_csrf_checks=True)
    session.force_login(alpha.admin, backend="django.contrib.auth.backends.ModelBackend")
    # a browser session cannot be ridden into the API's write endpoints either
    response = session.post("/api/v1/purchase-orders/", {}, content_type="application/json")
    assert response.status_code == 403


# --- cookies -----------------------------------------------------------------------------------------

def production_settings(*names: str) -> dict:
    """Settings as the documented production environment (docs/deploy.md) makes them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                            env={**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


COOKIE_SETTINGS = ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                   "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT",
                   "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER")


def test_production_cookies_are_secure_httponly_and_samesite(worlds, settings):
    alpha, _ = worlds
    prod = production_settings(*COOKIE_SETTINGS)
    assert prod["SESSION_COOKIE_SECURE"] is True and prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert prod["CSRF_COOKIE_SECURE"] is True and prod["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert prod["SECURE_SSL_REDIRECT"] is True and prod["SECURE_HSTS_SECONDS"] >= 31536000
    # when: a real login over HTTPS with those settings
    for name in COOKIE_SETTINGS:
        if name != "SECURE_PROXY_SSL_HEADER":
            setattr(settings, name, prod[name])
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("account_login"), secure=True)
    csrf = page.cookies["csrftoken"]
    response = client.post(reverse("account_login"), {"login": alpha.member.email, "password": PASSWORD,
                                                      "csrfmiddlewaretoken": csrf.value}, secure=True,
                           HTTP_REFERER="https://testserver/accounts/login/")
    assert response.status_code == 302, response.content[:500]
    session = response.cookies["sessionid"]
    # then: the cookies the browser gets say so
    assert session["secure"] and session["httponly"] and session["samesite"] == prod["SESSION_COOKIE_SAMESITE"]
    assert csrf["secure"] and csrf["samesite"] == prod["CSRF_COOKIE_SAMESITE"]
    # and plain HTTP is redirected to HTTPS before anything is served
    assert client.get(reverse("portal:home")).status_code == 301

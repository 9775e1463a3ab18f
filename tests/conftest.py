"""Shared fixtures: two suppliers with users, orders, ASNs and receipts, built through services."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
# Each xdist process talks to its own worker through its own queue on the shared broker.
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"tsunagi-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

from tests.browsing import browser, page  # noqa: E402,F401 - the Playwright fixtures, registered once

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # DEBUG is off in tests, so the manifest storage would need `collectstatic`; serve plain files.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run inline, except in tests marked ``worker`` which use a real worker."""
    from portal.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _default_language():
    """A page requested in Japanese or Chinese leaves that language active in the thread (the
    locale middleware activates it and nothing deactivates it): the next test's service errors
    would come out in Chinese. Each test starts in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_log_context():
    """Outside requests and tasks (which clear it themselves) the log context lives on; one
    test's interchange must not appear in the next test's log lines."""
    from portal import logging as log_context

    log_context.clear()
    yield
    log_context.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits live in the cache: one test's failed logins must not lock out the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@dataclass
class Tenant:
    supplier: object
    admin: object
    member: object
    order: object
    asn: object
    receipt: object
    supplier_part: object


def make_user(email: str, *, staff: bool = False, password: str = PASSWORD):
    User = get_user_model()
    return User.objects.create_user(username=email, email=email, password=password, is_staff=staff)


def make_tenant(code: str, *, plant=None) -> Tenant:
    from suppliers import services
    from suppliers.audit import Actor
    from suppliers.models import Part, Plant, SupplierMembership, SupplierPart

    actor = Actor.system("test")
    plant = plant or Plant.objects.get_or_create(code="PLT1", defaults={"name": "Test plant"})[0]
    supplier = services.supplier_create(code=code, name=f"{code.title()} Ltd", actor=actor)
    admin = make_user(f"admin@{code.lower()}.example")
    member = make_user(f"member@{code.lower()}.example")
    SupplierMembership.objects.create(user=admin, supplier=supplier, role="admin")
    SupplierMembership.objects.create(user=member, supplier=supplier, role="member")
    part = Part.objects.create(buyer_part_number=f"P-{code}-1", description=f"Widget from {code}", commodity_class="passive")
    sp = SupplierPart.objects.create(supplier=supplier, part=part, supplier_part_number=f"{code}-SP-1", price=Decimal("1.25"))
    order = services.purchase_order_create(
        number=f"PO-{code}-1", supplier=supplier, ship_to=plant, order_date=date(2026, 1, 5), actor=actor,
        lines=[services.LineInput(line_no=10, part=part, quantity=Decimal(100), price=Decimal("1.25"),
                                  requested_date=date(2026, 2, 1))],
    )
    line = order.lines.get()
    asn = services.despatch_advice_create(
        supplier=supplier, number=f"ASN-{code}-1", ship_to=plant, ship_date=date(2026, 1, 28), actor=actor,
        lines=[services.AsnLineInput(line_no=1, order_line=line, quantity=Decimal(100),
                                     lots=[(f"LOT-{code}-A", Decimal(100))], serials=[f"SN-{code}-1"])],
        packages=[],
    )
    receipt = services.goods_receipt_create(
        number=f"GR-{code}-1", supplier=supplier, plant=plant, received_on=date(2026, 1, 30), actor=actor,
        advice=asn, lines=[services.ReceiptLineInput(line_no=1, order_line=line, advice_line=asn.lines.get(),
                                                     received_quantity=Decimal(100), lot=f"LOT-{code}-A")],
    )
    return Tenant(supplier, admin, member, order, asn, receipt, sp)


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("ALPHA")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("BRAVO")


@pytest.fixture
def buyer(db):
    from django.contrib.auth.models import Group

    from suppliers.roles import BUYER

    user = make_user("buyer@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=BUYER))
    return user


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def today() -> date:
    return date.today()


__all__ = ["PASSWORD", "Tenant", "login", "make_tenant", "make_user", "timedelta"]

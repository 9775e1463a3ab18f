"""A small genealogy over the two tenants' lots, posted the way the MES posts it.

    LOT-ALPHA-A (P-ALPHA-1) ─┬─ WO-1 ─→ lot SUB-L1 (SUB-1) ── WO-2 ─→ serials FG-0001, FG-0002 (FG-1)
    LOT-BRAVO-A (P-BRAVO-1) ─┘
    LOT-ALPHA-A ───────────── WO-3 ─→ lot SUB-L2 (SUB-1) ── WO-4 ─→ serial FG-0003 (FG-1)
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from suppliers.audit import Actor
from suppliers.models import Part
from tests.conftest import make_user
from tests.erp.conftest import erp, erp_key, erp_reader  # noqa: F401 - the ERP's API clients

MES = Actor.system("mes")


def part(number: str) -> Part:
    return Part.objects.get_or_create(buyer_part_number=number,
                                      defaults={"description": f"Assembly {number}", "commodity_class": "other"})[0]


def post_wo(number: str, *, part_number: str | None, components: list[tuple[str, str]], outputs: list[dict]):
    from suppliers.production.services import work_order_post

    data = {"number": number, "plant": "PLT1", "started_on": "2026-03-02", "completed_on": "2026-03-03",
            "components": [{"part": p, "lot": lot, "quantity": "10"} for p, lot in components], "outputs": outputs}
    if part_number:
        data["part"] = part_number
    return work_order_post(data=data, actor=MES).obj


@pytest.fixture
def genealogy(tenant_a, tenant_b):
    part("SUB-1")
    part("FG-1")
    a = tenant_a.supplier_part.part.buyer_part_number
    b = tenant_b.supplier_part.part.buyer_part_number
    post_wo("WO-1", part_number="SUB-1", components=[(a, "LOT-ALPHA-A"), (b, "LOT-BRAVO-A")],
            outputs=[{"lot": "SUB-L1", "quantity": "20"}])
    post_wo("WO-2", part_number="FG-1", components=[("SUB-1", "SUB-L1")],
            outputs=[{"serial": "FG-0001"}, {"serial": "FG-0002"}])
    post_wo("WO-3", part_number="SUB-1", components=[(a, "LOT-ALPHA-A")], outputs=[{"lot": "SUB-L2", "quantity": "5"}])
    post_wo("WO-4", part_number="FG-1", components=[("SUB-1", "SUB-L2")], outputs=[{"serial": "FG-0003"}])
    return tenant_a, tenant_b


def staff_with(email: str, *perms: str):
    from django.contrib.auth.models import Permission

    user = make_user(email, staff=True)
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app, codename=codename))
    return user


@pytest.fixture
def quality_engineer(db):
    from suppliers.roles import QUALITY_ENGINEER

    user = make_user("qe@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    return user

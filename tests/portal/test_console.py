"""Buyer console: role groups, list pages with their columns and filters, front-page counts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from suppliers.roles import BUYER, EDI_ADMINISTRATOR, QUALITY_ENGINEER
from tests.conftest import login, make_user


@pytest.mark.parametrize("role, can_add_po, can_view_po", [
    (BUYER, True, True), (QUALITY_ENGINEER, False, True), (EDI_ADMINISTRATOR, False, True),
])
def test_roles_are_groups_with_permissions(db, role, can_add_po, can_view_po):
    user = make_user(f"{role.split()[0].lower()}@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=role))
    assert user.has_perm("suppliers.add_purchaseorder") is can_add_po
    assert user.has_perm("suppliers.view_purchaseorder") is can_view_po
    assert not user.has_perm("suppliers.delete_event")


@pytest.mark.parametrize("model", ["supplier", "user", "invitation", "part", "supplierpart", "purchaseorder",
                                   "despatchadvice", "goodsreceipt", "event"])
def test_buyer_can_open_every_list_page(tenant_a, buyer, model):
    app = "auth" if model == "user" else "suppliers"
    client = login(buyer)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200


def test_order_list_filters_and_searches(tenant_a, tenant_b, buyer):
    client = login(buyer)
    url = reverse("admin:suppliers_purchaseorder_changelist")
    page = client.get(url, {"supplier__id__exact": tenant_a.supplier.pk}).content.decode()
    assert tenant_a.order.number in page and tenant_b.order.number not in page
    page = client.get(url, {"q": "P-BRAVO-1"}).content.decode()
    assert tenant_b.order.number in page and tenant_a.order.number not in page


def test_asn_search_finds_lot_and_serial(tenant_a, tenant_b, buyer):
    client = login(buyer)
    url = reverse("admin:suppliers_despatchadvice_changelist")
    for term in ("LOT-ALPHA-A", "SN-ALPHA-1"):
        page = client.get(url, {"q": term}).content.decode()
        assert tenant_a.asn.number in page and tenant_b.asn.number not in page


def test_front_page_counts_orders_by_status(tenant_a, tenant_b, buyer):
    page = login(buyer).get(reverse("admin:index")).content.decode()
    assert 'data-testid="console-overview"' in page
    assert '?status__exact=issued">2</a>' in page


def test_supplier_users_cannot_enter_the_console(tenant_a):
    response = login(tenant_a.admin).get(reverse("admin:index"))
    assert response.status_code == 302 and "/console/login/" in response["Location"]

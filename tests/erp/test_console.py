"""Console pages of the ERP integration render for the roles that have them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from suppliers.roles import BUYER, EDI_ADMINISTRATOR
from tests.conftest import login, make_user

PAGES = ["/console/erp/apikey/", "/console/erp/feedentry/", "/console/erp/feedcursor/",
         "/console/erp/feedacknowledgement/", "/console/production/stocklevel/",
         "/console/production/consumption/", "/console/production/inspectionresult/",
         "/console/production/workorder/", "/console/erp/apikey/add/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_for_a_superuser(admin_client, erp, tenant_a, url):
    erp.post("/api/v1/inspection-results/", {"reference": "R1", "lot": "LOT-ALPHA-A", "plant": "PLT1",
                                             "part": tenant_a.supplier_part.part.buyer_part_number,
                                             "quantity_inspected": "5"}, format="json")
    assert admin_client.get(url).status_code == 200


def test_edi_administrators_manage_keys_and_buyers_do_not(db, tenant_a):
    edi = make_user("edi@tsunagi.test", staff=True)
    edi.groups.add(Group.objects.get(name=EDI_ADMINISTRATOR))
    buyer = make_user("buyer2@tsunagi.test", staff=True)
    buyer.groups.add(Group.objects.get(name=BUYER))
    assert login(edi).get("/console/erp/apikey/add/").status_code == 200
    assert login(buyer).get("/console/erp/apikey/").status_code == 403
    assert login(buyer).get("/console/production/inspectionresult/").status_code == 200

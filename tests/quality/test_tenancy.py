"""Another supplier's quality notice, 8D step and attachment are a 404 by page, URL, list, search,
export and download; the list costs a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.portal.test_tenancy import table_rows
from tests.quality.conftest import PDF, upload


@pytest.fixture
def notices(tenant_a, tenant_b, raise_notice):
    return (raise_notice(tenant_a, attachments=[upload("a.pdf", PDF)]),
            raise_notice(tenant_b, attachments=[upload("b.pdf", PDF)], title="Bent leads on reel"))


@pytest.mark.parametrize("role", ["admin", "member"])
def test_detail_step_and_attachment_of_another_supplier_are_404(role, tenant_a, notices):
    mine, theirs = notices
    client = login(getattr(tenant_a, role))
    assert client.get(reverse("quality:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("quality:detail", args=[theirs.pk])).status_code == 404
    theirs_file = theirs.attachments.get()
    assert client.get(reverse("quality:attachment", args=[theirs.pk, theirs_file.pk])).status_code == 404
    assert client.get(reverse("quality:attachment", args=[mine.pk, theirs_file.pk])).status_code == 404
    response = client.post(reverse("quality:answer", args=[theirs.pk, 1]), {"d1-text": "hijack"})
    assert response.status_code == 404
    assert theirs.steps.get(discipline=1).status == "pending"


def test_list_search_and_export_show_only_own_notices(tenant_a, tenant_b, notices):
    mine, theirs = notices
    client = login(tenant_a.member)
    listing = client.get(reverse("quality:list")).content.decode()
    assert mine.number in table_rows(listing) and theirs.number not in listing
    for q in (theirs.number, "LOT-BRAVO-A", "P-BRAVO-1", "ASN-BRAVO-1", "GR-BRAVO-1", "Bent leads"):
        searched = client.get(reverse("quality:list"), {"q": q}).content.decode()
        assert theirs.number not in table_rows(searched), q
        own = login(tenant_b.member).get(reverse("quality:list"), {"q": q}).content.decode()
        assert theirs.number in table_rows(own), q
    for query in ({}, {"q": theirs.number}, {"status": "open"}):
        body = b"".join(client.get(reverse("quality:export"), query).streaming_content).decode()
        assert theirs.number not in body
        if not query.get("q"):
            assert mine.number in body


def test_list_and_export_cost_a_fixed_number_of_queries(tenant_a, raise_notice, django_assert_max_num_queries):
    for _ in range(25):
        raise_notice(tenant_a)
    client = login(tenant_a.member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("quality:list"))
    assert page.content.decode().count("/quality/") >= 25
    with django_assert_max_num_queries(10):
        b"".join(client.get(reverse("quality:export")).streaming_content)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("portal:home")).status_code == 200


def test_detail_costs_a_fixed_number_of_queries(tenant_a, raise_notice, answer, django_assert_max_num_queries):
    notice = raise_notice(tenant_a, attachments=[upload(f"p{i}.pdf", PDF) for i in range(5)])
    for d in (1, 2, 3):
        answer(notice, d, tenant_a.member)
    client = login(tenant_a.member)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("quality:detail", args=[notice.pk])).status_code == 200


def test_console_list_costs_a_fixed_number_of_queries(tenant_a, tenant_b, raise_notice, engineer,
                                                      django_assert_max_num_queries):
    for tenant in (tenant_a, tenant_b):
        for _ in range(10):
            raise_notice(tenant)
    client = login(engineer)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("admin:quality_qualitynotice_changelist")).content.decode()
    assert "QN-" in page

"""The buyer console: raise a notice with files, review answers, move due dates, cancel."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from suppliers.quality.models import DefectCode, QualityNotice
from tests.conftest import login
from tests.quality.conftest import HTML_AS_PDF, PDF


def form_data(tenant, **extra):
    return {"supplier": tenant.supplier.pk, "part": tenant.supplier_part.part.pk, "lot": "LOT-ALPHA-A",
            "advice": tenant.asn.pk, "receipt": "", "order": "", "rejected_quantity": "25",
            "defect_code": DefectCode.objects.get(code="DIM").pk, "severity": "critical",
            "title": "Height out of tolerance", "description": "Measured 1.32 mm, drawing says 1.20 ± 0.05.",
            **extra}


def test_engineer_raises_a_notice_with_a_photo(tenant_a, engineer, django_capture_on_commit_callbacks):
    client = login(engineer)
    url = reverse("admin:quality_qualitynotice_add")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(tenant_a, attachments=[SimpleUploadedFile("m.pdf", PDF)]))
    notice = QualityNotice.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{notice.pk}/change/")
    assert notice.raised_by == engineer and notice.severity == "critical" and notice.order == tenant_a.order
    assert notice.attachments.get().name == "m.pdf"
    page = client.get(reverse("admin:quality_qualitynotice_change", args=[notice.pk])).content.decode()
    assert 'data-testid="eightd-review"' in page and "D8 Closure" in page


def test_form_refuses_others_references_and_disguised_files(tenant_a, tenant_b, engineer):
    client = login(engineer)
    url = reverse("admin:quality_qualitynotice_add")
    response = client.post(url, form_data(tenant_a, advice=tenant_b.asn.pk))
    assert response.status_code == 200 and "belongs to another supplier" in response.content.decode()
    response = client.post(url, form_data(tenant_a, attachments=[SimpleUploadedFile("m.pdf", HTML_AS_PDF)]))
    assert "is not what its name says" in response.content.decode()
    assert not QualityNotice.objects.exists()


def test_review_accepts_and_returns_from_the_console(tenant_a, engineer, raise_notice, answer):
    notice = raise_notice(tenant_a)
    answer(notice, 1, tenant_a.member)
    client = login(engineer)
    url = reverse("admin:quality_step_review", args=[notice.pk, 1])
    client.post(url, {"decision": "return", "comment": ""})
    assert notice.steps.get(discipline=1).status == "submitted"  # a return needs a comment
    client.post(url, {"decision": "return", "comment": "Name the champion"})
    assert notice.steps.get(discipline=1).status == "returned"
    answer(notice, 1, tenant_a.member, "Champion: K. Sato")
    client.post(url, {"decision": "accept", "comment": ""})
    assert notice.steps.get(discipline=1).status == "accepted"
    client.post(reverse("admin:quality_step_due", args=[notice.pk, 4]), {"due_date": "2030-01-31"})
    assert str(notice.steps.get(discipline=4).due_date) == "2030-01-31"


def test_buyer_role_sees_but_does_not_review(tenant_a, buyer, raise_notice, answer):
    notice = raise_notice(tenant_a)
    answer(notice, 1, tenant_a.member)
    client = login(buyer)
    assert client.get(reverse("admin:quality_qualitynotice_change", args=[notice.pk])).status_code == 200
    assert client.post(reverse("admin:quality_step_review", args=[notice.pk, 1]),
                       {"decision": "accept"}).status_code == 404
    assert notice.steps.get(discipline=1).status == "submitted"
    assert client.get(reverse("admin:quality_qualitynotice_add")).status_code == 403


def test_cancel_action(tenant_a, engineer, raise_notice):
    notice = raise_notice(tenant_a)
    login(engineer).post(reverse("admin:quality_qualitynotice_changelist"),
                         {"action": "cancel_notices", "_selected_action": [notice.pk]})
    notice.refresh_from_db()
    assert notice.status == "cancelled"


def test_console_front_page_counts_what_needs_the_engineer(tenant_a, engineer, raise_notice, answer):
    notice = raise_notice(tenant_a)
    answer(notice, 1, tenant_a.member)
    page = login(engineer).get(reverse("admin:index")).content.decode()
    assert "Notices with 8D answers to review: 1" in page and "Open notices: 1" in page
